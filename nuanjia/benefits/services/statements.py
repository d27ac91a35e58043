"""Monthly statements with merchants (对账结算): a merchant's month, the union's subsidies of its
uses less the subsidies of the uses reversed, to the fen. Prepared by a caseworker of the
paying union once the month has ended (one merchant, or every merchant of the subtree in one
GROUP BY), confirmed or disputed by the merchant on its pages, approved by another person with
the amount reserved in the ledger, then paid as the payable "benefits.statement".

A statement does not link its rows: they are the merchant's uses of the month (and the
reversals of them), which no longer change once the month has ended (a reversal is same-day;
a usage file of a month with a live statement is refused)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
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
from nuanjia.orgs.queries import within

from ..models import MerchantTerms, Redemption, Reversal, Statement
from ..rules import StatementStatus, StatementStep
from ..workflow import STATEMENT_FLOW
from .offers import require_manager
from .periods import month_of, next_month

STATEMENT_SOURCE = "benefits.statement"
STATEMENT_ACTIONS = {
    "prepare": gettext_lazy("Prepared"),
    StatementStep.CONFIRM.value: gettext_lazy("Confirmed by the merchant"),
    StatementStep.DISPUTE.value: gettext_lazy("Disputed by the merchant"),
    StatementStep.APPROVE.value: gettext_lazy("Approved; amount reserved"),
    StatementStep.CANCEL.value: gettext_lazy("Cancelled"),
    "batch": gettext_lazy("Put in a payment batch"),
    "unbatch": gettext_lazy("Taken out of the payment batch"),
    "pay": gettext_lazy("Paid by the bank"),
    "fail": gettext_lazy("Payment failed"),
}


def _span(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = month_of(month)
    return start, next_month(start)


def month_totals(partner_ids: Any, month: datetime.date) -> dict[int, tuple[int, int, int, int]]:
    """{partner: (uses, subsidies, reversals, reversed)} of the month: two GROUP BYs."""
    start, end = _span(month)
    uses = (
        Redemption.objects.filter(day__gte=start, day__lt=end, partner_id__in=partner_ids)
        .values("partner_id")
        .annotate(n=Count("id"), fen=Sum("subsidy_fen"))
        .order_by()
    )
    backs = (
        Reversal.objects.filter(day__gte=start, day__lt=end, partner_id__in=partner_ids)
        .values("partner_id")
        .annotate(n=Count("id"), fen=Sum("subsidy_fen"))
        .order_by()
    )
    totals = {row["partner_id"]: [row["n"], row["fen"] or 0, 0, 0] for row in uses}
    for row in backs:
        totals.setdefault(row["partner_id"], [0, 0, 0, 0])[2:] = [row["n"], row["fen"] or 0]
    return {pk: (int(a), int(b), int(c), int(d)) for pk, (a, b, c, d) in totals.items()}


def statement_preview(terms: MerchantTerms, month: datetime.date) -> tuple[int, int, int, int]:
    return month_totals([terms.partner_id], month).get(terms.partner_id, (0, 0, 0, 0))


def _check_month(month: datetime.date) -> None:
    if next_month(month) > clock.today():
        raise RuleViolation(
            _("A month is settled after it ends: choose a month before this one."), field="month"
        )


def _create(terms: MerchantTerms, month: datetime.date, totals: tuple[int, int, int, int],
            by: Actor, note: str) -> Statement:  # fmt: skip
    uses, subsidy, reversals, reversed_fen = totals
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                partner_id=terms.partner_id, terms=terms, org_id=terms.org_id,
                earmark_id=terms.earmark_id, month=month, uses=uses, subsidy_fen=subsidy,
                reversals=reversals, reversed_fen=reversed_fen,
                amount_fen=subsidy - reversed_fen, prepared_by=staff_of(by), note=note,
            )  # fmt: skip
    except IntegrityError:
        raise RuleViolation(
            _("This merchant already has a statement of this month."),
            field="month", code="already_settled",
        ) from None  # fmt: skip
    STATEMENT_FLOW.record(
        statement, "prepare", "", by=by, note=note,
        changes={"month": month.strftime("%Y-%m"), "uses": uses, "subsidy_fen": subsidy,
                 "reversed_fen": reversed_fen, "amount_fen": statement.amount_fen},
    )  # fmt: skip
    return statement


@transaction.atomic
def prepare_statement(
    terms: MerchantTerms, month: datetime.date, *, by: Actor, note: str = ""
) -> Statement:
    """A caseworker of the paying union draws up the merchant's statement of an ended month."""
    terms = MerchantTerms.objects.select_for_update().get(pk=terms.pk)
    require_manager(by, terms.org)
    month = month_of(month)
    _check_month(month)
    note = one_line(note, "note", 200)
    totals = statement_preview(terms, month)
    if totals[0] == 0 or totals[1] - totals[3] <= 0:
        raise RuleViolation(
            _("The merchant has no use in this month: nothing to settle."),
            field="month", code="nothing_to_settle",
        )  # fmt: skip
    return _create(terms, month, totals, by, note)


@transaction.atomic
def prepare_month(month: datetime.date, *, org: Any, by: Actor) -> list[Statement]:
    """Every merchant paid by `org`'s subtree with uses in the month and no live statement
    of it: their statements, from one GROUP BY over the month's uses."""
    require_manager(by, org)
    month = month_of(month)
    _check_month(month)
    terms_of = {
        terms.partner_id: terms
        for terms in MerchantTerms.objects.filter(within(org.path, "org__path"))
        .exclude(statements__month=month, statements__status__in=_LIVE)
        .select_for_update(of=("self",))
    }
    totals = month_totals(list(terms_of), month)
    return [
        _create(terms_of[pk], month, totals[pk], by, "")
        for pk in sorted(totals)
        if totals[pk][0] > 0 and totals[pk][1] - totals[pk][3] > 0
    ]


_LIVE = [status for status in StatementStatus.values if status != StatementStatus.CANCELLED]


# ---- the merchant's answer ---------------------------------------------------------------------


def _merchant_step(statement: Statement, name: str, user: Any, note: str) -> Statement:
    spec = STATEMENT_FLOW.step(name)
    statement = STATEMENT_FLOW.lock(statement)
    if user is None or statement.partner_id != user.partner_id or not user.is_active:
        raise PermissionDenied
    STATEMENT_FLOW.check_source(statement, spec, spec.target)
    note = STATEMENT_FLOW.clean_note(spec, note)
    source = statement.status
    statement.status = str(spec.target)
    fields = ["status", "updated_at"]
    if name == StatementStep.CONFIRM:
        statement.confirmed_by, statement.confirmed_at = user, timezone.now()
        fields += ["confirmed_by", "confirmed_at"]
    statement.save(update_fields=fields)
    STATEMENT_FLOW.record(statement, spec.history_action, source, by=None, note=note,
                          changes={"amount_fen": statement.amount_fen},
                          actor_label=user.actor_label)  # fmt: skip
    return statement


@transaction.atomic
def confirm_statement(statement: Statement, *, user: Any, note: str = "") -> Statement:
    """对账确认: the merchant agrees with the statement; it waits for approval."""
    return _merchant_step(statement, StatementStep.CONFIRM, user, note)


@transaction.atomic
def dispute_statement(statement: Statement, *, user: Any, reason: str = "") -> Statement:
    """The merchant disagrees, saying why: the caseworkers cancel it and prepare it again."""
    return _merchant_step(statement, StatementStep.DISPUTE, user, reason)


# ---- approval and cancelling -------------------------------------------------------------------


def _post(posting: Any, statement: Statement, *, by: Actor | None, memo: str) -> None:
    posting(funds.account_for(statement.org, statement.earmark), statement.amount_fen, by=by,
            source_type=STATEMENT_SOURCE, source_id=str(statement.pk), memo=memo[:200])  # fmt: skip


def reserve(statement: Statement, *, by: Actor | None) -> None:
    _post(funds.reserve, statement, by=by, memo=str(statement))


@STATEMENT_FLOW.handler(StatementStep.APPROVE)
@transaction.atomic
def approve_statement(statement: Statement, *, by: Actor, note: str = "") -> Statement:
    """An approver who did not prepare it approves the confirmed statement; its amount is
    reserved in the same transaction (refused for want of money: nothing moves)."""
    with STATEMENT_FLOW.moving(statement, StatementStep.APPROVE, by=by, note=note) as move:
        statement = move.obj
        account = funds.account_for(statement.org, statement.earmark)
        if account.available_fen < statement.amount_fen:
            raise RuleViolation(
                _("%(org)s has %(available)s available in %(earmark)s, less than the "
                  "%(amount)s of this statement.")
                % {"org": statement.org, "available": format_yuan(account.available_fen),
                   "earmark": statement.earmark, "amount": format_yuan(statement.amount_fen)},
                code="insufficient_funds",
            )  # fmt: skip
        if statement.amount_fen > 0:
            reserve(statement, by=by)
        statement.approved_at = timezone.now()
        move.changes["reserved_fen"] = statement.amount_fen
    return move.obj


@STATEMENT_FLOW.handler(StatementStep.CANCEL)
@transaction.atomic
def cancel_statement(
    statement: Statement, *, by: Actor, reason: str = "", note: str = ""
) -> Statement:
    """作废: an approved one has its reservation released; its month may be prepared again."""
    reason = reason or note
    with STATEMENT_FLOW.moving(statement, StatementStep.CANCEL, by=by, note=reason) as move:
        if move.source == StatementStatus.APPROVED and move.obj.amount_fen > 0:
            _post(funds.release, move.obj, by=by, memo=move.note)
            move.changes["released_fen"] = move.obj.amount_fen
    return move.obj
