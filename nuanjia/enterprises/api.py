"""The enterprises API (under /api/v1/enterprises/): firms with their figures and size class,
union properties and leases with their rent schedule, rent-relief policies, eligibility,
reliefs proposed, approved and cancelled. Every operation is scoped to the caller's subtree and
refuses what the pages refuse, with the same messages."""

import datetime
from typing import Annotated

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf, parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm, Role

from . import queries, services
from .models import FirmProfile, RentRelief
from .rules import FirmKind, Industry, ReliefStep
from .workflow import RELIEF_FLOW

router = Router(tags=["enterprises"])


class ReliefQueue(models.TextChoices):
    """What waits on a role: approvers the proposed reliefs, finance the refunds."""

    APPROVER = Role.APPROVER.value
    FINANCE = Role.FINANCE.value


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class FirmFiguresOut(Schema):
    year: int
    effective_on: datetime.date
    kind: str
    industry: str
    headcount: int
    revenue_fen: int
    assets_fen: int | None
    size_class: str


class FirmOut(Schema):
    id: int
    name: str = Field(alias="employer.name")
    credit_code: str = Field(alias="employer.credit_code")
    region_code: str = Field(alias="employer.region_code")
    county: str = Field(alias="org.code")
    kind: str
    industry: str
    account_masked: str
    union_account_masked: str


class FirmDetailOut(FirmOut):
    figures: list[FirmFiguresOut]

    @staticmethod
    def resolve_figures(firm: FirmProfile) -> list:
        return list(firm.figures.all())


class FirmIn(Schema):
    name: str = Field(..., max_length=120)
    credit_code: str = Field(..., max_length=30)
    region_code: str = Field(..., max_length=6)
    kind: Annotated[str, OneOf(FirmKind)]
    industry: Annotated[str, OneOf(Industry)]
    account_name: str = Field("", max_length=100)
    account: str = Field("", max_length=40)
    bank_name: str = Field("", max_length=60)
    union_account_name: str = Field("", max_length=100)
    union_account: str = Field("", max_length=40)
    union_bank_name: str = Field("", max_length=60)


class FirmFiguresIn(Schema):
    year: int
    headcount: int = Field(..., ge=0)
    revenue_fen: int = Field(..., ge=0)
    assets_fen: int | None = Field(None, ge=0)
    effective_on: str | None = Field(None, description="YYYY-MM-DD; default 1 January next year")


@router.get("/firms", response=list[FirmOut], summary="Firms in scope")
@paginate(Pages, page_size=100)
def firm_list(request, q: str | None = None):
    _guard(request)
    found = queries.visible_firms(request.user).order_by("employer__name", "pk")
    if q:
        found = found.filter(employer__name__icontains=q)
    return found


@router.post("/firms", response={201: FirmDetailOut, **ERROR_RESPONSES}, summary="Register a firm")
def firm_register(request, payload: FirmIn):
    _guard(request)
    firm = services.register_firm(by=request.user, **payload.dict())
    return Status(201, firm)


@router.get("/firms/{firm_id}", response={200: FirmDetailOut, 404: ErrorOut}, summary="One firm")
def firm_detail(request, firm_id: int):
    _guard(request)
    return queries.get_firm_for(request.user, firm_id)


@router.post(
    "/firms/{firm_id}/figures",
    response={201: FirmDetailOut, **ERROR_RESPONSES},
    summary="Record a firm's figures of a year (size classed by the national table)",
)
def firm_figures(request, firm_id: int, payload: FirmFiguresIn):
    _guard(request)
    firm = queries.get_firm_for(request.user, firm_id, write=True)
    services.record_figures(
        firm, year=payload.year, headcount=payload.headcount, revenue_fen=payload.revenue_fen,
        assets_fen=payload.assets_fen, by=request.user,
        effective_on=parse_day(payload.effective_on, "effective_on", required=False),
    )  # fmt: skip
    return Status(201, firm)


class RentScheduleMonthOut(Schema):
    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    due_fen: int
    paid_fen: int
    relieved_fen: int


class UnionLeaseOut(Schema):
    id: int
    number: str
    unit_id: int
    unit: str = Field(alias="unit.code")
    property: str = Field(alias="unit.property.name")
    tenant_id: int
    tenant: str = Field(alias="tenant.employer.name")
    monthly_rent_fen: int
    starts_on: datetime.date
    ends_on: datetime.date
    deposit_fen: int

    @staticmethod
    def resolve_number(lease) -> str:
        return str(lease)


class UnionLeaseDetailOut(UnionLeaseOut):
    schedule: list[RentScheduleMonthOut]

    @staticmethod
    def resolve_schedule(lease) -> list:
        return list(lease.schedule.all())


class UnionLeaseIn(Schema):
    unit_id: int
    tenant_id: int
    monthly_rent_fen: int = Field(..., gt=0)
    starts_on: str = Field(..., description="YYYY-MM-DD")
    ends_on: str = Field(..., description="YYYY-MM-DD")
    deposit_fen: int = Field(0, ge=0)


@router.get("/leases", response=list[UnionLeaseOut], summary="Leases in scope")
@paginate(Pages, page_size=100)
def lease_list(request):
    _guard(request)
    return queries.visible_leases(request.user)


@router.post(
    "/leases", response={201: UnionLeaseDetailOut, **ERROR_RESPONSES}, summary="Let a unit"
)
def lease_create(request, payload: UnionLeaseIn):
    _guard(request)
    from .models import Unit

    unit = get_object_or_404(
        Unit, pk=payload.unit_id, property__in=queries.visible_properties(request.user)
    )
    tenant = queries.get_firm_for(request.user, payload.tenant_id)
    lease = services.create_lease(
        unit, tenant, monthly_rent_fen=payload.monthly_rent_fen,
        starts_on=parse_day(payload.starts_on, "starts_on"),
        ends_on=parse_day(payload.ends_on, "ends_on"), deposit_fen=payload.deposit_fen,
        by=request.user,
    )  # fmt: skip
    return Status(201, lease)


@router.get(
    "/leases/{lease_id}", response={200: UnionLeaseDetailOut, 404: ErrorOut}, summary="One lease"
)
def lease_detail(request, lease_id: int):
    _guard(request)
    return queries.get_lease_for(request.user, lease_id)


class RentPolicyOut(Schema):
    id: int
    code: str
    name: str
    free_months: int
    reduced_months: int
    reduced_num: int
    reduced_den: int
    small_and_micro: bool
    individual_businesses: bool
    window_starts_on: datetime.date
    window_ends_on: datetime.date


class RentEligibilityOut(Schema):
    eligible: bool
    reason: str
    size_class: str
    months: int
    total_fen: int
    refund_fen: int


@router.get("/relief-policies", response=list[RentPolicyOut], summary="Rent-relief policies")
def policy_list(request):
    _guard(request)
    return list(queries.policies(request.user))


@router.get(
    "/leases/{lease_id}/eligibility/{relief_policy_id}",
    response={200: RentEligibilityOut, 404: ErrorOut},
    summary="Whether a policy can relieve a lease, why not, and what it would relieve",
)
def lease_eligibility(request, lease_id: int, relief_policy_id: int):
    _guard(request)
    lease = queries.get_lease_for(request.user, lease_id)
    policy = get_object_or_404(queries.policies(request.user), pk=relief_policy_id)
    verdict = services.check_eligibility(lease, policy)
    computed = services.compute_relief(lease, policy) if verdict.eligible else None
    return {
        "eligible": verdict.eligible, "reason": verdict.reason, "size_class": verdict.size_class,
        "months": len(computed.lines) if computed else 0,
        "total_fen": computed.total_fen if computed else 0,
        "refund_fen": computed.refund_fen if computed else 0,
    }  # fmt: skip


class RentReliefLineOut(Schema):
    number: int = Field(alias="month.number")
    starts_on: datetime.date = Field(alias="month.starts_on")
    kind: str
    due_fen: int
    relief_fen: int
    refund_fen: int


class RentReliefOut(Schema):
    id: int
    number: str
    lease_id: int
    policy: str = Field(alias="policy.code")
    status: str
    months: int
    total_fen: int
    refund_fen: int
    refund_status: str

    @staticmethod
    def resolve_number(relief: RentRelief) -> str:
        return str(relief)


class RentReliefDetailOut(RentReliefOut):
    steps: list[str]
    lines: list[RentReliefLineOut]
    events: list[EventOut]

    @staticmethod
    def resolve_lines(relief: RentRelief) -> list:
        return list(relief.lines.select_related("month"))

    @staticmethod
    def resolve_events(relief: RentRelief) -> list:
        return list(relief.events.select_related("by"))


class RentReliefIn(Schema):
    lease_id: int
    policy_id: int
    note: str = Field("", max_length=200)


def _detail(request, relief: RentRelief) -> RentRelief:
    relief.refresh_from_db()
    relief.steps = RELIEF_FLOW.steps_for(relief, request.user)
    return relief


@router.get("/reliefs", response=list[RentReliefOut], summary="Rent reliefs in scope")
@paginate(Pages, page_size=100)
def relief_list(request, queue: Annotated[str, OneOf(ReliefQueue)] | None = None):
    _guard(request)
    return queries.reliefs_in_queue(request.user, queue or "")


@router.post(
    "/reliefs",
    response={201: RentReliefDetailOut, **ERROR_RESPONSES},
    summary="Apply a policy to a lease (refused with the reason when not eligible)",
)
def relief_propose(request, payload: RentReliefIn):
    _guard(request)
    lease = queries.get_lease_for(request.user, payload.lease_id, write=True)
    policy = queries.policies(request.user).filter(pk=payload.policy_id).first()
    if policy is None:
        raise RuleViolation(_("No such policy."), field="policy_id")
    relief = services.propose_relief(lease, policy, by=request.user, note=payload.note)
    return Status(201, _detail(request, relief))


@router.get(
    "/reliefs/{relief_id}", response={200: RentReliefDetailOut, 404: ErrorOut}, summary="One relief"
)
def relief_detail(request, relief_id: int):
    _guard(request)
    return _detail(request, queries.get_relief_for(request.user, relief_id))


add_step_operations(
    router,
    RELIEF_FLOW,
    path="/reliefs/{relief_id}",
    fetch=lambda request, pk: queries.get_relief_for(request.user, pk, write=True),
    response=RentReliefDetailOut,
    present=_detail,
    summaries={
        ReliefStep.APPROVE: "Approve a proposed relief: schedules relieved, refund reserved",
        ReliefStep.CANCEL: "Cancel a relief (note: the reason); everything is reversed",
    },
)
