"""Partner settlements in the API. For staff (under /api/v1/campaigns/partners/settlements: a
bare /settlements would be read as a campaign's id): the list in scope with filters and
queues, one statement with its steps and history, its rows, the preview and the preparing of
a contract's month, approving and cancelling. For the partner (under
/api/v1/partner/campaigns/, a partner person's token): its own statements and their rows
(names masked unless the worker consented), confirmed or disputed with the reason."""

import datetime
from typing import Annotated

from django.db import models
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.members.auth import PartnerTokenAuth
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm, Role

from . import queries_settlements as queries
from . import services
from .models import Settlement
from .rules import SettlementStatus, SettlementStep
from .workflow import SETTLEMENT_FLOW

router = Router(tags=["campaigns"])
partner_router = Router(tags=["partner"])

MONTH_HELP = "YYYY-MM"


class SettlementQueue(models.TextChoices):
    """What waits on a role: caseworkers the disputed, approvers the confirmed, finance the
    approved or failed."""

    CASEWORKER = Role.CASEWORKER.value
    APPROVER = Role.APPROVER.value
    FINANCE = Role.FINANCE.value


class SettlementOut(Schema):
    id: int
    number: str
    contract_id: int
    activity_id: int
    activity: str = Field(alias="activity.name")
    activity_kind: str = Field(alias="activity.kind")
    partner_id: int
    partner: str = Field(alias="partner.name")
    org: str = Field(alias="org.code")
    earmark: str = Field(alias="earmark.code")
    month: str
    units: int
    price_fen: int
    amount_fen: int
    status: str
    batch_id: int | None
    note: str

    @staticmethod
    def resolve_number(settlement: Settlement) -> str:
        return str(settlement)

    @staticmethod
    def resolve_month(settlement: Settlement) -> str:
        return settlement.month.strftime("%Y-%m")


class SettlementDetailOut(SettlementOut):
    prepared_by_id: int | None
    approved_by_id: int | None
    confirmed_at: datetime.datetime | None
    steps: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_events(settlement: Settlement) -> list:
        return list(settlement.events.select_related("by"))


class SettlementRowOut(Schema):
    id: int = Field(alias="pk")
    day: datetime.date
    name: str
    place: str
    amount_fen: int


class SettlementPartnerRowOut(SettlementRowOut):
    """A row as the partner sees it: the name masked unless the worker consented."""


class SettlementIn(Schema):
    contract_id: int
    month: str = Field(..., description=MONTH_HELP)
    note: str = Field("", max_length=200)


class SettlementPreviewOut(Schema):
    contract_id: int
    month: str
    units: int
    price_fen: int
    amount_fen: int


class SettlementPartnerOut(Schema):
    id: int
    number: str
    activity: str = Field(alias="activity.name")
    union: str = Field(alias="org.name")
    month: str
    units: int
    price_fen: int
    amount_fen: int
    status: str

    @staticmethod
    def resolve_number(settlement: Settlement) -> str:
        return str(settlement)

    @staticmethod
    def resolve_month(settlement: Settlement) -> str:
        return settlement.month.strftime("%Y-%m")


class SettlementConfirmIn(Schema):
    note: str = Field("", max_length=200)


class SettlementDisputeIn(Schema):
    reason: str = Field(..., max_length=200)


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


def _month(value: str) -> datetime.date:
    month = queries.parse_month(value)
    if month is None:
        raise RuleViolation(_("Write the month as 2026-03."), field="month")
    return month


def _detail(request, settlement: Settlement) -> Settlement:
    settlement.refresh_from_db()
    settlement.steps = SETTLEMENT_FLOW.steps_for(settlement, request.user)
    return settlement


# ---- staff -----------------------------------------------------------------------------------


@router.get(
    "/partners/settlements", response=list[SettlementOut], summary="Partner settlements in scope"
)
@paginate(Pages, page_size=100)
def settlement_list(
    request,
    status: Annotated[str, OneOf(SettlementStatus)] | None = None,
    partner_id: int | None = None,
    month: str | None = None,
    queue: Annotated[str, OneOf(SettlementQueue)] | None = None,
):
    _guard(request)
    filters = queries.SettlementFilters(
        status=status or "",
        partner=partner_id,
        month=_month(month) if month else None,
        queue=queue or "",
    )
    return queries.settlements_list(request.user, filters)


@router.get(
    "/partners/settlements/preview",
    response={200: SettlementPreviewOut, **ERROR_RESPONSES},
    summary="What a statement of a contract's month would hold (nothing is written)",
)
def settlement_preview(request, contract_id: int, month: str):
    _guard(request)
    contract = queries.get_contract_for(request.user, contract_id)
    first = _month(month)
    units, amount = services.settlement_preview(contract, first)
    return {
        "contract_id": contract.pk,
        "month": first.strftime("%Y-%m"),
        "units": units,
        "price_fen": contract.price_fen,
        "amount_fen": amount,
    }


@router.post(
    "/partners/settlements",
    response={201: SettlementDetailOut, **ERROR_RESPONSES},
    summary="Prepare a contract's statement of a month that has ended",
)
def settlement_prepare(request, payload: SettlementIn):
    _guard(request)
    contract = queries.get_contract_for(request.user, payload.contract_id, write=True)
    settlement = services.prepare_settlement(
        contract, _month(payload.month), by=request.user, note=payload.note
    )
    return Status(201, _detail(request, settlement))


@router.get(
    "/partners/settlements/{settlement_id}",
    response={200: SettlementDetailOut, 404: ErrorOut},
    summary="One partner settlement with its steps and history",
)
def settlement_detail(request, settlement_id: int):
    _guard(request)
    return _detail(request, queries.get_settlement_for(request.user, settlement_id))


@router.get(
    "/partners/settlements/{settlement_id}/rows",
    response={200: list[SettlementRowOut], 404: ErrorOut},
    summary="The rows of a statement (they add up to its amount)",
)
@paginate(Pages, page_size=500)
def settlement_rows(request, settlement_id: int):
    _guard(request)
    return queries.settlement_rows(queries.get_settlement_for(request.user, settlement_id))


add_step_operations(
    router,
    SETTLEMENT_FLOW,
    path="/partners/settlements/{settlement_id}",
    fetch=lambda request, pk: queries.get_settlement_for(request.user, pk, write=True),
    response=SettlementDetailOut,
    present=_detail,
    summaries={
        SettlementStep.APPROVE: "Approve a confirmed statement: its amount is reserved",
        SettlementStep.CANCEL: "Cancel a statement (note: the reason); its rows are freed",
    },
)


# ---- the partner -----------------------------------------------------------------------------


@partner_router.get(
    "/statements",
    auth=PartnerTokenAuth(),
    response=list[SettlementPartnerOut],
    summary="Our monthly statements",
)
@paginate(Pages, page_size=100)
def partner_statement_list(request):
    return queries.partner_settlements(request.partner_user.partner)


@partner_router.get(
    "/statements/{settlement_id}",
    auth=PartnerTokenAuth(),
    response={200: SettlementPartnerOut, 404: ErrorOut},
    summary="One of our statements",
)
def partner_statement(request, settlement_id: int):
    return queries.get_partner_settlement(request.partner_user.partner, settlement_id)


@partner_router.get(
    "/statements/{settlement_id}/rows",
    auth=PartnerTokenAuth(),
    response={200: list[SettlementPartnerRowOut], 404: ErrorOut},
    summary="The rows of one of our statements (names masked unless the worker consented)",
)
@paginate(Pages, page_size=500)
def partner_statement_rows(request, settlement_id: int):
    partner = request.partner_user.partner
    settlement = queries.get_partner_settlement(partner, settlement_id)
    return queries.settlement_rows(settlement, partner=partner)


@partner_router.post(
    "/statements/{settlement_id}/confirm",
    auth=PartnerTokenAuth(),
    response={200: SettlementPartnerOut, **ERROR_RESPONSES},
    summary="Confirm one of our statements (its rows and total)",
)
def partner_statement_confirm(request, settlement_id: int, payload: SettlementConfirmIn):
    user = request.partner_user
    settlement = queries.get_partner_settlement(user.partner, settlement_id)
    return services.confirm_settlement(settlement, user=user, note=payload.note)


@partner_router.post(
    "/statements/{settlement_id}/dispute",
    auth=PartnerTokenAuth(),
    response={200: SettlementPartnerOut, **ERROR_RESPONSES},
    summary="Dispute one of our statements, saying what is wrong",
)
def partner_statement_dispute(request, settlement_id: int, payload: SettlementDisputeIn):
    user = request.partner_user
    settlement = queries.get_partner_settlement(user.partner, settlement_id)
    return services.dispute_settlement(settlement, user=user, reason=payload.reason)
