"""Rent relief (房租减免): a dated policy applied to a lease.

Eligibility: the tenant qualifies (a small or micro firm by the size class in force when the
relief starts, or an individual business, as the policy says) and the lease runs at some
time in the policy's window. The relief starts with the first lease month not over before the
window opens: `free_months` months relieved in full, then `reduced_months` with
`reduced_num`/`reduced_den` of the month's rent relieved (half-up to the fen); it stops at the
lease end. Proposed by a caseworker, approved by another person: approving adds each line to
its schedule month (`relieved_fen`, a CHECK keeps it within the rent due) and reserves the
refund of rent already paid for relieved months, a payable "enterprises.rent_refund" of the
payment batches. Cancelling reverses all of it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.core.text import one_line
from nuanjia.funds import services as funds
from nuanjia.orgs.permissions import staff_of

from ..models import Lease, ReliefLine, ReliefPolicy, RentRelief, ScheduleMonth
from ..rules import (
    SMALL_OR_MICRO,
    FirmKind,
    RefundStatus,
    ReliefLineKind,
    ReliefStatus,
    ReliefStep,
    SizeClass,
)
from ..workflow import RELIEF_FLOW
from .common import CASEWORKERS, require_role
from .firms import size_class_on
from .leases import half_up

RENT_REFUND_SOURCE = "enterprises.rent_refund"
RELIEF_ACTIONS = {
    "propose": gettext_lazy("Proposed"),
    ReliefStep.APPROVE.value: gettext_lazy("Approved"),
    ReliefStep.CANCEL.value: gettext_lazy("Cancelled"),
    "batch": gettext_lazy("Refund put in a payment batch"),
    "unbatch": gettext_lazy("Refund taken out of the payment batch"),
    "pay": gettext_lazy("Refund paid by the bank"),
    "fail": gettext_lazy("Refund failed"),
}


@dataclass
class Eligibility:
    eligible: bool
    reason: str = ""
    size_class: str = SizeClass.UNKNOWN
    relief_starts_on: datetime.date | None = None


@dataclass
class Line:
    month_id: int
    number: int
    kind: str
    due_fen: int
    relief_fen: int
    refund_fen: int


@dataclass
class Computed:
    lines: list[Line] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(line.relief_fen for line in self.lines)

    @property
    def refund_fen(self) -> int:
        return sum(line.refund_fen for line in self.lines)


def check_eligibility(lease: Lease, policy: ReliefPolicy) -> Eligibility:
    """Whether the policy can relieve the lease, and if not why (in words for the page)."""
    if lease.starts_on > policy.window_ends_on or lease.ends_on < policy.window_starts_on:
        return Eligibility(False, _(
            "The lease (%(start)s to %(end)s) does not run in the policy's window "
            "(%(from)s to %(to)s)."
        ) % {"start": lease.starts_on, "end": lease.ends_on,
             "from": policy.window_starts_on, "to": policy.window_ends_on})  # fmt: skip
    starts = max(lease.starts_on, policy.window_starts_on)
    firm = lease.tenant
    size = size_class_on(firm, starts)
    if firm.kind == FirmKind.INDIVIDUAL and policy.individual_businesses:
        return Eligibility(True, size_class=size, relief_starts_on=starts)
    if firm.kind == FirmKind.INDIVIDUAL:
        return Eligibility(False, _("The policy does not cover individual businesses."), size)
    if not policy.small_and_micro:
        return Eligibility(False, _("The policy covers individual businesses only."), size)
    if size == SizeClass.UNKNOWN:
        return Eligibility(False, _(
            "The firm's size is unknown on %(day)s: record its figures first."
        ) % {"day": starts}, size)  # fmt: skip
    if size not in SMALL_OR_MICRO:
        return Eligibility(False, _(
            "The firm is %(size)s on %(day)s: only small and micro firms and individual "
            "businesses qualify."
        ) % {"size": SizeClass(size).label, "day": starts}, size)  # fmt: skip
    return Eligibility(True, size_class=size, relief_starts_on=starts)


def compute_relief(lease: Lease, policy: ReliefPolicy) -> Computed:
    """The relief per schedule month, from the first month not over before the window opens
    to the lease end at most. Nothing is written."""
    months = list(
        ScheduleMonth.objects.filter(lease=lease, ends_on__gte=policy.window_starts_on)
        .order_by("number")
        .values_list("pk", "number", "due_fen", "paid_fen")[
            : policy.free_months + policy.reduced_months
        ]
    )
    computed = Computed()
    for index, (pk, number, due, paid) in enumerate(months):
        if index < policy.free_months:
            kind, relief = ReliefLineKind.FREE, due
        else:
            kind = ReliefLineKind.REDUCED
            relief = half_up(due * policy.reduced_num, policy.reduced_den)
        refund = max(0, paid - (due - relief))
        computed.lines.append(Line(pk, number, kind, due, relief, refund))
    return computed


def _live_relief(lease: Lease, policy: ReliefPolicy) -> RentRelief | None:
    return (
        RentRelief.objects.filter(lease=lease, policy=policy)
        .exclude(status=ReliefStatus.CANCELLED)
        .first()
    )


@transaction.atomic
def propose_relief(lease: Lease, policy: ReliefPolicy, *, by: Actor, note: str = "") -> RentRelief:
    """A caseworker applies the policy to the lease: refused with the reason when it is not
    eligible; the relief waits for another person's approval."""
    lease = (
        Lease.objects.select_for_update(of=("self",))
        .select_related("tenant__employer")
        .get(pk=lease.pk)
    )
    require_role(by, lease.org, CASEWORKERS)
    note = one_line(note, "note", 200)
    verdict = check_eligibility(lease, policy)
    if not verdict.eligible:
        raise RuleViolation(verdict.reason, field="policy", code="not_eligible")
    if _live_relief(lease, policy) is not None:
        raise RuleViolation(
            _("This policy has already been applied to this lease."), field="policy",
            code="already_relieved",
        )  # fmt: skip
    computed = compute_relief(lease, policy)
    if not computed.lines or computed.total_fen == 0:
        raise RuleViolation(_("Nothing to relieve: no month of the lease is left."), field="policy")
    try:
        with transaction.atomic():
            relief = RentRelief.objects.create(
                lease=lease, policy=policy, org=lease.org, payer=lease.owner,
                earmark=policy.earmark, months=len(computed.lines), total_fen=computed.total_fen,
                refund_fen=computed.refund_fen, proposed_by=staff_of(by), note=note,
            )  # fmt: skip
    except IntegrityError:
        raise RuleViolation(
            _("This policy has already been applied to this lease."), field="policy",
            code="already_relieved",
        ) from None  # fmt: skip
    ReliefLine.objects.bulk_create(
        ReliefLine(
            relief=relief, month_id=line.month_id, kind=line.kind, due_fen=line.due_fen,
            relief_fen=line.relief_fen, refund_fen=line.refund_fen,
        )
        for line in computed.lines
    )  # fmt: skip
    RELIEF_FLOW.record(relief, "propose", "", by=by, note=note, changes={
        "lease": str(lease), "policy": policy.code, "months": relief.months,
        "total_fen": relief.total_fen, "refund_fen": relief.refund_fen,
        "size_class": verdict.size_class,
    })  # fmt: skip
    return relief


def _apply_lines(relief: RentRelief, sign: int) -> None:
    """Add (sign 1) or take back (-1) the relief's lines on their schedule months."""
    lines = list(relief.lines.values_list("month_id", "relief_fen"))
    list(
        ScheduleMonth.objects.select_for_update()
        .filter(pk__in=[month for month, _amount in lines])
        .values_list("pk")
    )
    try:
        with transaction.atomic():
            for month, amount in lines:
                ScheduleMonth.objects.filter(pk=month).update(
                    relieved_fen=F("relieved_fen") + sign * amount
                )
    except IntegrityError:
        raise RuleViolation(
            _(
                "Another relief already covers these months: the rent relieved would exceed the rent due."
            ),
            code="over_relieved",
        ) from None


def _post(posting: Any, relief: RentRelief, *, by: Actor | None, memo: str) -> None:
    posting(
        funds.account_for(relief.payer, relief.earmark), relief.refund_fen, by=by,
        source_type=RENT_REFUND_SOURCE, source_id=str(relief.pk), memo=memo[:200],
    )  # fmt: skip


def reserve_refund(relief: RentRelief, *, by: Actor | None) -> None:
    account = funds.account_for(relief.payer, relief.earmark)
    if account.available_fen < relief.refund_fen:
        raise RuleViolation(
            _("%(org)s has %(available)s available in %(earmark)s, less than the refund of "
              "%(amount)s.")
            % {"org": relief.payer, "available": format_yuan(account.available_fen),
               "earmark": relief.earmark, "amount": format_yuan(relief.refund_fen)},
            code="insufficient_funds",
        )  # fmt: skip
    _post(funds.reserve, relief, by=by, memo=str(relief))


@RELIEF_FLOW.handler(ReliefStep.APPROVE)
@transaction.atomic
def approve_relief(relief: RentRelief, *, by: Actor, note: str = "") -> RentRelief:
    """Another person approves: the register's lines go onto the schedules and the refund of
    rent already paid is reserved (refused for want of money: nothing moves)."""
    with RELIEF_FLOW.moving(relief, ReliefStep.APPROVE, by=by, note=note) as move:
        relief = move.obj
        _apply_lines(relief, 1)
        if relief.refund_fen:
            reserve_refund(relief, by=by)
            relief.refund_status = RefundStatus.WAITING
        relief.approved_at = timezone.now()
        move.changes.update({"total_fen": relief.total_fen, "refund_fen": relief.refund_fen})
    return move.obj


@RELIEF_FLOW.handler(ReliefStep.CANCEL)
@transaction.atomic
def cancel_relief(relief: RentRelief, *, by: Actor, reason: str = "", note: str = "") -> RentRelief:
    """Withdrawn: an approved relief's lines come off the schedules and a refund still
    waiting has its reservation released. A refund in a batch or paid cannot be undone here."""
    reason = reason or note
    with RELIEF_FLOW.moving(relief, ReliefStep.CANCEL, by=by, note=reason) as move:
        relief = move.obj
        if relief.refund_status in (RefundStatus.IN_BATCH, RefundStatus.PAID):
            raise RuleViolation(
                _("The refund is in a payment batch or paid: take it out of the batch first; "
                  "a paid refund cannot be cancelled."),
                code="refund_under_way",
            )  # fmt: skip
        if move.source == ReliefStatus.APPROVED:
            _apply_lines(relief, -1)
            if relief.refund_status == RefundStatus.WAITING:
                _post(funds.release, relief, by=by, memo=move.note)
                move.changes["released_fen"] = relief.refund_fen
            move.changes["reversed_fen"] = relief.total_fen
        if relief.refund_status != RefundStatus.NONE:
            relief.refund_status = RefundStatus.CANCELLED
    return move.obj


def reconcile(lease_ids: list[int] | None = None) -> list[str]:
    """Register vs schedules: each schedule month's `relieved_fen` must equal the sum of the
    approved reliefs' lines on it. Returns the differences (empty when they agree)."""
    months = ScheduleMonth.objects.all()
    if lease_ids is not None:
        months = months.filter(lease_id__in=lease_ids)
    registered = dict(
        ReliefLine.objects.filter(relief__status=ReliefStatus.APPROVED, month__in=months)
        .values("month_id")
        .annotate(total=Sum("relief_fen"))
        .values_list("month_id", "total")
    )
    problems = []
    for pk, lease_id, number, relieved in months.values_list(
        "pk", "lease_id", "number", "relieved_fen"
    ):
        if registered.get(pk, 0) != relieved:
            problems.append(
                f"ZL{lease_id:06d} #{number}: schedule {relieved} ≠ register {registered.get(pk, 0)}"
            )
    return problems
