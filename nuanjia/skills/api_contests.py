"""Skill contests and craftsman academies in the API (/api/v1/skills/)."""

import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from . import queries, services

router = Router(tags=["skills"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class SkillsContestOut(Schema):
    id: int
    name: str
    org: str = Field(alias="org.code")
    trade: str
    held_on: datetime.date
    place: str


class SkillsContestIn(Schema):
    name: str = Field(..., max_length=100)
    trade: str = Field(..., max_length=50)
    held_on: str = Field(..., description="YYYY-MM-DD")
    place: str = Field("", max_length=100)


class SkillsEntrantOut(Schema):
    id: int
    contest_id: int
    worker_id: int
    name: str = Field(alias="worker.name")
    score: Decimal | None
    rank: int | None
    prize: str


class SkillsEntrantIn(Schema):
    worker_id: int


class SkillsResultIn(Schema):
    score: Decimal | None = Field(None, ge=0, le=1000)
    rank: int | None = Field(None, ge=1, le=100_000)
    prize: str = Field("", max_length=50)


@router.get("/contests", response=list[SkillsContestOut], summary="Skill contests in scope")
@paginate(Pages, page_size=100)
def contest_list(request):
    _guard(request)
    return queries.visible_contests(request.user)


@router.post("/contests", response={201: SkillsContestOut, **ERROR_RESPONSES},
             summary="Set up a skill contest of the caller's union")  # fmt: skip
def contest_create(request, payload: SkillsContestIn):
    _guard(request)
    return Status(201, services.create_contest(request.user.org, by=request.user, **payload.dict()))


@router.get("/contests/{sk_contest_id}/entrants", response=list[SkillsEntrantOut],
            summary="A contest's entrants with scores and awards")  # fmt: skip
@paginate(Pages, page_size=200)
def entrant_list(request, sk_contest_id: int):
    _guard(request)
    contest = queries.get_contest_for(request.user, sk_contest_id)
    return queries.visible_entrants(request.user).filter(contest=contest).order_by("rank", "pk")


@router.post("/contests/{sk_contest_id}/entrants", response={201: SkillsEntrantOut, **ERROR_RESPONSES},
             summary="Enter a registry worker in a contest")  # fmt: skip
def entrant_create(request, sk_contest_id: int, payload: SkillsEntrantIn):
    _guard(request)
    contest = queries.get_contest_for(request.user, sk_contest_id, write=True)
    worker = get_worker_for(request.user, payload.worker_id)
    return Status(201, services.add_entrant(contest, worker, by=request.user))


@router.post("/entrants/{sk_entrant_id}/result", response={200: SkillsEntrantOut, **ERROR_RESPONSES},
             summary="Record an entrant's score, rank and award")  # fmt: skip
def result_create(request, sk_entrant_id: int, payload: SkillsResultIn):
    _guard(request)
    entrant = queries.get_entrant_for(request.user, sk_entrant_id, write=True)
    return services.record_result(
        entrant, score_value=payload.score, rank=payload.rank, prize=payload.prize, by=request.user
    )


class SkillsTeacherOut(Schema):
    id: int
    worker_id: int | None
    name: str
    trade: str
    title: str


class SkillsBaseOut(Schema):
    id: int
    name: str
    place: str
    trade: str


class SkillsAcademyOut(Schema):
    id: int
    name: str
    org: str = Field(alias="org.code")
    place: str
    teachers: list[SkillsTeacherOut]
    bases: list[SkillsBaseOut]

    @staticmethod
    def resolve_teachers(academy) -> list:
        return list(academy.teachers.all())

    @staticmethod
    def resolve_bases(academy) -> list:
        return list(academy.bases.all())


class SkillsAcademyIn(Schema):
    name: str = Field(..., max_length=100)
    place: str = Field("", max_length=100)


class SkillsTeacherIn(Schema):
    worker_id: int | None = None
    name: str = Field("", max_length=50)
    trade: str = Field(..., max_length=50)
    title: str = Field("", max_length=50)


class SkillsBaseIn(Schema):
    name: str = Field(..., max_length=100)
    place: str = Field("", max_length=100)
    trade: str = Field("", max_length=50)


@router.get("/academies", response=list[SkillsAcademyOut], summary="Craftsman academies in scope")
@paginate(Pages, page_size=100)
def academy_list(request):
    _guard(request)
    return queries.visible_academies(request.user).prefetch_related("teachers", "bases")


@router.post("/academies", response={201: SkillsAcademyOut, **ERROR_RESPONSES},
             summary="Set up a craftsman academy of the caller's union")  # fmt: skip
def academy_create(request, payload: SkillsAcademyIn):
    _guard(request)
    return Status(201, services.create_academy(request.user.org, by=request.user, **payload.dict()))


@router.get("/academies/{sk_academy_id}", response={200: SkillsAcademyOut, 404: ErrorOut},
            summary="One craftsman academy with its teachers and bases")  # fmt: skip
def academy_detail(request, sk_academy_id: int):
    _guard(request)
    return queries.get_academy_for(request.user, sk_academy_id)


@router.post("/academies/{sk_academy_id}/teachers", response={201: SkillsAcademyOut, **ERROR_RESPONSES},
             summary="Add a teacher (a registry worker or a named expert)")  # fmt: skip
def teacher_create(request, sk_academy_id: int, payload: SkillsTeacherIn):
    _guard(request)
    academy = queries.get_academy_for(request.user, sk_academy_id, write=True)
    data = payload.dict()
    worker_id = data.pop("worker_id")
    worker = get_worker_for(request.user, worker_id) if worker_id else None
    services.add_teacher(academy, worker=worker, by=request.user, **data)
    return Status(201, academy)


@router.post("/academies/{sk_academy_id}/bases", response={201: SkillsAcademyOut, **ERROR_RESPONSES},
             summary="Add a training base to an academy")  # fmt: skip
def base_create(request, sk_academy_id: int, payload: SkillsBaseIn):
    _guard(request)
    academy = queries.get_academy_for(request.user, sk_academy_id, write=True)
    services.add_base(academy, by=request.user, **payload.dict())
    return Status(201, academy)
