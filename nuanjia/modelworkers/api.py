"""Model workers in the API (/api/v1/modelworkers/): the register of model workers (keyset
pages), collectives and their honours, village bases and pairings with visits, the help
standard, the help register and its payments (proposed one by one or for a period, then
approved or refused: one POST per step)."""

import datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.lists import Seek
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.hardship.queries import get_file_for
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm
from nuanjia.people.honour_models import HonourLevel
from nuanjia.people.queries import get_worker_for

from . import queries, services
from .rules import CollectiveHonourKind, CollectiveKind, Frequency, PaymentStep, StandardPer
from .workflow import PAYMENT_FLOW

router = Router(tags=["modelworkers"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class ModelWorkerHonourOut(Schema):
    id: int
    worker_id: int
    name: str = Field(alias="worker.name")
    kind: str
    level: str
    year: int
    issuer: str
    org: str = Field(alias="worker.org.code")


class RegisterFilter(Schema):
    level: Annotated[str, OneOf(HonourLevel)] | None = None
    year: int | None = Field(None, ge=1950, le=2100)
    city: str | None = Field(None, pattern=r"^\d{6}$")


@router.get("/register", response=list[ModelWorkerHonourOut],
            summary="The register of model workers (劳模 and 先进工作者 honours) in scope")  # fmt: skip
@paginate(Seek, spec=queries.REGISTER_LIST)
def register_list(request, filters: Query[RegisterFilter]):
    _guard(request)
    rows = queries.visible_register(request.user)
    if filters.level:
        rows = rows.filter(level=filters.level)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.city:
        rows = rows.filter(worker__org__path__contains=f"/{filters.city}/")
    return rows


class CollectiveOut(Schema):
    id: int
    name: str
    kind: str
    org: str = Field(alias="org.code")
    note: str


class CollectiveIn(Schema):
    name: str = Field(..., max_length=100)
    kind: Annotated[str, OneOf(CollectiveKind)]
    note: str = Field("", max_length=200)


class CollectiveHonourOut(Schema):
    id: int
    collective_id: int
    kind: str
    level: str
    year: int
    issuer: str


class CollectiveHonourIn(Schema):
    kind: Annotated[str, OneOf(CollectiveHonourKind)]
    level: Annotated[str, OneOf(HonourLevel)]
    year: int = Field(..., description="The year awarded, from 1950")
    issuer: str = Field(..., max_length=100)
    note: str = Field("", max_length=200)


@router.get("/collectives", response=list[CollectiveOut], summary="Collectives in scope")
@paginate(Seek, spec=queries.COLLECTIVE_LIST)
def collective_list(request):
    _guard(request)
    return queries.visible_collectives(request.user)


@router.post("/collectives", response={201: CollectiveOut, **ERROR_RESPONSES},
             summary="Register a collective of the caller's union")  # fmt: skip
def collective_create(request, payload: CollectiveIn):
    _guard(request)
    return Status(201, services.add_collective(request.user.org, by=request.user,
                                               **payload.dict()))  # fmt: skip


@router.get("/collectives/{mw_collective_id}/honours", response=list[CollectiveHonourOut],
            summary="A collective's honours")  # fmt: skip
def collective_honours(request, mw_collective_id: int):
    _guard(request)
    return list(queries.get_collective_for(request.user, mw_collective_id).honours.all())


@router.post("/collectives/{mw_collective_id}/honours",
             response={201: CollectiveHonourOut, **ERROR_RESPONSES},
             summary="Record an honour of a collective")  # fmt: skip
def collective_honour_create(request, mw_collective_id: int, payload: CollectiveHonourIn):
    _guard(request)
    collective = queries.get_collective_for(request.user, mw_collective_id, write=True)
    data = payload.dict()
    data["year_awarded"] = data.pop("year")
    return Status(201, services.add_collective_honour(collective, by=request.user, **data))


class BaseOut(Schema):
    id: int
    org: str = Field(alias="org.code")
    region_code: str
    village: str
    worker_id: int
    worker: str = Field(alias="worker.name")
    projects: str
    money_fen: int
    technology: str
    started_on: datetime.date
    ended_on: datetime.date | None


class BaseIn(Schema):
    worker_id: int
    region_code: str = Field(..., pattern=r"^\d{6}$")
    village: str = Field(..., max_length=60)
    projects: str = Field("", max_length=2000)
    money_fen: int = Field(0, ge=0)
    technology: str = Field("", max_length=2000)
    started_on: str = Field(..., description="YYYY-MM-DD")


class BaseChangeIn(Schema):
    money_fen: int | None = Field(None, ge=0)
    projects: str | None = Field(None, max_length=2000)
    technology: str | None = Field(None, max_length=2000)
    ended_on: str | None = Field(None, description="YYYY-MM-DD")


@router.get("/bases", response=list[BaseOut], summary="Village bases in scope")
@paginate(Seek, spec=queries.BASE_LIST)
def base_list(request):
    _guard(request)
    return queries.visible_bases(request.user)


@router.post("/bases", response={201: BaseOut, **ERROR_RESPONSES},
             summary="Record a village base of a model worker")  # fmt: skip
def base_create(request, payload: BaseIn):
    _guard(request)
    data = payload.dict()
    worker = get_worker_for(request.user, data.pop("worker_id"))
    return Status(201, services.add_base(request.user.org, by=request.user, worker=worker, **data))


@router.get("/bases/{mw_base_id}", response={200: BaseOut, 404: ErrorOut}, summary="One base")
def base_detail(request, mw_base_id: int):
    _guard(request)
    return queries.get_base_for(request.user, mw_base_id)


@router.patch("/bases/{mw_base_id}", response={200: BaseOut, **ERROR_RESPONSES},
              summary="Change what a base brought, or end it")  # fmt: skip
def base_change(request, mw_base_id: int, payload: BaseChangeIn):
    _guard(request)
    base = queries.get_base_for(request.user, mw_base_id, write=True)
    return services.change_base(base, by=request.user, **payload.dict())


class PairingOut(Schema):
    id: int
    worker_id: int
    target: str
    base_id: int | None
    hardship_file_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date | None
    note: str


class PairingIn(Schema):
    worker_id: int
    base_id: int | None = None
    hardship_file_id: int | None = None
    starts_on: str = Field(..., description="YYYY-MM-DD")
    ends_on: str | None = Field(None, description="YYYY-MM-DD")
    note: str = Field("", max_length=200)


class PairingVisitIn(Schema):
    visited_on: str = Field(..., description="YYYY-MM-DD")
    note: str = Field("", max_length=500)


class PairingVisitOut(Schema):
    id: int
    visited_on: datetime.date
    note: str


@router.get("/pairings", response=list[PairingOut], summary="Pairings in scope")
def pairing_list(request):
    _guard(request)
    return list(queries.visible_pairings(request.user).order_by("-starts_on", "-pk")[:500])


@router.post("/pairings", response={201: PairingOut, **ERROR_RESPONSES},
             summary="Pair a model worker with a village base or a hardship family")  # fmt: skip
def pairing_create(request, payload: PairingIn):
    _guard(request)
    data = payload.dict()
    worker = get_worker_for(request.user, data.pop("worker_id"))
    base_id, file_id = data.pop("base_id"), data.pop("hardship_file_id")
    base = queries.get_base_for(request.user, base_id) if base_id else None
    family = get_file_for(request.user, file_id) if file_id else None
    pairing = services.add_pairing(request.user.org, by=request.user, worker=worker, base=base,
                                   hardship_file=family, **data)  # fmt: skip
    return Status(201, pairing)


@router.post("/pairings/{mw_pairing_id}/visits",
             response={201: PairingVisitOut, **ERROR_RESPONSES},
             summary="Record a visit of a pairing")  # fmt: skip
def visit_create(request, mw_pairing_id: int, payload: PairingVisitIn):
    _guard(request)
    pairing = queries.get_pairing_for(request.user, mw_pairing_id, write=True)
    return Status(201, services.add_visit(pairing, by=request.user, **payload.dict()))


class HelpStandardOut(Schema):
    id: int
    region_code: str
    level: str
    effective_on: datetime.date
    per: str
    amount_fen: int
    note: str


class HelpStandardIn(Schema):
    region_code: str = Field(..., pattern=r"^\d{6}$")
    level: Annotated[str, OneOf(HonourLevel)]
    effective_on: str = Field(..., description="YYYY-MM-DD")
    per: Annotated[str, OneOf(StandardPer)]
    amount_fen: int = Field(..., gt=0)
    note: str = Field("", max_length=200)


@router.get("/standards", response=list[HelpStandardOut], summary="The help standard's rows")
def standard_list(request):
    _guard(request)
    return list(queries.visible_standards(request.user)[:1000])


@router.post("/standards", response={201: HelpStandardOut, **ERROR_RESPONSES},
             summary="Add a dated row of the help standard")  # fmt: skip
def standard_create(request, payload: HelpStandardIn):
    _guard(request)
    return Status(201, services.save_standard(by=request.user, **payload.dict()))


class HelpCaseOut(Schema):
    id: int
    org: str = Field(alias="org.code")
    worker_id: int
    worker: str = Field(alias="worker.name")
    honour_id: int
    frequency: str
    household_size: int
    income_monthly_fen: int
    income_note: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    status: str


class HelpCaseIn(Schema):
    worker_id: int
    frequency: Annotated[str, OneOf(Frequency)]
    household_size: int = Field(1, ge=1, le=30)
    income_monthly_fen: int = Field(..., ge=0)
    income_note: str = Field(..., max_length=200)
    starts_on: str = Field(..., description="YYYY-MM-DD")


class HelpProposeIn(Schema):
    on: str | None = Field(None, description="A day of the period, YYYY-MM-DD (today if none)")


class HelpPeriodIn(Schema):
    frequency: Annotated[str, OneOf(Frequency)]
    on: str | None = Field(None, description="A day of the period, YYYY-MM-DD (today if none)")


class HelpPeriodOut(Schema):
    proposed: int
    skipped: int


class HelpPaymentOut(Schema):
    id: int
    case_id: int
    worker_id: int
    org: str = Field(alias="org.code")
    period: str
    period_start: datetime.date
    period_end: datetime.date
    amount_fen: int
    status: str
    proposed_by_id: int | None
    approved_by_id: int | None
    paid_on: datetime.date | None
    steps: list[str] = []
    events: list[EventOut] = []

    @staticmethod
    def resolve_events(payment) -> list:
        return list(payment.events.select_related("by"))


@router.get("/cases", response=list[HelpCaseOut], summary="The help register in scope")
@paginate(Seek, spec=queries.CASE_LIST)
def case_list(request):
    _guard(request)
    return queries.visible_cases(request.user)


@router.post("/cases", response={201: HelpCaseOut, **ERROR_RESPONSES},
             summary="Take a model worker on for regular help")  # fmt: skip
def case_create(request, payload: HelpCaseIn):
    _guard(request)
    data = payload.dict()
    worker = get_worker_for(request.user, data.pop("worker_id"))
    return Status(201, services.add_case(request.user.org, by=request.user, worker=worker, **data))


@router.get("/cases/{mw_case_id}", response={200: HelpCaseOut, 404: ErrorOut},
            summary="One case of the help register")  # fmt: skip
def case_detail(request, mw_case_id: int):
    _guard(request)
    return queries.get_case_for(request.user, mw_case_id)


def _payment(request, payment):
    payment.refresh_from_db()
    payment.steps = PAYMENT_FLOW.steps_for(payment, request.user)
    return payment


@router.post("/cases/{mw_case_id}/payments", response={201: HelpPaymentOut, **ERROR_RESPONSES},
             summary="Propose the payment of a period for a case")  # fmt: skip
def payment_propose(request, mw_case_id: int, payload: HelpProposeIn):
    _guard(request)
    case = queries.get_case_for(request.user, mw_case_id, write=True)
    return Status(201, _payment(request, services.propose_payment(case, by=request.user,
                                                                  on=payload.on)))  # fmt: skip


@router.post("/payments/period", response={200: HelpPeriodOut, **ERROR_RESPONSES},
             summary="Propose the payments of a period for every case of the caller's union")  # fmt: skip
def payment_period(request, payload: HelpPeriodIn):
    _guard(request)
    return services.propose_period(request.user.org, by=request.user, **payload.dict())


@router.get("/payments", response=list[HelpPaymentOut], summary="Help payments in scope")
@paginate(Seek, spec=queries.PAYMENT_LIST)
def payment_list(request):
    _guard(request)
    return queries.visible_payments(request.user)


@router.get("/payments/{mw_payment_id}", response={200: HelpPaymentOut, 404: ErrorOut},
            summary="One help payment with its history")  # fmt: skip
def payment_detail(request, mw_payment_id: int):
    _guard(request)
    return _payment(request, queries.get_payment_for(request.user, mw_payment_id))


add_step_operations(
    router,
    PAYMENT_FLOW,
    path="/payments/{mw_payment_id}",
    fetch=lambda request, pk: queries.get_payment_for(request.user, pk, write=True),
    response=HelpPaymentOut,
    present=_payment,
    summaries={
        PaymentStep.APPROVE: "Approve a help payment (not the proposer; amount reserved)",
        PaymentStep.REFUSE: "Refuse a help payment (reason)",
    },
)
