"""Setting plans up through the API: a plan pooled at the caller's own federation, a dated
version of its terms and benefit rules (checked by the same service, the bad part named) and
a union's renewal into the next term. The plan must be in the caller's reach."""

import datetime
from typing import Any

from ninja import Schema, Status
from pydantic import Field as PydanticField

from nuanjia.core.schemas import ErrorOut, parse_day
from nuanjia.orgs.permissions import staff_of

from . import queries, services
from .api import MutualAidPlanOut, _guard, router
from .rules import PlanKind
from .views.plans import union_by_code


class MutualAidPlanIn(Schema):
    code: str = PydanticField(max_length=32)
    name: str = PydanticField(max_length=60)
    kind: PlanKind
    grace_days: int = 30


class MutualAidVersionIn(Schema):
    # Defaults, and the day as a string, so the plan's scope is checked before the body
    # (out of reach: 404); a missing or bad value is then refused naming the field (400).
    valid_from: str = PydanticField("", description="YYYY-MM-DD")
    rules: Any = None
    contribution_fen: int | None = None
    union_share_fen: int | None = None
    member_share_fen: int | None = None
    employer_share_fen: int | None = None
    term_months: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    waiting_days: int | None = None
    cap_claim_fen: int | None = None
    cap_episode_fen: int | None = None
    cap_year_fen: int | None = None
    sample_percent: int | None = None
    review_above_fen: int | None = None


class MutualAidVersionOut(Schema):
    id: int
    plan_id: int
    valid_from: datetime.date
    contribution_fen: int
    rules: Any


class MutualAidRenewIn(Schema):
    org: str = PydanticField("", max_length=20, description="The union's code")
    ending_by: str = PydanticField("", description="YYYY-MM-DD")


class MutualAidRenewOut(Schema):
    renewed: int


@router.post("/plans", response={201: MutualAidPlanOut, 400: ErrorOut}, summary="Set up a plan")
def plan_create(request: Any, payload: MutualAidPlanIn) -> Any:
    _guard(request)
    plan = services.create_plan(
        code=payload.code, name=payload.name, kind=payload.kind, grace_days=payload.grace_days,
        pool_org=staff_of(request.user).org, by=request.user,
    )  # fmt: skip
    return Status(201, plan)


@router.post(
    "/plans/{ma_plan_id}/versions", response={201: MutualAidVersionOut, 400: ErrorOut, 404: ErrorOut},
    summary="Add dated terms and benefit rules to a plan",
)  # fmt: skip
def version_create(request: Any, ma_plan_id: int, payload: MutualAidVersionIn) -> Any:
    _guard(request)
    plan = queries.get_plan_for(request.user, ma_plan_id)
    valid_from = parse_day(payload.valid_from, "valid_from")
    terms = payload.model_dump(exclude={"valid_from", "rules"}, exclude_none=True)
    version = services.add_version(plan, valid_from, rules=payload.rules, by=request.user, **terms)
    return Status(201, version)


@router.post(
    "/plans/{ma_plan_id}/renewals", response={201: MutualAidRenewOut, 400: ErrorOut, 404: ErrorOut},
    summary="Carry a union's covered members into the next term",
)  # fmt: skip
def renewal_create(request: Any, ma_plan_id: int, payload: MutualAidRenewIn) -> Any:
    _guard(request)
    plan = queries.get_plan_for(request.user, ma_plan_id)
    ending_by = parse_day(payload.ending_by, "ending_by")
    org = union_by_code(request.user, payload.org)
    made = services.renew(plan, org, ending_by=ending_by, by=request.user)
    return Status(201, {"renewed": len(made)})
