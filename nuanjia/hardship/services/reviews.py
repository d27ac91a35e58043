"""Reviews of filed families and proposed changes; a review that finds an exit proposes it."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Household, HouseholdMember

from .. import queries, rules
from ..models import HardshipFile
from ..rules import Category, ExitReason, ReviewReason, Status, Step
from ..workflow import FLOW
from .assessment import _store_assessment, assess_household
from .guards import _explained_category, _positive_standard, _require_on_file, _today


@FLOW.handler(Step.START_REVIEW)
@transaction.atomic
def start_review(
    hardship_file: HardshipFile, *, by: Actor, reason: str = ReviewReason.ANNUAL, note: str = ""
) -> HardshipFile:
    """Open a review of a filed family (annual, or a change in the family)."""
    with FLOW.moving(hardship_file, Step.START_REVIEW, by=by, note=note) as move:
        if reason not in ReviewReason.values or not reason:
            raise RuleViolation(_("Choose why the file is reviewed."), field="reason")
        move.obj.review_reason = reason
        move.changes["review_reason"] = reason
    return move.obj


MONEY_FIELDS = (
    "wage_income_fen",
    "business_income_fen",
    "property_income_fen",
    "transfer_income_fen",
    "other_income_fen",
    "illness_cost_fen",
    "disability_cost_fen",
    "school_cost_fen",
    "housing_cost_fen",
    "other_cost_fen",
)
MEMBER_FLAGS = ("is_able_bodied", "is_employed")
MEMBER_TEXT = ("name", "relation", "health", "disability", "school_stage")
HOUSEHOLD_FLAGS = (
    "owns_car",
    "child_in_costly_school",
    "controls_business",
    "refused_verification",
    "on_dibao",
)


MemberValues = dict[str, int | bool | str | None]  # a member's cleaned fields, by name
HouseholdFacts = dict[str, bool | int | str]  # homes, car and the other exclusion facts


class HouseholdChange(TypedDict, total=False):
    """A proposed change, cleaned; kept as JSON in `HardshipFile.pending_change`."""

    members: dict[str, MemberValues]  # an existing member's pk (as text) → changed fields
    add: list[MemberValues]
    remove: list[int]
    household: HouseholdFacts


def _clean_member_values(values: dict[str, Any], *, new: bool) -> MemberValues:
    clean: MemberValues = {}
    for key, value in values.items():
        if key in MONEY_FIELDS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise RuleViolation(
                    _("%(field)s must be a whole number of fen, not negative.") % {"field": key},
                    field=key,
                )
            clean[key] = value
        elif key in MEMBER_FLAGS:
            clean[key] = bool(value)
        elif key in MEMBER_TEXT:
            clean[key] = str(value).strip()
        elif key == "birth_date":
            clean[key] = str(datetime.date.fromisoformat(str(value))) if value else None
        else:
            raise RuleViolation(_("%(field)s cannot be changed here.") % {"field": key}, field=key)
    if "relation" in clean and clean["relation"] not in HouseholdMember.Relation.values:
        raise RuleViolation(_("Choose the member's relation to the worker."), field="relation")
    if "school_stage" in clean and clean["school_stage"] not in HouseholdMember.SchoolStage.values:
        raise RuleViolation(_("Choose a school stage."), field="school_stage")
    if new and (not clean.get("name") or not clean.get("relation")):
        raise RuleViolation(_("A new member needs a name and a relation."), field="name")
    return clean


def _member_id(key: Any, member_ids: set[int], field: str) -> int:
    try:
        member_id = int(key)
    except (TypeError, ValueError):
        member_id = None
    if member_id is None or member_id not in member_ids:
        raise RuleViolation(
            _("Member %(member)s is not in this household.") % {"member": key}, field=field
        )
    return member_id


def _clean_members(
    household: Household, updates: dict[str, Any], member_ids: set[int]
) -> dict[str, MemberValues]:
    """Changes to existing members; the worker's own identity is changed on the worker."""
    self_ids = set(
        household.members.filter(relation=HouseholdMember.Relation.SELF).values_list(
            "pk", flat=True
        )
    )
    members: dict[str, MemberValues] = {}
    for key, values in updates.items():
        member_id = _member_id(key, member_ids, "members")
        values = _clean_member_values(values or {}, new=False)
        if member_id in self_ids and set(values) & {"name", "birth_date", "relation"}:
            raise RuleViolation(
                _("The worker's own name, ID number and birth date are changed on the worker."),
                field="name",
            )
        members[str(member_id)] = values
    return members


def _clean_area(value: object) -> str:
    try:
        area = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise RuleViolation(
            _("Enter the home area in square metres."), field="homes_area_m2"
        ) from None
    if area < 0:
        raise RuleViolation(_("Enter the home area in square metres."), field="homes_area_m2")
    return str(area)


def _clean_household_facts(values: dict[str, Any]) -> HouseholdFacts:
    facts: HouseholdFacts = {}
    for key, value in values.items():
        if key in HOUSEHOLD_FLAGS:
            facts[key] = bool(value)
        elif key == "homes_count":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 99:
                raise RuleViolation(_("Enter the number of homes."), field="homes_count")
            facts[key] = value
        elif key == "homes_area_m2":
            facts[key] = _clean_area(value)
        else:
            raise RuleViolation(_("%(field)s cannot be changed here.") % {"field": key}, field=key)
    return facts


def _clean_change(household: Household, change: dict[str, Any]) -> HouseholdChange:
    """Validate a proposed change: member updates, new members, removals, household facts."""
    if not isinstance(change, dict) or not change:
        raise RuleViolation(_("The change is empty."), field="change")
    unknown = set(change) - {"members", "add", "remove", "household"}
    if unknown:
        raise RuleViolation(
            _("%(field)s cannot be changed here.") % {"field": ", ".join(sorted(unknown))},
            field="change",
        )
    member_ids = set(household.members.values_list("pk", flat=True))
    clean: HouseholdChange = {}
    members = _clean_members(household, change.get("members") or {}, member_ids)
    if members:
        clean["members"] = members
    added = [_clean_member_values(values or {}, new=True) for values in change.get("add") or []]
    if added:
        clean["add"] = added
    removed = [_member_id(key, member_ids, "remove") for key in change.get("remove") or []]
    if removed:
        if len(set(removed)) >= len(member_ids) + len(added):
            raise RuleViolation(_("A household keeps at least one member."), field="remove")
        clean["remove"] = sorted(set(removed))
    facts = _clean_household_facts(change.get("household") or {})
    if facts:
        clean["household"] = facts
    if not clean:
        raise RuleViolation(_("The change is empty."), field="change")
    return clean


# Where a change may be proposed: a filed family (which goes under review) or one under review.
CHANGEABLE_STATUSES = frozenset({Status.FILED, Status.UNDER_REVIEW})


def _hold_change(hardship_file: HardshipFile, change: HouseholdChange, by: Actor) -> None:
    hardship_file.pending_change = change
    hardship_file.pending_change_by = staff_of(by)
    hardship_file.pending_change_at = timezone.now()


def _clear_pending_change(hardship_file: HardshipFile) -> None:
    hardship_file.pending_change = None
    hardship_file.pending_change_by = None
    hardship_file.pending_change_at = None


@transaction.atomic
def propose_change(
    hardship_file: HardshipFile, change: dict[str, Any], *, by: Actor, note: str = ""
) -> HardshipFile:
    """Propose a change to a filed family's incomes, members or facts. It is stored on the
    file and takes effect only when a reviewer completes the review (which re-assesses) or
    the approver exits the family with it.

    A filed file goes under review; a file already under review keeps its status.
    """
    hardship_file = FLOW.lock(hardship_file)
    _require_on_file(by, rules.PROPOSE_CHANGE_ROLES, hardship_file)
    if hardship_file.status not in CHANGEABLE_STATUSES:
        raise RuleViolation(
            _(
                "Changes go through review only for filed families; before filing, record them on the household."
            ),
            code="invalid_transition",
        )
    clean = _clean_change(hardship_file.household, change)
    if hardship_file.status == Status.FILED:
        with FLOW.moving(hardship_file, Step.START_REVIEW, by=by, note=note) as move:
            _hold_change(move.obj, clean, by)
            move.obj.review_reason = ReviewReason.CHANGE
            move.changes.update(review_reason=ReviewReason.CHANGE, pending_change=clean)
        return move.obj
    note = FLOW.clean_note(FLOW.step(Step.START_REVIEW), note)
    _hold_change(hardship_file, clean, by)
    hardship_file.save()
    FLOW.record(
        hardship_file,
        "change",
        hardship_file.status,
        by=by,
        note=note,
        changes={"pending_change": clean},
    )
    return hardship_file


def _apply_household_change(household: Household, change: HouseholdChange, *, by: Actor) -> None:
    """Write an approved change through the people app's services (which validate it again
    and audit each change on the household); `by` is whoever proposed it."""
    from nuanjia.people import services as people

    members = {member.pk: member for member in household.members.all()}
    for member_id, values in (change.get("members") or {}).items():
        people.update_member(members[int(member_id)], by=by, **values)
    for values in change.get("add") or []:
        people.add_member(household, by=by, **values)
    for removed_id in change.get("remove") or []:
        people.remove_member(members[removed_id], by=by)
    if change.get("household"):
        people.update_household(household, by=by, **change["household"])
    household.refresh_from_db()


def _reassess(hardship_file: HardshipFile, on: datetime.date) -> rules.Assessment:
    """Apply the pending change (in the proposer's name: the decision is the approval) and
    measure the family again."""
    if hardship_file.pending_change:
        # A change is held together with its proposer (`_hold_change`).
        assert hardship_file.pending_change_by is not None
        _apply_household_change(
            hardship_file.household,
            hardship_file.pending_change,
            by=hardship_file.pending_change_by,
        )
    return assess_household(
        hardship_file.household,
        on=on,
        is_sudden=hardship_file.is_sudden,
        compensation_fen=hardship_file.sudden_compensation_fen,
    )


def preview_review(hardship_file: HardshipFile) -> rules.Assessment | None:
    """What completing the review would find today: the pending change applied and the family
    measured again, then all of it rolled back (nothing is kept, no event survives). None when
    the pending change no longer applies (completing the review will say why)."""
    try:
        with transaction.atomic():
            fresh = HardshipFile.objects.select_related("household").get(pk=hardship_file.pk)
            assessment = _reassess(fresh, _today())
            transaction.set_rollback(True)
    except RuleViolation:
        return None
    return assessment


def _category_after_review(assessment: rules.Assessment, category: str | None, note: str) -> str:
    """The category a completed review keeps; a family now excluded or above the line is not
    kept: the reviewer proposes its exit instead (the approver decides it)."""
    if assessment.exclusions:
        raise RuleViolation(
            _("The family is now excluded: %(reasons)s Propose the exit instead.")
            % {"reasons": " ".join(e.reason for e in assessment.exclusions)},
            code="excluded",
        )
    category = category or assessment.category
    if not category or category not in Category.values:
        raise RuleViolation(
            _(
                "The re-assessed income (%(income)s yuan per person a month) is above the hardship line; propose the exit instead."
            )
            % {"income": rules.format_yuan(assessment.per_capita_income_fen)},
            code="above_line",
        )
    return _explained_category(category, assessment.category, note)


@FLOW.handler(Step.COMPLETE_REVIEW)
@transaction.atomic
def complete_review(
    hardship_file: HardshipFile,
    *,
    by: Actor,
    category: str | None = None,
    monthly_standard_fen: int | None = None,
    note: str = "",
) -> HardshipFile:
    """Complete a review: apply the pending change, re-assess, and keep the family filed.

    Whoever started the review or proposed the change cannot complete it. A family the
    re-assessment finds above the line or excluded is not kept: the reviewer proposes its
    exit (propose_exit) and the approver decides it.
    """
    with FLOW.moving(hardship_file, Step.COMPLETE_REVIEW, by=by, note=note) as move:
        hardship_file = move.obj
        today = _today()
        applied = hardship_file.pending_change or {}
        assessment = _reassess(hardship_file, today)
        category = _category_after_review(assessment, category, move.note)
        move.changes.update(_store_assessment(hardship_file, assessment, today))
        if monthly_standard_fen is None:
            monthly_standard_fen = (
                hardship_file.monthly_standard_fen
                if category == hardship_file.category
                else rules.default_monthly_standard_fen(category, assessment.dibao_fen)
            )
        monthly_standard_fen = _positive_standard(monthly_standard_fen)
        policy = queries.policy_for(hardship_file.region_code, today)
        hardship_file.category = category
        hardship_file.monthly_standard_fen = monthly_standard_fen
        hardship_file.next_review_on = rules.next_review_on(today, policy)
        hardship_file.review_reason = ReviewReason.NONE
        hardship_file.review_started_by = None
        _clear_pending_change(hardship_file)
        move.changes.update(
            category=category,
            monthly_standard_fen=monthly_standard_fen,
            next_review_on=hardship_file.next_review_on,
            applied_change=applied,
        )
    return move.obj


def _exit_reason(reason: str, note: str) -> str:
    if reason not in ExitReason.values:
        raise RuleViolation(_("Choose the reason for the exit."), field="exit_reason")
    if reason == ExitReason.OTHER and not note:
        raise RuleViolation(_("Describe the reason in the note."), field="note")
    return reason


@FLOW.handler(Step.PROPOSE_EXIT)
@transaction.atomic
def propose_exit(
    hardship_file: HardshipFile, *, by: Actor, exit_reason: str = ExitReason.INCOME, note: str = ""
) -> HardshipFile:
    """A review found that the family must leave hardship (its income rose, it is now
    excluded, it moved…): the reviewer proposes the exit and the approver decides it, since
    脱困 is the approver's step. A pending change stays for the approver, who applies it or
    withdraws it when deciding. Whoever started the review or proposed the change cannot
    propose the exit."""
    with FLOW.moving(hardship_file, Step.PROPOSE_EXIT, by=by, note=note) as move:
        move.obj.exit_reason = _exit_reason(exit_reason, move.note)
        move.changes["exit_reason"] = move.obj.exit_reason
    return move.obj


@FLOW.handler(Step.REOPEN_REVIEW)
@transaction.atomic
def reopen_review(hardship_file: HardshipFile, *, by: Actor, note: str) -> HardshipFile:
    """The approver does not agree that the family must exit: the file goes back under
    review, for the reviewer to complete (or to propose the exit again, with more)."""
    with FLOW.moving(hardship_file, Step.REOPEN_REVIEW, by=by, note=note) as move:
        move.changes["exit_reason"] = move.obj.exit_reason
        move.obj.exit_reason = ""
        move.obj.exit_proposed_by = None
    return move.obj
