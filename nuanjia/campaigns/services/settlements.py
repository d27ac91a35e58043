"""Monthly settlements with partners (结算): a contract's completed rows of one calendar month
(health checks done, breakfasts served, trip-goers who went) × the contract's price, to the
fen. Prepared by a caseworker of the paying union, confirmed or disputed by the partner on
its pages, approved by another person with the amount reserved in the ledger, then paid as
the payable "campaigns.settlement" of a payment batch (`campaigns.settlement_payable`).

A row is in at most one live settlement: preparing links the rows with one UPDATE … WHERE
settlement_id IS NULL under the contract's lock; cancelling frees them again."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.core.text import one_line
from nuanjia.funds import services as funds
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.rules import Role

from ..models import Booking, Meal, Nomination, PartnerContract, Settlement
from ..rules import (
    ActivityKind,
    BookingStatus,
    NominationStatus,
    SettlementStatus,
    SettlementStep,
)
from ..workflow import SETTLEMENT_FLOW
from .common import require_planner

__all__ = [
    "SETTLEMENT_ACTIONS",
    "SETTLEMENT_SOURCE",
    "approve_settlement",
    "cancel_settlement",
    "confirm_settlement",
    "dispute_settlement",
    "month_of",
    "prepare_settlement",
    "settlement_preview",
    "unsettled_rows",
]

# The ledger's and the payment batches' name for settlements (funds.sources, core.payables).
SETTLEMENT_SOURCE = "campaigns.settlement"
PREPARER_ROLES = frozenset({Role.CASEWORKER})
# How the settlement's history names its actions (the steps' own labels for the rest).
SETTLEMENT_ACTIONS = {
    "prepare": gettext_lazy("Prepared"),
    SettlementStep.CONFIRM.value: gettext_lazy("Confirmed by the partner"),
    SettlementStep.DISPUTE.value: gettext_lazy("Disputed by the partner"),
    SettlementStep.APPROVE.value: gettext_lazy("Approved; amount reserved"),
    SettlementStep.CANCEL.value: gettext_lazy("Cancelled"),
    "batch": gettext_lazy("Put in a payment batch"),
    "unbatch": gettext_lazy("Taken out of the payment batch"),
    "pay": gettext_lazy("Paid by the bank"),
    "fail": gettext_lazy("Payment failed"),
}


# ---- months and rows -------------------------------------------------------------------------


def month_of(day: datetime.date) -> datetime.date:
    """The first day of `day`'s month: how a settlement names its month."""
    return day.replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _kind(contract: PartnerContract) -> ActivityKind:
    return ActivityKind(contract.activity.kind)


def _rows_of_month(contract: PartnerContract, month: datetime.date) -> QuerySet[Any]:
    """The contract's completed rows of the month, settled or not."""
    start, end = month_of(month), _next_month(month_of(month))
    kind = _kind(contract)
    if kind == ActivityKind.HEALTH_CHECK:
        return Booking.objects.filter(
            activity_id=contract.activity_id,
            partner_id=contract.partner_id,
            status=BookingStatus.DONE,
            done_on__gte=start,
            done_on__lt=end,
        )
    if kind == ActivityKind.BREAKFAST:
        return Meal.objects.filter(
            activity_id=contract.activity_id,
            partner_id=contract.partner_id,
            day__gte=start,
            day__lt=end,
        )
    if kind == ActivityKind.TRIP:
        return Nomination.objects.filter(
            trip__contract_id=contract.pk,
            status=NominationStatus.ATTENDED,
            trip__ends_on__gte=start,
            trip__ends_on__lt=end,
        )
    raise RuleViolation(_("This activity is not run with partners."), field="contract")


def unsettled_rows(contract: PartnerContract, month: datetime.date) -> QuerySet[Any]:
    """The rows a new settlement of the contract and month would take."""
    return _rows_of_month(contract, month).filter(settlement__isnull=True)


def settlement_preview(contract: PartnerContract, month: datetime.date) -> tuple[int, int]:
    """(units, amount in fen) a settlement prepared now would hold."""
    units = unsettled_rows(contract, month).count()
    return units, units * contract.price_fen


def _row_model(settlement: Settlement) -> type[Any]:
    return {
        ActivityKind.HEALTH_CHECK: Booking,
        ActivityKind.BREAKFAST: Meal,
        ActivityKind.TRIP: Nomination,
    }[ActivityKind(settlement.activity.kind)]


def _free_rows(settlement: Settlement) -> int:
    return int(_row_model(settlement).objects.filter(settlement=settlement).update(settlement=None))


# ---- preparing -------------------------------------------------------------------------------


def _check_month(contract: PartnerContract, month: datetime.date) -> None:
    if _next_month(month) > clock.today():
        raise RuleViolation(
            _("A month is settled after it ends: choose a month before this one."), field="month"
        )
    if month > contract.ends_on or _next_month(month) <= contract.starts_on:
        raise RuleViolation(_("The contract does not cover this month."), field="month")


@transaction.atomic
def prepare_settlement(
    contract: PartnerContract, month: datetime.date, *, by: Actor, note: str = ""
) -> Settlement:
    """A caseworker of the paying union draws up the contract's statement of a month that
    has ended: its unsettled completed rows are linked to it and counted, the amount is the
    count × the contract's price. Refused for an empty month and when the contract already
    has a live settlement of that month."""
    contract = (
        PartnerContract.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=contract.pk)
    )
    require_planner(by, contract.org, PREPARER_ROLES)
    month = month_of(month)
    _check_month(contract, month)
    note = one_line(note, "note", 200)
    live = Settlement.objects.filter(contract=contract, month=month).exclude(
        status=SettlementStatus.CANCELLED
    )
    if live.exists():
        raise RuleViolation(
            _("This contract already has a statement of this month: %(number)s.")
            % {"number": live.first()},
            field="month",
            code="already_settled",
        )
    try:
        with transaction.atomic():
            settlement = Settlement.objects.create(
                contract=contract,
                activity_id=contract.activity_id,
                partner_id=contract.partner_id,
                org_id=contract.org_id,
                earmark_id=contract.earmark_id,
                month=month,
                units=0,
                price_fen=contract.price_fen,
                amount_fen=0,
                prepared_by=staff_of(by),
                note=note,
            )
    except IntegrityError:  # another caseworker prepared it at the same moment
        raise RuleViolation(
            _("This contract already has a statement of this month."),
            field="month",
            code="already_settled",
        ) from None
    units = unsettled_rows(contract, month).update(settlement=settlement)
    if not units:
        raise RuleViolation(
            _("Nothing was completed under this contract in this month: nothing to settle."),
            field="month",
            code="nothing_to_settle",
        )
    settlement.units = units
    settlement.amount_fen = units * contract.price_fen
    settlement.save(update_fields=["units", "amount_fen", "updated_at"])
    SETTLEMENT_FLOW.record(
        settlement,
        "prepare",
        "",
        by=by,
        note=note,
        changes={
            "contract": str(contract),
            "month": month.strftime("%Y-%m"),
            "units": units,
            "amount_fen": settlement.amount_fen,
        },
    )
    return settlement


# ---- the partner's answer --------------------------------------------------------------------


def _partner_step(settlement: Settlement, name: str, user: Any, note: str) -> Settlement:
    """Lock, check the partner and the status, move, and record the partner person's step."""
    spec = SETTLEMENT_FLOW.step(name)
    settlement = SETTLEMENT_FLOW.lock(settlement)
    if user is None or settlement.partner_id != user.partner_id or not user.is_active:
        raise PermissionDenied
    SETTLEMENT_FLOW.check_source(settlement, spec, spec.target)
    note = SETTLEMENT_FLOW.clean_note(spec, note)
    source = settlement.status
    settlement.status = str(spec.target)
    fields = ["status", "updated_at"]
    if name == SettlementStep.CONFIRM:
        settlement.confirmed_by = user
        settlement.confirmed_at = timezone.now()
        fields += ["confirmed_by", "confirmed_at"]
    settlement.save(update_fields=fields)
    SETTLEMENT_FLOW.record(
        settlement,
        spec.history_action,
        source,
        by=None,
        note=note,
        changes={"amount_fen": settlement.amount_fen, "units": settlement.units},
        actor_label=user.actor_label,
    )
    return settlement


@transaction.atomic
def confirm_settlement(settlement: Settlement, *, user: Any, note: str = "") -> Settlement:
    """The partner agrees with the statement (rows and total): it waits for approval."""
    return _partner_step(settlement, SettlementStep.CONFIRM, user, note)


@transaction.atomic
def dispute_settlement(settlement: Settlement, *, user: Any, reason: str = "") -> Settlement:
    """The partner disagrees, saying why: the caseworkers cancel it and prepare it again."""
    return _partner_step(settlement, SettlementStep.DISPUTE, user, reason)


# ---- approval and cancelling -----------------------------------------------------------------


def _post(posting: Any, settlement: Settlement, *, by: Actor | None, memo: str) -> None:
    posting(
        funds.account_for(settlement.org, settlement.earmark),
        settlement.amount_fen,
        by=by,
        source_type=SETTLEMENT_SOURCE,
        source_id=str(settlement.pk),
        memo=memo[:200],
    )


def reserve(settlement: Settlement, *, by: Actor | None) -> None:
    """Hold the settlement's amount on the paying union's account of the contract's earmark;
    refused (nothing changes) when not enough is available."""
    _post(funds.reserve, settlement, by=by, memo=str(settlement))


@SETTLEMENT_FLOW.handler(SettlementStep.APPROVE)
@transaction.atomic
def approve_settlement(settlement: Settlement, *, by: Actor, note: str = "") -> Settlement:
    """审批付款: an approver who did not prepare it approves the confirmed statement, and its
    amount is reserved in the same transaction (refused for want of money: nothing moves)."""
    with SETTLEMENT_FLOW.moving(settlement, SettlementStep.APPROVE, by=by, note=note) as move:
        settlement = move.obj
        account = funds.account_for(settlement.org, settlement.earmark)
        if account.available_fen < settlement.amount_fen:
            raise RuleViolation(
                _(
                    "%(org)s has %(available)s available in %(earmark)s, less than the "
                    "%(amount)s of this settlement."
                )
                % {
                    "org": settlement.org,
                    "available": format_yuan(account.available_fen),
                    "earmark": settlement.earmark,
                    "amount": format_yuan(settlement.amount_fen),
                },
                code="insufficient_funds",
            )
        reserve(settlement, by=by)
        settlement.approved_at = timezone.now()
        move.changes["reserved_fen"] = settlement.amount_fen
    return move.obj


@SETTLEMENT_FLOW.handler(SettlementStep.CANCEL)
@transaction.atomic
def cancel_settlement(
    settlement: Settlement, *, by: Actor, reason: str = "", note: str = ""
) -> Settlement:
    """作废: the statement is withdrawn and its rows are free to settle again. An approved one
    has its reservation released; a failed one holds none (the batch released it)."""
    reason = reason or note
    with SETTLEMENT_FLOW.moving(settlement, SettlementStep.CANCEL, by=by, note=reason) as move:
        if move.source == SettlementStatus.APPROVED:
            _post(funds.release, move.obj, by=by, memo=move.note)
            move.changes["released_fen"] = move.obj.amount_fen
        move.changes["rows_freed"] = _free_rows(move.obj)
    return move.obj
