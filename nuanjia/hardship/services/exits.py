"""Exit (脱困), gradual exit (渐退期) and re-entry; a pending change is applied or withdrawn."""

import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation

from .. import queries, rules
from ..models import HardshipFile
from ..rules import Category, ExitReason, ReviewReason, Status, Step
from ..workflow import FLOW
from .assessment import _check_no_other_live_file, _store_assessment
from .guards import _integrity_violation, _today
from .reviews import _clear_pending_change, _exit_reason, _reassess

# What an exit does with a change still waiting for review (issue 12 item 20: never discard it
# silently): it takes effect and the family is measured again, or it is withdrawn on record.
APPLY_CHANGE = "apply"
WITHDRAW_CHANGE = "withdraw"


def _settle_pending_change(
    hardship_file: HardshipFile, choice: str, on: datetime.date
) -> dict[str, Any]:
    """Apply or withdraw the pending change at exit; returns what the history keeps."""
    change = hardship_file.pending_change
    if not change:
        return {}
    if choice == WITHDRAW_CHANGE:
        _clear_pending_change(hardship_file)
        return {"withdrawn_change": change}
    if choice != APPLY_CHANGE:
        raise RuleViolation(
            _("Choose whether the pending change takes effect or is withdrawn."),
            field="pending_change",
        )
    assessment = _reassess(hardship_file, on)
    recorded = _store_assessment(hardship_file, assessment, on)
    _clear_pending_change(hardship_file)
    return {**recorded, "applied_change": change}


def _check_income_exit(hardship_file: HardshipFile, reason: str, remeasured: bool) -> None:
    """An exit for income above the line, decided on figures measured now (a change taking
    effect), needs those figures to be above the line."""
    if reason != ExitReason.INCOME or not remeasured or not hardship_file.category_proposed:
        return
    raise RuleViolation(
        _(
            "With the change the family's income is %(income)s yuan per person a month, still below the hardship line: it does not exit for its income. Withdraw the change or choose another reason."
        )
        % {"income": rules.format_yuan(hardship_file.per_capita_income_fen)},
        field="exit_reason",
        code="below_line",
    )


def _exit_figures(hardship_file: HardshipFile) -> dict[str, Any]:
    """The figures the exit was decided on, kept in the history and shown on the file."""
    return {
        "assessed_on": hardship_file.assessed_on,
        "per_capita_income_fen": hardship_file.per_capita_income_fen,
        "dibao_fen": hardship_file.dibao_fen,
        "household_size": hardship_file.household_size,
    }


def _gradual_exit(
    hardship_file: HardshipFile, reason: str, months: int | None, monthly_fen: int | None
) -> dict[str, Any]:
    """Set the phase-out (渐退期) when one is asked for; returns what the history keeps."""
    if not months:
        if monthly_fen:
            raise RuleViolation(
                _("Enter the number of months of the gradual exit."), field="gradual_exit_months"
            )
        return {}
    if reason != ExitReason.INCOME:
        raise RuleViolation(
            _("A gradual exit is for families leaving hardship because their income rose."),
            field="gradual_exit_months",
        )
    today = _today()
    policy = queries.policy_for(hardship_file.region_code, today)
    monthly = monthly_fen or 0
    rules.validate_gradual_exit(months, monthly, hardship_file.monthly_standard_fen, policy)
    hardship_file.gradual_exit_months = months
    hardship_file.gradual_exit_monthly_fen = monthly
    hardship_file.gradual_exit_ends_on = rules.gradual_exit_ends_on(today, months)
    return {
        "gradual_exit_months": months,
        "gradual_exit_monthly_fen": monthly,
        "gradual_exit_ends_on": hardship_file.gradual_exit_ends_on,
    }


@FLOW.handler(Step.EXIT)
@transaction.atomic
def exit_file(
    hardship_file: HardshipFile,
    *,
    by: Actor,
    reason: str,
    note: str = "",
    gradual_exit_months: int | None = None,
    gradual_exit_monthly_fen: int | None = None,
    pending_change: str = APPLY_CHANGE,
) -> HardshipFile:
    """Exit a filed family (脱困) with its reason; the family stays on the watch list.

    A family leaving because its income rose may get a gradual exit (渐退期): 1–6 months at
    no more than 60% of its pre-exit monthly standard (both from the region's policy).
    A change still waiting for review takes effect (and the family is measured again) or is
    withdrawn (`pending_change="withdraw"`), never dropped; an exit for income needs the
    measured income above the line. Whoever started the review, proposed the change or
    proposed the exit cannot decide it.
    """
    with FLOW.moving(hardship_file, Step.EXIT, by=by, note=note) as move:
        hardship_file = move.obj
        reason = _exit_reason(reason, move.note)
        today = _today()
        settled = _settle_pending_change(hardship_file, pending_change, today)
        _check_income_exit(hardship_file, reason, "applied_change" in settled)
        phase_out = _gradual_exit(
            hardship_file, reason, gradual_exit_months, gradual_exit_monthly_fen
        )
        move.target = Status.GRADUAL_EXIT if phase_out else Status.EXITED
        move.changes.update(exit_reason=reason, **phase_out, **settled)
        move.changes.update(_exit_figures(hardship_file))
        hardship_file.exited_on = today
        hardship_file.exit_reason = reason
        hardship_file.exit_note = move.note
        hardship_file.review_started_by = None
        hardship_file.review_reason = ReviewReason.NONE
        hardship_file.next_review_on = None
    return move.obj


@FLOW.handler(Step.END_GRADUAL_EXIT)
@transaction.atomic
def end_gradual_exit(
    hardship_file: HardshipFile, *, by: Actor | None = None, note: str = ""
) -> HardshipFile:
    """End a phase-out after its last day; the family stays on the watch list.

    `by=None` is the monthly task (tasks.end_due_gradual_exits); a person needs the caseworker role.
    """
    with FLOW.moving(hardship_file, Step.END_GRADUAL_EXIT, by=by, note=note) as move:
        ends_on = move.obj.gradual_exit_ends_on
        if ends_on and _today() <= ends_on:
            raise RuleViolation(
                _("The gradual exit runs until %(date)s.") % {"date": ends_on},
                code="gradual_exit_running",
            )
    return move.obj


def end_due_gradual_exits(*, on: datetime.date | None = None) -> int:
    """End every phase-out whose last day has passed (each in its own transaction)."""
    on = on or _today()
    due = HardshipFile.objects.filter(
        status=Status.GRADUAL_EXIT, gradual_exit_ends_on__lt=on
    ).values_list("pk", flat=True)
    ended = 0
    for pk in list(due):
        try:
            end_gradual_exit(
                HardshipFile.objects.get(pk=pk),
                by=None,
                note=str(_("Ended by the nightly run after its last day.")),
            )
        except RuleViolation:
            continue
        ended += 1
    return ended


# Fields of one application cycle, cleared when an exited family re-enters.
CYCLE_FIELDS = (
    "check_note", "visited_on", "visit_note", "consent_signed_on", "consent_evidence", "sudden_cause",
    "civil_affairs_note", "review_note", "publicity_starts_on", "publicity_ends_on", "approved_on",
    "proposed_by", "reviewed_by", "approved_by", "review_started_by", "exit_proposed_by",
    "gradual_exit_months", "gradual_exit_monthly_fen", "gradual_exit_ends_on", "next_review_on",
    "review_due_year", "is_sudden", "sudden_compensation_fen", "filed_on", "exited_on",
    "exit_reason", "exit_note",
)  # fmt: skip


def _start_new_cycle(hardship_file: HardshipFile, note: str) -> dict[str, Any]:
    """Clear the last cycle's fields; returns what the history keeps of it."""
    previous = {
        "category": hardship_file.category,
        "filed_on": hardship_file.filed_on,
        "exited_on": hardship_file.exited_on,
        "exit_reason": hardship_file.exit_reason,
    }
    model_fields = {
        field.name: field
        for field in HardshipFile._meta.get_fields()
        if isinstance(field, models.Field)
    }
    for name in CYCLE_FIELDS:
        field = model_fields[name]
        setattr(hardship_file, name, None if field.null else field.get_default())
    hardship_file.category = Category.NONE
    hardship_file.monthly_standard_fen = 0
    hardship_file.review_reason = ReviewReason.NONE
    hardship_file.is_spot_check = False
    hardship_file.application_note = note
    return previous


@FLOW.handler(Step.RE_ENTER)
@transaction.atomic
def re_enter_file(hardship_file: HardshipFile, *, by: Actor, note: str) -> HardshipFile:
    """An exited family falls back into hardship: its own file goes back to application, with
    its history kept, and is checked, visited, reviewed and publicised again."""
    try:
        with FLOW.moving(hardship_file, Step.RE_ENTER, by=by, note=note) as move:
            _check_no_other_live_file(move.obj.household, exclude_file=move.obj)
            move.changes["previous"] = _start_new_cycle(move.obj, move.note)
    except IntegrityError as error:
        raise _integrity_violation(error) from error
    return move.obj
