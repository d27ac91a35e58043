"""Skills and certificates in the API (/api/v1/skills/): providers and courses, trainees with
attendance and exams (a pass with a number records the certificate), certificates (a
worker's own and those recorded in scope), the subsidy settlement with one POST per step,
contests with entrants and results, academies with teachers and bases."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.lists import Seek
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.funds.models import Earmark
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from . import queries, services
from .models import Settlement
from .rules import CertificateKind, ExamResult, Level, SettlementStep
from .workflow import SETTLEMENT_FLOW

router = Router(tags=["skills"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class SkillsProviderOut(Schema):
    id: int
    name: str
    org: str = Field(alias="org.code")
    payee_name: str
    bank_name: str
    account_masked: str


class SkillsProviderIn(Schema):
    name: str = Field(..., max_length=100)
    payee_name: str = Field("", max_length=100)
    bank_name: str = Field("", max_length=100)
    bank_account: str = Field("", max_length=40)


@router.get("/providers", response=list[SkillsProviderOut], summary="Training providers in scope")
@paginate(Pages, page_size=100)
def provider_list(request):
    _guard(request)
    return queries.visible_providers(request.user)


@router.post("/providers", response={201: SkillsProviderOut, **ERROR_RESPONSES},
             summary="Register a training provider of the caller's union")  # fmt: skip
def provider_create(request, payload: SkillsProviderIn):
    _guard(request)
    return Status(201, services.add_provider(request.user.org, by=request.user, **payload.dict()))


class SkillsCourseOut(Schema):
    id: int
    name: str
    org: str = Field(alias="org.code")
    provider_id: int
    occupation: str
    level: str
    starts_on: datetime.date
    ends_on: datetime.date
    place: str
    places: int
    subsidy_fen: int
    earmark: str = Field(alias="earmark.code")
    min_attendance_pct: int


class SkillsCourseIn(Schema):
    name: str = Field(..., max_length=100)
    provider_id: int
    occupation: str = Field(..., max_length=50)
    level: Annotated[str, OneOf(Level)] = ""
    starts_on: str = Field(..., description="YYYY-MM-DD")
    ends_on: str = Field(..., description="YYYY-MM-DD")
    place: str = Field("", max_length=100)
    places: int = Field(..., ge=1, le=10_000)
    subsidy_fen: int = Field(..., ge=0, le=10_000_000)
    earmark: str = Field(..., max_length=32, description="The earmark's code")
    min_attendance_pct: int = Field(0, ge=0, le=100)


@router.get("/courses", response=list[SkillsCourseOut], summary="Training courses in scope")
@paginate(Seek, spec=queries.COURSE_LIST)
def course_list(request):
    _guard(request)
    return queries.visible_courses(request.user)


@router.post("/courses", response={201: SkillsCourseOut, **ERROR_RESPONSES},
             summary="Set up a training course of the caller's union")  # fmt: skip
def course_create(request, payload: SkillsCourseIn):
    _guard(request)
    data = payload.dict()
    provider = queries.get_provider_for(request.user, data.pop("provider_id"))
    earmark = Earmark.objects.filter(code=data.pop("earmark"), is_active=True).first()
    if earmark is None:
        raise services.RuleViolation("请选择有效的资金专项。", field="earmark")
    course = services.create_course(
        request.user.org, provider=provider, earmark=earmark, by=request.user, **data
    )
    return Status(201, course)


@router.get("/courses/{sk_course_id}", response={200: SkillsCourseOut, 404: ErrorOut},
            summary="One training course")  # fmt: skip
def course_detail(request, sk_course_id: int):
    _guard(request)
    return queries.get_course_for(request.user, sk_course_id)


class SkillsTraineeOut(Schema):
    id: int
    course_id: int
    worker_id: int
    name: str = Field(alias="worker.name")
    attended: int
    result: str
    score: Decimal | None
    examined_on: datetime.date | None


class SkillsWorkerIn(Schema):
    worker_id: int


@router.get("/courses/{sk_course_id}/trainees", response=list[SkillsTraineeOut],
            summary="A course's trainees")  # fmt: skip
@paginate(Seek, spec=queries.ENROLMENT_LIST)
def trainee_list(request, sk_course_id: int):
    _guard(request)
    course = queries.get_course_for(request.user, sk_course_id)
    return queries.visible_enrolments(request.user).filter(course=course)


@router.post("/courses/{sk_course_id}/trainees", response={201: SkillsTraineeOut, **ERROR_RESPONSES},
             summary="Enrol a registry worker on a course")  # fmt: skip
def trainee_create(request, sk_course_id: int, payload: SkillsWorkerIn):
    _guard(request)
    course = queries.get_course_for(request.user, sk_course_id, write=True)
    worker = get_worker_for(request.user, payload.worker_id)
    return Status(201, services.enrol(course, worker, by=request.user))


class SkillsSessionIn(Schema):
    held_on: str = Field(..., description="YYYY-MM-DD")
    topic: str = Field(..., max_length=100)


class SkillsSessionOut(Schema):
    id: int
    course_id: int
    held_on: datetime.date
    topic: str


class SkillsAttendanceIn(Schema):
    trainee_ids: list[int] = Field(..., max_length=1000)


class SkillsAttendanceOut(Schema):
    marked: int


@router.post("/courses/{sk_course_id}/sessions", response={201: SkillsSessionOut, **ERROR_RESPONSES},
             summary="Add a session to a course")  # fmt: skip
def session_create(request, sk_course_id: int, payload: SkillsSessionIn):
    _guard(request)
    course = queries.get_course_for(request.user, sk_course_id, write=True)
    return Status(201, services.add_session(course, by=request.user, **payload.dict()))


@router.post("/sessions/{sk_session_id}/attendance", response={200: SkillsAttendanceOut, **ERROR_RESPONSES},
             summary="Mark trainees present at a session")  # fmt: skip
def attendance_create(request, sk_session_id: int, payload: SkillsAttendanceIn):
    _guard(request)
    session = queries.get_session_for(request.user, sk_session_id, write=True)
    return {"marked": services.record_attendance(session, payload.trainee_ids, by=request.user)}


class SkillsExamIn(Schema):
    result: Annotated[str, OneOf(ExamResult)]
    score: Decimal | None = Field(None, ge=0, le=1000)
    examined_on: str | None = Field(None, description="YYYY-MM-DD; today when empty")
    certificate_kind: Annotated[str, OneOf(CertificateKind)] = CertificateKind.SKILL_LEVEL.value
    certificate_number: str = Field(
        "", max_length=50, description="On a pass: records the certificate"
    )
    issuer: str = Field("", max_length=100)


@router.post("/trainees/{sk_enrolment_id}/exam", response={200: SkillsTraineeOut, **ERROR_RESPONSES},
             summary="Record a trainee's exam (a pass with a number records the certificate)")  # fmt: skip
def exam_create(request, sk_enrolment_id: int, payload: SkillsExamIn):
    _guard(request)
    enrolment = queries.get_enrolment_for(request.user, sk_enrolment_id, write=True)
    return services.record_exam(
        enrolment, result=payload.result, score_value=payload.score,
        examined_on=payload.examined_on, kind=payload.certificate_kind,
        number=payload.certificate_number, issuer=payload.issuer, by=request.user,
    )  # fmt: skip


class SkillsCertificateOut(Schema):
    id: int
    worker_id: int
    kind: str
    level: str
    occupation: str
    number: str
    issuer: str
    issued_on: datetime.date
    enrolment_id: int | None


class SkillsCertificateIn(Schema):
    worker_id: int
    kind: Annotated[str, OneOf(CertificateKind)]
    level: Annotated[str, OneOf(Level)] = ""
    occupation: str = Field(..., max_length=50)
    number: str = Field(..., max_length=50)
    issuer: str = Field(..., max_length=100)
    issued_on: str = Field(..., description="YYYY-MM-DD")


@router.get("/certificates", response=list[SkillsCertificateOut],
            summary="Certificates recorded by the unions in scope")  # fmt: skip
@paginate(Seek, spec=queries.CERTIFICATE_LIST)
def certificate_list(request):
    _guard(request)
    return queries.visible_certificates(request.user)


@router.post("/certificates", response={201: SkillsCertificateOut, **ERROR_RESPONSES},
             summary="Record a certificate a worker holds")  # fmt: skip
def certificate_create(request, payload: SkillsCertificateIn):
    _guard(request)
    data = payload.dict()
    worker = get_worker_for(request.user, data.pop("worker_id"))
    return Status(
        201, services.record_certificate(worker, org=request.user.org, by=request.user, **data)
    )


@router.get("/workers/{worker_id}/certificates", response=list[SkillsCertificateOut],
            summary="The certificates a worker holds")  # fmt: skip
def worker_certificates(request, worker_id: int):
    _guard(request)
    return list(queries.certificates_of(get_worker_for(request.user, worker_id))[:200])


class SkillsSettlementOut(Schema):
    id: int
    course_id: int
    org: str = Field(alias="org.code")
    earmark: str = Field(alias="earmark.code")
    trainees: int
    subsidy_fen: int
    amount_fen: int
    status: str
    note: str
    steps: list[str] = []
    events: list[EventOut] = []

    @staticmethod
    def resolve_events(settlement) -> list:
        return list(settlement.events.select_related("by"))


def _settlement(request, settlement: Settlement) -> Settlement:
    settlement.refresh_from_db()
    settlement.steps = SETTLEMENT_FLOW.steps_for(settlement, request.user)
    return settlement


@router.get(
    "/settlements",
    response=list[SkillsSettlementOut],
    summary="Training subsidy settlements in scope",
)
@paginate(Pages, page_size=100)
def settlement_list(request):
    _guard(request)
    return queries.visible_settlements(request.user)


@router.get("/settlements/{sk_settlement_id}", response={200: SkillsSettlementOut, 404: ErrorOut},
            summary="One training subsidy settlement with its history")  # fmt: skip
def settlement_detail(request, sk_settlement_id: int):
    _guard(request)
    return _settlement(request, queries.get_settlement_for(request.user, sk_settlement_id))


@router.post("/courses/{sk_course_id}/settlement", response={201: SkillsSettlementOut, **ERROR_RESPONSES},
             summary="Prepare a course's subsidy settlement (trainees counted × subsidy)")  # fmt: skip
def settlement_create(request, sk_course_id: int):
    _guard(request)
    course = queries.get_course_for(request.user, sk_course_id, write=True)
    return Status(201, _settlement(request, services.prepare_settlement(course, by=request.user)))


add_step_operations(
    router,
    SETTLEMENT_FLOW,
    path="/settlements/{sk_settlement_id}",
    fetch=lambda request, pk: queries.get_settlement_for(request.user, pk, write=True),
    response=SkillsSettlementOut,
    present=_settlement,
    summaries={
        SettlementStep.APPROVE: "Approve a training subsidy (not the preparer); reserves the amount",
        SettlementStep.CANCEL: "Cancel a training subsidy settlement (reason)",
    },
)
