"""The training subsidy (培训补贴) of a course, settled through the ledger: the trainees who
count (passed the exam, or attended at least the course's share of its sessions when it sets
one) × the subsidy per trainee, to the fen. Prepared by a caseworker of the course's union
once the course has ended, approved by another person with the amount reserved on the
union's account of the course's earmark, then paid to the provider as the payable
"skills.settlement" of a payment batch (`skills.settlement_payable`). One live settlement a
course (a partial unique constraint); cancelling releases what was reserved."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.core.text import one_line
from nuanjia.funds import services as funds
from nuanjia.orgs.permissions import acts_for, staff_of

from ..models import Course, CourseSession, Enrolment, Settlement
from ..rules import PREPARER_ROLES, SETTLEMENT_SOURCE, ExamResult, SettlementStatus, SettlementStep
from ..workflow import SETTLEMENT_FLOW

SETTLEMENT_ACTIONS = {
    "prepare": gettext_lazy("Prepared"),
    SettlementStep.APPROVE.value: gettext_lazy("Approved; amount reserved"),
    SettlementStep.CANCEL.value: gettext_lazy("Cancelled"),
    "batch": gettext_lazy("Put in a payment batch"),
    "unbatch": gettext_lazy("Taken out of the payment batch"),
    "pay": gettext_lazy("Paid by the bank"),
    "fail": gettext_lazy("Payment failed"),
}


def counted(course: Course) -> QuerySet[Enrolment]:
    """The course's trainees the subsidy pays for."""
    condition = Q(result=ExamResult.PASSED)
    sessions = CourseSession.objects.filter(course=course).count()
    if course.min_attendance_pct and sessions:
        # attended / sessions ≥ pct / 100, in whole numbers
        need = -(-course.min_attendance_pct * sessions // 100)
        condition |= Q(attended__gte=need)
    return Enrolment.objects.filter(course=course).filter(condition)


def preview(course: Course) -> tuple[int, int]:
    """(trainees, amount in fen) a settlement prepared now would hold."""
    trainees = counted(course).count()
    return trainees, trainees * course.subsidy_fen


@transaction.atomic
def prepare_settlement(course: Course, *, by: Actor, note: str = "") -> Settlement:
    course = (
        Course.objects.select_for_update(of=("self",))
        .select_related("org", "provider")
        .get(pk=course.pk)
    )
    if not acts_for(by, course.org, PREPARER_ROLES):
        raise RuleViolation(
            _("Only a caseworker of this union or a union above may do this."),
            field="org", code="forbidden",
        )  # fmt: skip
    if course.ends_on > clock.today():
        raise RuleViolation(_("A course's subsidy is settled after it ends."), field="course")
    if not course.provider.account_encrypted:
        raise RuleViolation(
            _("Record the provider's bank account first: the subsidy is paid to it."),
            field="provider",
        )
    trainees, amount = preview(course)
    if not amount:
        raise RuleViolation(
            _("No trainee of this course counts for the subsidy: nothing to settle."),
            field="course", code="nothing_to_settle",
        )  # fmt: skip
    live = Settlement.objects.filter(course=course).exclude(status=SettlementStatus.CANCELLED)
    if live.exists():
        raise RuleViolation(
            _("This course's subsidy is settled already: %(number)s.") % {"number": live.first()},
            field="course", code="already_settled",
        )  # fmt: skip
    try:
        with transaction.atomic():
            settlement = Settlement.objects.create(
                course=course, org=course.org, earmark_id=course.earmark_id,
                provider=course.provider, trainees=trainees, subsidy_fen=course.subsidy_fen,
                amount_fen=amount, prepared_by=staff_of(by), note=one_line(note, "note", 200),
            )  # fmt: skip
    except IntegrityError:
        raise RuleViolation(
            _("This course's subsidy is settled already."), field="course", code="already_settled"
        ) from None
    SETTLEMENT_FLOW.record(settlement, "prepare", "", by=by, note=settlement.note, changes={
        "course": course.pk, "trainees": trainees, "subsidy_fen": course.subsidy_fen,
        "amount_fen": amount,
    })  # fmt: skip
    return settlement


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
    """Hold the amount on the paying union's account of the course's earmark."""
    _post(funds.reserve, settlement, by=by, memo=str(settlement))


@SETTLEMENT_FLOW.handler(SettlementStep.APPROVE)
@transaction.atomic
def approve_settlement(settlement: Settlement, *, by: Actor, note: str = "") -> Settlement:
    """An approver who did not prepare it approves; the amount is reserved in the same
    transaction (refused for want of money: nothing moves)."""
    with SETTLEMENT_FLOW.moving(settlement, SettlementStep.APPROVE, by=by, note=note) as move:
        obj = move.obj
        account = funds.account_for(obj.org, obj.earmark)
        if account.available_fen < obj.amount_fen:
            raise RuleViolation(
                _("%(org)s has %(available)s available in %(earmark)s, less than the %(amount)s of this settlement.")
                % {"org": obj.org, "available": format_yuan(account.available_fen),
                   "earmark": obj.earmark, "amount": format_yuan(obj.amount_fen)},
                code="insufficient_funds",
            )  # fmt: skip
        reserve(obj, by=by)
        obj.approved_at = timezone.now()
        move.changes["reserved_fen"] = obj.amount_fen
    return move.obj


@SETTLEMENT_FLOW.handler(SettlementStep.CANCEL)
@transaction.atomic
def cancel_settlement(
    settlement: Settlement, *, by: Actor, reason: str = "", note: str = ""
) -> Settlement:
    """作废: an approved settlement has its reservation released; a failed one holds none
    (the batch released it). The course may be settled again."""
    reason = reason or note
    with SETTLEMENT_FLOW.moving(settlement, SettlementStep.CANCEL, by=by, note=reason) as move:
        if move.source == SettlementStatus.APPROVED:
            _post(funds.release, move.obj, by=by, memo=move.note)
            move.changes["released_fen"] = move.obj.amount_fen
    return move.obj
