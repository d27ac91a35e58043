"""The registers in the API (/api/v1/pioneers/): labour competitions with their entries and
results, innovation studios with members, projects and results (savings in fen), and the
studio alliances. Operations are added to `api.router`."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.lists import Seek
from nuanjia.core.schemas import ErrorOut, OneOf
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.people.queries import get_worker_for

from . import queries, services
from .api import guard, router
from .rules import AllianceKind, CompetitionKind, ProjectStatus, ResultKind, StudioKind, StudioLevel


class PioneerEntryOut(Schema):
    id: int
    team_id: int | None
    name: str
    rank: int | None
    score: Decimal | None
    award: str


class PioneerCompetitionOut(Schema):
    id: int
    org: str = Field(alias="org.code")
    name: str
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date


class PioneerCompetitionDetailOut(PioneerCompetitionOut):
    entries: list[PioneerEntryOut]

    @staticmethod
    def resolve_entries(competition) -> list:
        return list(competition.entries.order_by("rank", "name", "pk"))


class PioneerCompetitionIn(Schema):
    name: str = Field(..., max_length=100)
    kind: Annotated[str, OneOf(CompetitionKind)]
    starts_on: str = Field(..., description="YYYY-MM-DD")
    ends_on: str = Field(..., description="YYYY-MM-DD")


class PioneerEntryIn(Schema):
    team_id: int | None = None
    name: str = Field("", max_length=100)


class PioneerResultIn(Schema):
    rank: int | None = Field(None, ge=1, le=100000)
    score: Decimal | None = Field(None, ge=0, le=Decimal("999999.99"), decimal_places=2)
    award: str = Field("", max_length=50)


@router.get("/competitions", response=list[PioneerCompetitionOut],
            summary="Labour competitions in scope")  # fmt: skip
@paginate(Seek, spec=queries.COMPETITION_LIST)
def competition_list(request):
    guard(request)
    return queries.visible_competitions(request.user)


@router.post("/competitions", response={201: PioneerCompetitionOut, **ERROR_RESPONSES},
             summary="Set up a labour competition of the caller's union")  # fmt: skip
def competition_create(request, payload: PioneerCompetitionIn):
    guard(request)
    return Status(201, services.create_competition(request.user.org, by=request.user,
                                                   **payload.dict()))  # fmt: skip


@router.get("/competitions/{labour_competition_id}",
            response={200: PioneerCompetitionDetailOut, 404: ErrorOut},
            summary="One labour competition with its teams and results")  # fmt: skip
def competition_detail(request, labour_competition_id: int):
    guard(request)
    return queries.get_competition_for(request.user, labour_competition_id)


@router.post("/competitions/{labour_competition_id}/entries",
             response={201: PioneerEntryOut, **ERROR_RESPONSES},
             summary="Enter a registered team, or a team by name")  # fmt: skip
def entry_create(request, labour_competition_id: int, payload: PioneerEntryIn):
    guard(request)
    competition = queries.get_competition_for(request.user, labour_competition_id, write=True)
    team = queries.get_team_for(request.user, payload.team_id) if payload.team_id else None
    return Status(201, services.enter_team(competition, by=request.user, team=team,
                                           name=payload.name))  # fmt: skip


@router.post("/entries/{competition_entry_id}/result",
             response={200: PioneerEntryOut, **ERROR_RESPONSES},
             summary="Record an entered team's rank, score and award")  # fmt: skip
def entry_result(request, competition_entry_id: int, payload: PioneerResultIn):
    guard(request)
    entry = queries.get_entry_for(request.user, competition_entry_id, write=True)
    return services.record_result(entry, by=request.user, **payload.dict())


class PioneerStudioOut(Schema):
    id: int
    org: str = Field(alias="org.code")
    name: str
    kind: str
    leader_id: int
    level: str
    recognised_on: datetime.date


class PioneerMemberOut(Schema):
    worker_id: int
    name: str = Field(alias="worker.name")
    role: str
    joined_on: datetime.date


class PioneerProjectOut(Schema):
    id: int
    title: str
    year: int
    status: str


class PioneerStudioResultOut(Schema):
    id: int
    project_id: int | None
    kind: str
    title: str
    number: str
    achieved_on: datetime.date
    savings_fen: int


class PioneerStudioDetailOut(PioneerStudioOut):
    members: list[PioneerMemberOut]
    projects: list[PioneerProjectOut]
    results: list[PioneerStudioResultOut]

    @staticmethod
    def resolve_members(studio) -> list:
        return list(studio.members.select_related("worker"))

    @staticmethod
    def resolve_projects(studio) -> list:
        return list(studio.projects.all())

    @staticmethod
    def resolve_results(studio) -> list:
        return list(studio.results.all())


class PioneerStudioIn(Schema):
    name: str = Field(..., max_length=100)
    kind: Annotated[str, OneOf(StudioKind)]
    leader_id: int
    level: Annotated[str, OneOf(StudioLevel)]
    recognised_on: str = Field(..., description="YYYY-MM-DD")


class PioneerMemberIn(Schema):
    worker_id: int
    role: str = Field("", max_length=50)
    joined_on: str | None = Field(None, description="YYYY-MM-DD")


class PioneerProjectIn(Schema):
    title: str = Field(..., max_length=200)
    year_started: int = Field(..., description="A year from 1950")
    status: Annotated[str, OneOf(ProjectStatus)]


class PioneerStudioResultIn(Schema):
    kind: Annotated[str, OneOf(ResultKind)]
    title: str = Field(..., max_length=200)
    number: str = Field("", max_length=50)
    achieved_on: str = Field(..., description="YYYY-MM-DD")
    savings_fen: int = Field(0, ge=0, le=10**14)
    project_id: int | None = None


@router.get("/studios", response=list[PioneerStudioOut], summary="Innovation studios in scope")
@paginate(Seek, spec=queries.STUDIO_LIST)
def studio_list(request):
    guard(request)
    return queries.visible_studios(request.user)


@router.post("/studios", response={201: PioneerStudioOut, **ERROR_RESPONSES},
             summary="Register an innovation studio of the caller's union")  # fmt: skip
def studio_create(request, payload: PioneerStudioIn):
    guard(request)
    data = payload.dict()
    leader = get_worker_for(request.user, data.pop("leader_id"))
    return Status(201, services.create_studio(request.user.org, by=request.user, leader=leader,
                                              **data))  # fmt: skip


@router.get("/studios/{innovation_studio_id}",
            response={200: PioneerStudioDetailOut, 404: ErrorOut},
            summary="One studio with its members, projects and results")  # fmt: skip
def studio_detail(request, innovation_studio_id: int):
    guard(request)
    return queries.get_studio_for(request.user, innovation_studio_id)


def _studio(request, pk: int):
    return queries.get_studio_for(request.user, pk, write=True)


@router.post("/studios/{innovation_studio_id}/members",
             response={201: PioneerMemberOut, **ERROR_RESPONSES}, summary="Add a studio member")  # fmt: skip
def member_create(request, innovation_studio_id: int, payload: PioneerMemberIn):
    guard(request)
    studio = _studio(request, innovation_studio_id)
    worker = get_worker_for(request.user, payload.worker_id)
    return Status(201, services.add_member(studio, worker=worker, role=payload.role,
                                           joined_on=payload.joined_on, by=request.user))  # fmt: skip


@router.post("/studios/{innovation_studio_id}/projects",
             response={201: PioneerProjectOut, **ERROR_RESPONSES}, summary="Add a studio project")  # fmt: skip
def project_create(request, innovation_studio_id: int, payload: PioneerProjectIn):
    guard(request)
    studio = _studio(request, innovation_studio_id)
    return Status(201, services.add_project(studio, by=request.user, **payload.dict()))


@router.post("/studios/{innovation_studio_id}/results",
             response={201: PioneerStudioResultOut, **ERROR_RESPONSES},
             summary="Record a studio's result (patent, award, savings in fen)")  # fmt: skip
def studio_result_create(request, innovation_studio_id: int, payload: PioneerStudioResultIn):
    guard(request)
    studio = _studio(request, innovation_studio_id)
    data = payload.dict()
    project_id = data.pop("project_id")
    project = studio.projects.filter(pk=project_id).first() if project_id else None
    if project_id and project is None:
        raise services.RuleViolation("请选择本工作室的项目。", field="project")
    return Status(201, services.add_result(studio, by=request.user, project=project, **data))


class PioneerAllianceOut(Schema):
    id: int
    org: str = Field(alias="org.code")
    name: str
    kind: str
    studio_ids: list[int]

    @staticmethod
    def resolve_studio_ids(alliance) -> list[int]:
        return [m.studio_id for m in alliance.memberships.all()]


class PioneerAllianceIn(Schema):
    name: str = Field(..., max_length=100)
    kind: Annotated[str, OneOf(AllianceKind)]


class PioneerJoinIn(Schema):
    studio_id: int


@router.get("/alliances", response=list[PioneerAllianceOut], summary="Studio alliances in scope")
@paginate(Seek, spec=queries.ALLIANCE_LIST)
def alliance_list(request):
    guard(request)
    return queries.visible_alliances(request.user).prefetch_related("memberships")


@router.post("/alliances", response={201: PioneerAllianceOut, **ERROR_RESPONSES},
             summary="Set up a studio alliance of the caller's union")  # fmt: skip
def alliance_create(request, payload: PioneerAllianceIn):
    guard(request)
    return Status(201, services.create_alliance(request.user.org, by=request.user,
                                                **payload.dict()))  # fmt: skip


@router.get("/alliances/{studio_alliance_id}", response={200: PioneerAllianceOut, 404: ErrorOut},
            summary="One studio alliance")  # fmt: skip
def alliance_detail(request, studio_alliance_id: int):
    guard(request)
    return queries.get_alliance_for(request.user, studio_alliance_id)


@router.post("/alliances/{studio_alliance_id}/studios",
             response={200: PioneerAllianceOut, **ERROR_RESPONSES},
             summary="A studio of the alliance's unions joins it")  # fmt: skip
def alliance_join(request, studio_alliance_id: int, payload: PioneerJoinIn):
    guard(request)
    alliance = queries.get_alliance_for(request.user, studio_alliance_id, write=True)
    studio = queries.get_studio_for(request.user, payload.studio_id)
    services.join_alliance(alliance, studio, by=request.user)
    return alliance
