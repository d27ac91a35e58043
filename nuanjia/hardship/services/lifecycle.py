"""The steps from application to filing (open, check, visit, review, publicity, approval)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import in_scope, roles_of, staff_of
from nuanjia.people.models import Household

from .. import queries, rules
from ..models import (
    HardshipFile,
    Objection,
)
from ..rules import Category, ReviewReason, Status, Step
from ..workflow import FLOW
from .assessment import (
    _check_no_other_live_file,
    _record_finances_consent,
    _store_assessment,
    assess_household,
)
from .guards import (
    _explained_category,
    _integrity_violation,
    _positive_standard,
    _required,
    _today,
)


@transaction.atomic
def open_file(
    household: Household, *, by: Actor, is_union_initiated: bool = False, note: str = ""
) -> HardshipFile:
    """Open a hardship file for a household: an application, or one the union opens itself.

    One family has one live file in the whole province (一户一档); an exited family re-enters
    its own file instead of opening a new one. The application states its reason (`note`).
    """
    if not FLOW.role_may(roles_of(by), Step.APPLY) or not in_scope(by, household.org):
        raise PermissionDenied
    list(Household.objects.select_for_update().filter(pk=household.pk).values_list("pk"))
    existing = queries.live_file_of(household)
    if existing is not None and existing.status in rules.EXIT_STATUSES:
        raise RuleViolation(
            _(
                "This family has an exited file (%(number)s); re-enter it instead of opening a new one."
            )
            % {"number": existing.number},
            field="household",
            code="duplicate_file",
        )
    _check_no_other_live_file(household)
    note = _required(
        note, "note", _("Application: say what the family asks for and why (the reason).")
    )
    hardship_file = HardshipFile(
        household=household,
        org=household.org,
        region_code=household.region_code,
        status=Status.APPLIED,
        is_union_initiated=is_union_initiated,
        application_note=note,
        created_by=staff_of(by),
    )
    try:
        with transaction.atomic():
            hardship_file.save()
    except IntegrityError as error:
        raise _integrity_violation(error) from error
    FLOW.record(
        hardship_file,
        Step.APPLY,
        "",
        by=by,
        note=note.strip(),
        changes={"is_union_initiated": is_union_initiated},
    )
    return hardship_file


@FLOW.handler(Step.CHECK)
@transaction.atomic
def check_file(hardship_file: HardshipFile, *, by: Actor, note: str = "") -> HardshipFile:
    """The grassroots union confirms the application's basic facts (基层工会核实)."""
    with FLOW.moving(hardship_file, Step.CHECK, by=by, note=note) as move:
        move.obj.check_note = move.note
    return move.obj


def _visit_dates(
    visited_on: datetime.date | None, consent_signed_on: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The visit's date (today when not given) and the consent's, which must be given;
    neither in the future."""
    today = _today()
    visited_on = visited_on or today
    if visited_on > today:
        raise RuleViolation(_("The visit date cannot be in the future."), field="visited_on")
    if consent_signed_on is None:
        raise RuleViolation(
            _("The applicant must sign the consent to check the family's finances."),
            field="consent_signed_on",
        )
    if consent_signed_on > today:
        raise RuleViolation(
            _("The consent date cannot be in the future."), field="consent_signed_on"
        )
    return visited_on, consent_signed_on


def _sudden_cause(sudden_cause: str, compensation_fen: int) -> str:
    if compensation_fen < 0:
        raise RuleViolation(_("The amount cannot be negative."), field="sudden_compensation_fen")
    sudden_cause = sudden_cause.strip()
    if compensation_fen and not sudden_cause:
        raise RuleViolation(
            _("Describe the sudden cause the compensation was paid for."), field="sudden_cause"
        )
    return sudden_cause


@FLOW.handler(Step.VISIT)
@transaction.atomic
def record_visit(
    hardship_file: HardshipFile,
    *,
    by: Actor,
    consent_signed_on: datetime.date | None,
    consent_evidence: str,
    note: str = "",
    visited_on: datetime.date | None = None,
    sudden_cause: str = "",
    sudden_compensation_fen: int = 0,
) -> HardshipFile:
    """Record the home visit (入户调查): the signed consent, the income assessment and the
    category the rules propose. Whoever records it is the proposer (maker-checker)."""
    with FLOW.moving(hardship_file, Step.VISIT, by=by, note=note) as move:
        visited_on, signed_on = _visit_dates(visited_on, consent_signed_on)
        evidence = _required(
            consent_evidence,
            "consent_evidence",
            _("Enter the number or reference of the signed consent form."),
        )
        sudden_cause = _sudden_cause(sudden_cause, sudden_compensation_fen)
        hardship_file = move.obj
        assessment = assess_household(
            hardship_file.household,
            on=visited_on,
            is_sudden=bool(sudden_cause),
            compensation_fen=sudden_compensation_fen,
        )
        move.changes.update(_store_assessment(hardship_file, assessment, visited_on))
        hardship_file.visited_on = visited_on
        hardship_file.visit_note = move.note
        hardship_file.consent_signed_on = signed_on
        hardship_file.consent_evidence = evidence
        hardship_file.sudden_cause = sudden_cause
        hardship_file.is_sudden = bool(sudden_cause)
        hardship_file.sudden_compensation_fen = sudden_compensation_fen
        move.changes["consent_signed_on"] = signed_on
        _record_finances_consent(hardship_file.household.worker, signed_on, evidence, by=by)
    return move.obj


def _decided_category(hardship_file: HardshipFile, category: str | None, note: str) -> str:
    """The reviewer's category: the proposal unless they say why another."""
    if hardship_file.exclusions:
        raise RuleViolation(
            _("The family is excluded: %(reasons)s Reject the application instead.")
            % {"reasons": " ".join(hardship_file.exclusion_reasons())},
            code="excluded",
        )
    category = category or hardship_file.category_proposed
    if category not in Category.values or not category:
        raise RuleViolation(
            _("The family is above the hardship lines; reject the application instead."),
            field="category",
        )
    return _explained_category(category, hardship_file.category_proposed, note)


@FLOW.handler(Step.REVIEW)
@transaction.atomic
def review_file(
    hardship_file: HardshipFile,
    *,
    by: Actor,
    civil_affairs_note: str,
    category: str | None = None,
    monthly_standard_fen: int | None = None,
    note: str = "",
) -> HardshipFile:
    """The county centre reviews the visit (县级审核) with the civil-affairs check, and decides
    the category and monthly standard. The proposer cannot review; an excluded family or one
    above the lines is rejected, not reviewed."""
    with FLOW.moving(hardship_file, Step.REVIEW, by=by, note=note) as move:
        hardship_file = move.obj
        civil_affairs_note = _required(
            civil_affairs_note,
            "civil_affairs_note",
            _("Record the result of the civil-affairs check."),
        )
        category = _decided_category(hardship_file, category, move.note)
        if monthly_standard_fen is None:
            monthly_standard_fen = rules.default_monthly_standard_fen(
                category, hardship_file.dibao_fen or 0
            )
        monthly_standard_fen = _positive_standard(monthly_standard_fen)
        hardship_file.civil_affairs_note = civil_affairs_note
        hardship_file.review_note = move.note
        hardship_file.category = category
        hardship_file.monthly_standard_fen = monthly_standard_fen
        move.changes.update(
            category=category,
            monthly_standard_fen=monthly_standard_fen,
            civil_affairs_note=civil_affairs_note,
        )
    return move.obj


@FLOW.handler(Step.PUBLISH)
@transaction.atomic
def start_publicity(
    hardship_file: HardshipFile,
    *,
    by: Actor,
    starts_on: datetime.date | None = None,
    note: str = "",
) -> HardshipFile:
    """Put the file on the publicity list (公示) for the policy's number of days (default 7)."""
    with FLOW.moving(hardship_file, Step.PUBLISH, by=by, note=note) as move:
        hardship_file = move.obj
        today = _today()
        starts_on = starts_on or today
        if starts_on < today:
            raise RuleViolation(_("Publicity cannot start in the past."), field="starts_on")
        policy = queries.policy_for(hardship_file.region_code, starts_on)
        hardship_file.publicity_starts_on = starts_on
        hardship_file.publicity_ends_on = rules.publicity_ends_on(starts_on, policy)
        move.changes.update(
            publicity_starts_on=starts_on, publicity_ends_on=hardship_file.publicity_ends_on
        )
    return move.obj


def _blocking_objections(hardship_file: HardshipFile) -> QuerySet[Objection]:
    current = Q(status=Objection.Status.UPHELD, received_on__gte=hardship_file.publicity_starts_on)
    return hardship_file.objections.filter(Q(status=Objection.Status.OPEN) | current)


@FLOW.handler(Step.APPROVE)
@transaction.atomic
def approve_file(hardship_file: HardshipFile, *, by: Actor, note: str = "") -> HardshipFile:
    """Approve a file once its publicity has ended without an open or upheld objection.

    Maker-checker: neither the proposer nor the reviewer may approve.
    """
    with FLOW.moving(hardship_file, Step.APPROVE, by=by, note=note) as move:
        hardship_file = move.obj
        if not hardship_file.publicity_has_ended:
            raise RuleViolation(
                _("Publicity runs until %(date)s; the file can be approved after it ends.")
                % {"date": hardship_file.publicity_ends_on},
                code="publicity_running",
            )
        if _blocking_objections(hardship_file).exists():
            raise RuleViolation(
                _(
                    "Resolve the objections first; an upheld objection sends the file back or rejects it."
                ),
                code="objections",
            )
        hardship_file.approved_on = _today()
    return move.obj


@FLOW.handler(Step.FILE)
@transaction.atomic
def complete_filing(hardship_file: HardshipFile, *, by: Actor, note: str = "") -> HardshipFile:
    """File the approved family (建档): from today it is helped and due for review in a year."""
    with FLOW.moving(hardship_file, Step.FILE, by=by, note=note) as move:
        hardship_file = move.obj
        today = _today()
        policy = queries.policy_for(hardship_file.region_code, today)
        hardship_file.filed_on = today
        hardship_file.next_review_on = rules.next_review_on(today, policy)
        hardship_file.review_reason = ReviewReason.NONE
        move.changes.update(
            filed_on=today,
            next_review_on=hardship_file.next_review_on,
            category=hardship_file.category,
        )
    return move.obj


def _refuse_open_objections(hardship_file: HardshipFile) -> None:
    if (
        hardship_file.status == Status.IN_PUBLICITY
        and hardship_file.objections.filter(status=Objection.Status.OPEN).exists()
    ):
        raise RuleViolation(_("Resolve the open objections first."), code="objections")


@FLOW.handler(Step.SEND_BACK)
@transaction.atomic
def send_back_file(hardship_file: HardshipFile, *, by: Actor, note: str) -> HardshipFile:
    """Send a reviewed file (or one in publicity, e.g. after an upheld objection) back for a
    new home visit; the decision and publicity dates are cleared."""
    with FLOW.moving(hardship_file, Step.SEND_BACK, by=by, note=note) as move:
        hardship_file = move.obj
        _refuse_open_objections(hardship_file)
        for field in (
            "proposed_by",
            "reviewed_by",
            "approved_by",
            "publicity_starts_on",
            "publicity_ends_on",
        ):
            setattr(hardship_file, field, None)
        hardship_file.category = Category.NONE
        hardship_file.monthly_standard_fen = 0
    return move.obj


@FLOW.handler(Step.REJECT)
@transaction.atomic
def reject_file(hardship_file: HardshipFile, *, by: Actor, note: str) -> HardshipFile:
    """Reject an application (未通过), with the reason; the proposer cannot reject their own."""
    with FLOW.moving(hardship_file, Step.REJECT, by=by, note=note) as move:
        _refuse_open_objections(move.obj)
    return move.obj


@FLOW.handler(Step.WITHDRAW)
@transaction.atomic
def withdraw_file(hardship_file: HardshipFile, *, by: Actor, note: str) -> HardshipFile:
    """The family withdraws its application (已撤回)."""
    with FLOW.moving(hardship_file, Step.WITHDRAW, by=by, note=note) as move:
        _refuse_open_objections(move.obj)
    return move.obj
