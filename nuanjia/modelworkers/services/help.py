"""Regular help for model workers in difficulty (困难劳模帮扶), a programme of its own: the
dated standard (an amount per month or per year by honour level, per region, editable as
data), the help register (a 劳模 honour required, the income condition recorded), and the
payments of each period (monthly or quarterly): proposed, approved by another person with
the amount reserved on the union's 困难劳模帮扶 earmark, paid through relief's payment
batches. Once per person per period: the case row is locked while a period is proposed and
a partial unique constraint on (worker, period_start) backs it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.core.text import one_line
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for, staff_of
from nuanjia.orgs.rules import Role
from nuanjia.people.honour_models import HonourLevel
from nuanjia.people.models import Worker
from nuanjia.standards import regions
from nuanjia.standards.queries import in_force, region_org

from ..models import HelpCase, HelpPayment, HelpStandard
from ..rules import (
    EARMARK_CODE,
    HELP_KIND,
    HELP_SOURCE,
    CaseStatus,
    Frequency,
    PaymentStatus,
    PaymentStep,
    StandardPer,
)
from ..workflow import PAYMENT_FLOW
from .common import day, fen, honoured, maybe_day, require_manager

STANDARD_ROLES = frozenset({Role.APPROVER})


def earmark() -> Earmark:
    return Earmark.objects.get(code=EARMARK_CODE)


# ---- the dated standard ----------------------------------------------------------------------


@transaction.atomic
def save_standard(
    *, by: Actor, region_code: Any, level: str, effective_on: Any, per: str, amount_fen: Any,
    note: str = "",
) -> HelpStandard:  # fmt: skip
    """A new dated row of the standard (rows are never changed: a later date supersedes)."""
    code = str(region_code or "").strip()
    org = region_org(code) if regions.is_region_code(code) else None
    if org is None:
        raise RuleViolation(_("Enter the region code of a union's region."), field="region_code")
    if not acts_for(by, org, STANDARD_ROLES):
        raise RuleViolation(_("Only an approver of that region's union or one above sets its "
                              "standard."), field="region_code", code="forbidden")  # fmt: skip
    if level not in HonourLevel.values:
        raise RuleViolation(_("Choose the level of the honour."), field="level")
    if per not in StandardPer.values:
        raise RuleViolation(_("Choose per month or per year."), field="per")
    start = day(effective_on, "effective_on")
    if HelpStandard.objects.filter(region_code=code, level=level, effective_on=start).exists():
        raise RuleViolation(_("A standard of that level takes effect on that day already."),
                            field="effective_on")  # fmt: skip
    row = HelpStandard.objects.create(
        region_code=code, level=level, effective_on=start, per=per,
        amount_fen=fen(amount_fen, "amount_fen", positive=True), note=one_line(note, "note", 200),
        updated_by=staff_of(by),
    )  # fmt: skip
    record_event(row, "modelworkers.standard_saved", by=by, org=org, changes={
        "region_code": code, "level": level, "effective_on": str(start), "per": per,
        "amount_fen": row.amount_fen,
    })  # fmt: skip
    return row


def standard_for(region_code: str, level: str, on: datetime.date) -> HelpStandard | None:
    return in_force(HelpStandard.objects.filter(level=level), region_code, on)


# ---- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str  # 2026-12, 2026-Q4
    start: datetime.date
    end: datetime.date
    months: int


def period_of(frequency: str, on: datetime.date) -> Period:
    if frequency == Frequency.QUARTERLY:
        first_month = (on.month - 1) // 3 * 3 + 1
        start = on.replace(month=first_month, day=1)
        months, label = 3, f"{on.year}-Q{(on.month - 1) // 3 + 1}"
    else:
        start = on.replace(day=1)
        months, label = 1, f"{on:%Y-%m}"
    following = start.month - 1 + months
    end = datetime.date(start.year + following // 12, following % 12 + 1, 1)
    return Period(label, start, end - datetime.timedelta(days=1), months)


def period_amount(standard: HelpStandard, months: int) -> int:
    if standard.per == StandardPer.YEAR:
        return (standard.amount_fen * months + 6) // 12  # rounded to the fen
    return standard.amount_fen * months


# ---- the register ----------------------------------------------------------------------------


@transaction.atomic
def add_case(
    org: Org, *, by: Actor, worker: Worker, frequency: str, income_monthly_fen: Any,
    income_note: str, starts_on: Any, household_size: Any = 1,
) -> HelpCase:  # fmt: skip
    require_manager(by, org)
    if not worker.org.path.startswith(org.path):
        raise RuleViolation(_("The worker is not in this union's registry."), field="worker")
    honour = honoured(worker, (HELP_KIND,))
    if frequency not in Frequency.values:
        raise RuleViolation(_("Choose monthly or quarterly."), field="frequency")
    try:
        size = int(household_size)
    except (TypeError, ValueError):
        size = 0
    if not 1 <= size <= 30:
        raise RuleViolation(_("Enter the household size, from 1 to 30."), field="household_size")
    if HelpCase.objects.filter(worker=worker, status=CaseStatus.ACTIVE).exists():
        raise RuleViolation(_("The worker is on the help register already."), field="worker")
    case = HelpCase.objects.create(
        org=org, worker=worker, honour=honour, frequency=frequency, household_size=size,
        income_monthly_fen=fen(income_monthly_fen, "income_monthly_fen"),
        income_note=one_line(income_note, "income_note", 200,
                             required_message=_("Record the income condition.")),
        starts_on=day(starts_on, "starts_on"), created_by=staff_of(by),
    )  # fmt: skip
    record_event(case, "modelworkers.case_added", by=by, changes={
        "worker": worker.pk, "honour": honour.pk, "frequency": frequency,
        "income_monthly_fen": case.income_monthly_fen, "household_size": size,
    })  # fmt: skip
    return case


@transaction.atomic
def end_case(case: HelpCase, *, by: Actor, ends_on: Any, reason: str) -> HelpCase:
    require_manager(by, case.org)
    case = HelpCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.ACTIVE:
        raise RuleViolation(_("The help has ended already."), field="case")
    end = day(ends_on, "ends_on")
    assert end is not None
    if end < case.starts_on:
        raise RuleViolation(_("The end cannot come before the start."), field="ends_on")
    text = one_line(reason, "reason", 200, required_message=_("Say why the help ends."))
    case.status, case.ends_on = CaseStatus.ENDED, end
    case.save(update_fields=["status", "ends_on", "updated_at"])
    record_event(case, "modelworkers.case_ended", by=by, changes={"ends_on": str(end),
                                                                   "reason": text})  # fmt: skip
    return case


# ---- payments --------------------------------------------------------------------------------


def _taken(worker_id: int, period: Period) -> bool:
    return (
        HelpPayment.objects.filter(
            worker_id=worker_id, period_start__lte=period.end, period_end__gte=period.start
        )
        .exclude(status=PaymentStatus.REFUSED)
        .exists()
    )


@transaction.atomic
def propose_payment(case: HelpCase, *, by: Actor, on: Any = None, note: str = "") -> HelpPayment:
    """The payment of the period holding `on` (today by default), at the standard in force
    on its first day for the worker's region and honour level."""
    require_manager(by, case.org)
    case = (
        HelpCase.objects.select_for_update(of=("self",))
        .select_related("honour", "worker", "org")
        .get(pk=case.pk)
    )
    period = period_of(case.frequency, maybe_day(on, "on") or clock.today())
    if (
        case.status != CaseStatus.ACTIVE
        or case.starts_on > period.end
        or (case.ends_on is not None and case.ends_on < period.start)
    ):
        raise RuleViolation(_("The worker is not on the help register in that period."),
                            field="on")  # fmt: skip
    if _taken(case.worker_id, period):
        raise RuleViolation(_("A payment of that period is proposed for the worker already."),
                            field="on", code="duplicate")  # fmt: skip
    region = case.worker.region_code or case.org.region_code
    standard = standard_for(region, case.honour.level, period.start)
    if standard is None:
        raise RuleViolation(_("No help standard for the worker's region and honour level is in "
                              "force then."), field="on", code="no_standard")  # fmt: skip
    try:
        with transaction.atomic():
            payment = HelpPayment.objects.create(
                case=case, org=case.org, worker=case.worker, earmark=earmark(),
                period=period.label, period_start=period.start, period_end=period.end,
                amount_fen=period_amount(standard, period.months), note=one_line(note, "note", 200),
                proposed_by=staff_of(by),
            )  # fmt: skip
    except IntegrityError:
        raise RuleViolation(_("A payment of that period is proposed for the worker already."),
                            field="on", code="duplicate") from None  # fmt: skip
    record_event(payment, "modelworkers.payment_proposed", by=by, changes={
        "case": case.pk, "worker": case.worker_id, "period": period.label,
        "amount_fen": payment.amount_fen, "standard": standard.pk,
    })  # fmt: skip
    return payment


def propose_period(org: Org, *, by: Actor, frequency: str, on: Any = None) -> dict[str, int]:
    """Proposals for every active case of the union's subtree paid at that frequency, for
    the period holding `on`; a case with its payment already, or refused, is counted apart."""
    require_manager(by, org)
    cases = HelpCase.objects.filter(
        org__path__startswith=org.path, status=CaseStatus.ACTIVE, frequency=frequency
    ).order_by("pk")
    counts = {"proposed": 0, "skipped": 0}
    for case in cases.iterator(chunk_size=200):
        try:
            propose_payment(case, by=by, on=on)
            counts["proposed"] += 1
        except RuleViolation:
            counts["skipped"] += 1
    return counts


def reserve(payment: HelpPayment, *, by: Actor | None) -> None:
    funds.reserve(
        funds.account_for(payment.org, payment.earmark), payment.amount_fen, by=by,
        source_type=HELP_SOURCE, source_id=str(payment.pk), memo=f"困难劳模帮扶 {payment}",
    )  # fmt: skip


@PAYMENT_FLOW.handler(PaymentStep.APPROVE)
@transaction.atomic
def approve_payment(payment: HelpPayment, *, by: Actor, note: str = "") -> HelpPayment:
    with PAYMENT_FLOW.moving(payment, PaymentStep.APPROVE, by=by, note=note) as move:
        account = funds.account_for(move.obj.org, move.obj.earmark)
        if account.available_fen < move.obj.amount_fen:
            raise RuleViolation(
                _("%(org)s has %(available)s yuan available in %(earmark)s, less than the "
                  "payment.") % {"org": move.obj.org, "earmark": move.obj.earmark,
                                 "available": format_yuan(account.available_fen)},
                code="insufficient_funds",
            )  # fmt: skip
        reserve(move.obj, by=by)
        move.changes["reserved_fen"] = move.obj.amount_fen
    return move.obj


@PAYMENT_FLOW.handler(PaymentStep.REFUSE)
@transaction.atomic
def refuse_payment(payment: HelpPayment, *, by: Actor, reason: str = "", note: str = "") -> Any:
    with PAYMENT_FLOW.moving(payment, PaymentStep.REFUSE, by=by, note=reason or note) as move:
        pass
    return move.obj
