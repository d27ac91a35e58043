"""工人先锋号, labour competitions and innovation studios in the API (/api/v1/pioneers/):
teams and their nominations, the title's steps (one POST per step, ADR 0010), and — in
`api_registers` — competitions with entries and results, studios with members, projects and
results, and alliances."""

import datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.lists import Seek
from nuanjia.core.schemas import ErrorOut, OneOf
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Employer
from nuanjia.people.queries import get_worker_for

from . import queries, services
from .rules import AwardLevel, TitleStatus, TitleStep
from .workflow import TITLE_FLOW

router = Router(tags=["pioneers"])


def guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class PioneerTeamOut(Schema):
    id: int
    org: str = Field(alias="org.code")
    name: str
    employer_id: int | None
    workplace: str
    members_count: int
    leader_id: int | None


class PioneerTeamIn(Schema):
    name: str = Field(..., max_length=100)
    employer_id: int | None = None
    workplace: str = Field("", max_length=120)
    members_count: int = Field(0, ge=0, le=100000)
    leader_id: int | None = Field(None, description="A registry worker of the union")


class PioneerTitleOut(Schema):
    id: int
    team_id: int
    org: str = Field(alias="org.code")
    status: str
    year: int
    deeds: str
    publicity_starts_on: datetime.date | None
    publicity_ends_on: datetime.date | None
    level: str
    award_year: int | None
    certificate_number: str
    awarding_org: str | None = Field(None, alias="awarding_org.code")
    last_review_year: int | None
    refusal_reason: str
    revocation_reason: str


class PioneerNominationIn(Schema):
    year_nominated: int | None = Field(None, description="A year from 1950")
    deeds: str = Field("", max_length=500)


@router.get("/teams", response=list[PioneerTeamOut], summary="Teams in scope")
@paginate(Seek, spec=queries.TEAM_LIST)
def team_list(request, q: str = ""):
    guard(request)
    teams = queries.visible_teams(request.user)
    return teams.filter(name__icontains=q) if q else teams


@router.post("/teams", response={201: PioneerTeamOut, **ERROR_RESPONSES},
             summary="Register a team of the caller's grassroots union")  # fmt: skip
def team_create(request, payload: PioneerTeamIn):
    guard(request)
    data = payload.dict()
    employer_id, leader_id = data.pop("employer_id"), data.pop("leader_id")
    employer = Employer.objects.filter(pk=employer_id).first() if employer_id else None
    if employer_id and employer is None:
        raise services.RuleViolation("请选择本工会的用人单位。", field="employer")
    leader = get_worker_for(request.user, leader_id) if leader_id else None
    team = services.create_team(request.user.org, by=request.user, employer=employer,
                                leader=leader, **data)  # fmt: skip
    return Status(201, team)


@router.get("/teams/{pioneer_team_id}", response={200: PioneerTeamOut, 404: ErrorOut},
            summary="One team")  # fmt: skip
def team_detail(request, pioneer_team_id: int):
    guard(request)
    return queries.get_team_for(request.user, pioneer_team_id)


@router.post("/teams/{pioneer_team_id}/nominations",
             response={201: PioneerTitleOut, **ERROR_RESPONSES},
             summary="Nominate the team for 工人先锋号 (its own union's caseworker)")  # fmt: skip
def team_nominate(request, pioneer_team_id: int, payload: PioneerNominationIn):
    guard(request)
    team = queries.get_team_for(request.user, pioneer_team_id, write=True)
    return Status(201, services.nominate(team, by=request.user, **payload.dict()))


@router.get("/titles", response=list[PioneerTitleOut], summary="Nominations and titles in scope")
@paginate(Seek, spec=queries.TITLE_LIST)
def title_list(request, status: Annotated[str, OneOf(TitleStatus)] | None = None):
    guard(request)
    titles = queries.visible_titles(request.user)
    return titles.filter(status=status) if status else titles


@router.get("/titles/{pioneer_title_id}", response={200: PioneerTitleOut, 404: ErrorOut},
            summary="One nomination or title")  # fmt: skip
def title_detail(request, pioneer_title_id: int):
    guard(request)
    return queries.get_title_for(request.user, pioneer_title_id)


class PioneerTitleReviewIn(Schema):
    publicity_starts_on: str = Field(..., description="YYYY-MM-DD")
    publicity_ends_on: str = Field(..., description="YYYY-MM-DD")
    note: str = Field("", max_length=2000)


class PioneerTitleAwardIn(Schema):
    level: Annotated[str, OneOf(AwardLevel)]
    award_year: int = Field(..., description="A year from 1950")
    certificate_number: str = Field(..., max_length=50)
    note: str = Field("", max_length=2000)


class PioneerTitleAnnualReviewIn(Schema):
    review_year: int = Field(..., description="A year from 1950")
    note: str = Field("", max_length=2000)


add_step_operations(
    router,
    TITLE_FLOW,
    path="/titles/{pioneer_title_id}",
    fetch=lambda request, pk: queries.get_title_for(request.user, pk, write=True),
    response=PioneerTitleOut,
    present=lambda request, title: title,
    summaries={
        TitleStep.REVIEW: "Review a nomination and publicise it (not the nominator)",
        TitleStep.AWARD: "Award the title at the caller's union's level after the publicity",
        TitleStep.REFUSE: "Refuse a nomination (reason)",
        TitleStep.PASS_REVIEW: "Record a passed annual review (the awarding level)",
        TitleStep.REVOKE: "Revoke a title (reason; the awarding level)",
    },
    schemas={
        TitleStep.REVIEW: PioneerTitleReviewIn,
        TitleStep.AWARD: PioneerTitleAwardIn,
        TitleStep.PASS_REVIEW: PioneerTitleAnnualReviewIn,
    },
)

from . import api_registers  # noqa: E402,F401  (adds the registers' operations to the router)
