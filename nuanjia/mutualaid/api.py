"""Mutual aid in the API (/api/v1/mutualaid/): plans in reach, the subtree's enrolments and
claims (illness category only, never the diagnosis), one claim with its lines and cuts, its
steps (second review, approve, refuse) and the figures per city and year."""

import datetime
from typing import Annotated, Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf
from nuanjia.core.workflow_api import add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import figures, queries
from .models import Claim
from .rules import APPROVER_CUTS, ClaimStatus, ClaimStep
from .workflow import CLAIM_FLOW

router = Router(tags=["mutualaid"])


class MutualAidPlanOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    pool_level: str
    pool_org: str = Field(alias="pool_org.code")
    grace_days: int


class MutualAidEnrolmentOut(Schema):
    id: int
    plan_id: int
    worker_id: int
    org: str = Field(alias="org.code")
    starts_on: datetime.date
    ends_on: datetime.date
    contribution_fen: int
    paid_fen: int
    cover_starts_on: datetime.date | None
    waiting_ends_on: datetime.date | None
    is_continuous: bool
    status: str


class MutualAidLineOut(Schema):
    position: int
    invoice_code: str
    invoice_number: str
    total_fen: int
    insurance_fen: int
    self_paid_fen: int
    eligible_fen: int
    asked_fen: int
    proposed_fen: int
    approved_fen: int
    cuts: list[list[Any]]


class MutualAidClaimOut(Schema):
    id: int
    number: str
    plan_id: int
    worker_id: int
    org: str = Field(alias="org.code")
    illness: str
    service_on: datetime.date
    asked_fen: int
    proposed_fen: int
    approved_fen: int
    second_review: bool
    status: str

    @staticmethod
    def resolve_number(claim: Claim) -> str:
        return str(claim)


class MutualAidClaimDetailOut(MutualAidClaimOut):
    lines: list[MutualAidLineOut]
    steps: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_lines(claim: Claim) -> list[Any]:
        return list(claim.lines.all())

    @staticmethod
    def resolve_events(claim: Claim) -> list[Any]:
        return list(claim.events.select_related("by"))


class MutualAidFigureOut(Schema):
    city_code: str
    city: str
    year: int
    members: int
    contributions_fen: int
    claims: dict[str, int]
    workers_paid: int
    paid_fen: int


def _guard(request: Any) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


def _detail(request: Any, claim: Claim) -> Claim:
    claim.refresh_from_db()
    claim.steps = CLAIM_FLOW.steps_for(claim, request.user)  # type: ignore[attr-defined]
    return claim


@router.get("/plans", response=list[MutualAidPlanOut], summary="Mutual aid plans in reach")
def plan_list(request: Any) -> Any:
    _guard(request)
    return list(queries.visible_plans(request.user))


@router.get("/enrolments", response=list[MutualAidEnrolmentOut], summary="Enrolments in scope")
@paginate(Pages, page_size=100)
def enrolment_list(request: Any, plan_id: int | None = None) -> Any:
    _guard(request)
    found = queries.visible_enrolments(request.user)
    return found.filter(plan_id=plan_id) if plan_id else found


@router.get("/claims", response=list[MutualAidClaimOut], summary="Claims in scope")
@paginate(Pages, page_size=100)
def claim_list(request: Any, status: Annotated[str, OneOf(ClaimStatus)] | None = None) -> Any:
    _guard(request)
    found = queries.visible_claims(request.user)
    return found.filter(status=status) if status else found


@router.get(
    "/claims/{ma_claim_id}", response={200: MutualAidClaimDetailOut, 404: ErrorOut},
    summary="One claim with its lines, cuts, steps and history",
)  # fmt: skip
def claim_detail(request: Any, ma_claim_id: int) -> Any:
    _guard(request)
    return _detail(request, queries.get_claim_for(request.user, ma_claim_id))


@router.get("/figures", response=list[MutualAidFigureOut], summary="Figures per city and year")
def figure_list(request: Any) -> Any:
    _guard(request)
    return figures.figures(request.user)


class MutualAidApprovedLineIn(Schema):
    position: int = Field(..., ge=1, description="The line's position on the claim (1, 2, …).")
    approved_fen: int = Field(..., ge=0, description="At most the line's proposed amount.")
    reason: str = Field(
        "", max_length=40,
        description="The coded reason, required when approving less than proposed: "
        + ", ".join(code.value for code in APPROVER_CUTS) + ".",
    )  # fmt: skip


class MutualAidApproveIn(Schema):
    note: str = Field("", max_length=2000, description="A remark kept in the history.")
    lines: list[MutualAidApprovedLineIn] = Field(
        default_factory=list,
        description="Lines approved below their proposed amount; the others as proposed.",
    )


def _approve_fields(request: Any, body: dict[str, Any]) -> dict[str, Any]:
    cuts = {line["position"]: (line["approved_fen"], line["reason"]) for line in body["lines"]}
    return {"note": body["note"], "cuts": cuts}


add_step_operations(
    router,
    CLAIM_FLOW,
    schemas={ClaimStep.APPROVE: MutualAidApproveIn},
    fields={ClaimStep.APPROVE: _approve_fields},
    path="/claims/{ma_claim_id}",
    fetch=lambda request, pk: queries.get_claim_for(request.user, pk, write=True),
    response=MutualAidClaimDetailOut,
    present=_detail,
    summaries={
        ClaimStep.REVIEW: "First review of a sampled claim: it goes to a second reviewer",
        ClaimStep.APPROVE: "Approve the proposed amounts, or less on some lines with a coded "
        "reason each (reserved in the pool)",
        ClaimStep.REFUSE: "Refuse the claim (note: the reason); its reservations are released",
    },
)

from . import (  # noqa: E402  (registers the write operations on the router)
    api_claims,  # noqa: F401
    api_imports,  # noqa: F401
    api_plans,  # noqa: F401
)
