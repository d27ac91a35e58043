"""Every write to hardship files, objections, standards and bulk runs.

Each step of rules.TRANSITIONS is one function here: it locks the file, checks the step's
owner role, scope and maker-checker, changes the file, and writes one FileEvent and one
audit event in the same transaction. Refusals raise RuleViolation (a rule) or
PermissionDenied (a role or scope) and change nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, CharField, F, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Left
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import deny
from nuanjia.orgs.queries import within
from nuanjia.people.models import Household, HouseholdMember
from nuanjia.standards import regions
from nuanjia.standards.models import DibaoStandard
from nuanjia.standards.queries import region_org
from nuanjia.standards.regions import prefix_range
from nuanjia.standards.services import refuse_same_date, regional_row_region

from . import queries, rules
from .models import BulkRun, FileEvent, HardshipFile, HardshipPolicy, Objection
from .rules import Category, ExitReason, ReviewReason, Status, Step

# ---- Guards -------------------------------------------------------------------------------


def _roles(by) -> frozenset[str]:
    return (
        frozenset(getattr(by, "roles", frozenset()))
        if by is not None and by.is_active
        else frozenset()
    )


def may_take(by, step: str, hardship_file: HardshipFile | None = None) -> bool:
    """Whether `by` holds the step's owner role (and, for a file, has it in scope)."""
    if not rules.role_may(_roles(by), step):
        return False
    return hardship_file is None or _in_scope(by, hardship_file.org)


def authorize_step(user, step: str, hardship_file: HardshipFile, where: str = "") -> None:
    """For pages and the API, before calling a service: refuse (403) and audit the denial
    outside the service's transaction, so the denial record is kept."""
    if not may_take(user, step, hardship_file):
        deny(user, f"hardship.{step}", where)


def authorize_roles(user, roles: frozenset[str], name: str, where: str = "") -> None:
    if not (_roles(user) & roles):
        deny(user, f"hardship.{name}", where)


def _in_scope(by, org: Org) -> bool:
    return by is not None and by.org is not None and org.is_within(by.org)


def _require_role(by, roles: frozenset[str]) -> None:
    if not (_roles(by) & roles):
        raise PermissionDenied


def _require_step(by, step: str, hardship_file: HardshipFile) -> None:
    """The owner role of the step, and the file in the actor's subtree."""
    if not may_take(by, step, hardship_file):
        raise PermissionDenied


def _not_the_same(by, other_id: int | None, message: str) -> None:
    """Maker-checker: `by` must not be the person recorded as `other_id`."""
    if by is not None and other_id is not None and other_id == by.pk:
        raise RuleViolation(message, code="maker_checker")


def _lock(hardship_file: HardshipFile) -> HardshipFile:
    """Lock the file's row for this transaction and reload it."""
    list(HardshipFile.objects.select_for_update().filter(pk=hardship_file.pk).values_list("pk"))
    hardship_file.refresh_from_db()
    return hardship_file


def _today() -> datetime.date:
    return clock.today()


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _check_source(hardship_file: HardshipFile, step: str, target: str) -> None:
    if (
        hardship_file.status not in rules.STEP_SOURCES[step]
        or target not in rules.STEP_TARGETS[step]
        or not rules.can_move(hardship_file.status, target)
    ):
        raise RuleViolation(
            _("A file that is %(status)s cannot take the step “%(step)s”.")
            % {"status": _status_label(hardship_file.status), "step": rules.Step(step).label},
            code="invalid_transition",
        )


def _event(
    hardship_file: HardshipFile,
    action: str,
    source: str,
    *,
    by,
    note: str = "",
    changes: dict | None = None,
) -> FileEvent:
    """One history row and one audit event, for a transition or a note on the file."""
    changes = {key: _jsonable(value) for key, value in (changes or {}).items()}
    actor = by if getattr(by, "is_authenticated", False) else None
    event = FileEvent.objects.create(
        file=hardship_file,
        action=action,
        from_status=source,
        to_status=hardship_file.status,
        note=note,
        changes=changes,
        by=actor,
        at=clock.now(),
    )
    audit_changes = {"status": [source, hardship_file.status], **changes}
    if note:
        audit_changes["note"] = note
    record_event(hardship_file, f"hardship.{action}", by=by, changes=audit_changes)
    return event


def _jsonable(value):
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def _move(
    hardship_file: HardshipFile,
    step: str,
    target: str,
    *,
    by,
    note: str = "",
    changes: dict | None = None,
) -> HardshipFile:
    """Save the file in its new status and record the transition (callers have validated)."""
    source = hardship_file.status
    hardship_file.status = target
    try:
        with transaction.atomic():
            hardship_file.save()
    except IntegrityError as error:
        raise _integrity_violation(error) from error
    _event(hardship_file, step, source, by=by, note=note, changes=changes)
    return hardship_file


def _integrity_violation(error: IntegrityError) -> RuleViolation:
    if "one_live_file" in str(error) or "UNIQUE" in str(error).upper():
        return RuleViolation(
            _("This family already has a hardship file."), field="household", code="duplicate_file"
        )
    return RuleViolation(
        _("The file would break a rule of the archive: %(error)s") % {"error": error},
        code="integrity",
    )


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, field=field)
    return value


# ---- Assessment ---------------------------------------------------------------------------


def _per_capita_income_fen(
    members: list[HouseholdMember], *, minimum_wage_fen: int, on: datetime.date
) -> int:
    """The household's per-capita monthly income (DOMAIN.md), from the people app's rule."""
    from nuanjia.people.rules import per_capita_monthly_income_fen

    return per_capita_monthly_income_fen(members, minimum_wage_fen=minimum_wage_fen, on=on)


def assess_household(
    household: Household, *, on: datetime.date, is_sudden: bool = False, compensation_fen: int = 0
) -> rules.Assessment:
    """Measure a household against its region's 低保 standard and policy on a date."""
    members = list(household.members.all())
    if not members:
        raise RuleViolation(
            _("Record the household's members and their incomes first."), field="household"
        )
    dibao = queries.dibao_for(household.region_code, on)
    if dibao is None:
        raise RuleViolation(
            _("No dibao standard is set for region %(code)s on %(date)s.")
            % {"code": household.region_code, "date": on},
            field="region_code",
        )
    wage = queries.minimum_wage_for(household.region_code, on)
    if wage is None:
        raise RuleViolation(
            _("No minimum wage is set for region %(code)s on %(date)s.")
            % {"code": household.region_code, "date": on},
            field="region_code",
        )
    policy = queries.policy_for(household.region_code, on)
    size = len(members)
    income = _per_capita_income_fen(members, minimum_wage_fen=wage.monthly_fen, on=on)
    if is_sudden:
        income = rules.sudden_income_fen(income, compensation_fen, size)
    special = any(
        member.illness_cost_fen or member.disability_cost_fen or member.school_cost_fen
        for member in members
    )
    category = rules.propose_category(
        per_capita_income_fen=income,
        dibao_fen=dibao.monthly_fen,
        relative_multiple=policy.relative_multiple,
        is_on_dibao=household.on_dibao,
        has_special_costs=special,
        is_sudden=is_sudden,
    )
    exclusions = rules.find_exclusions(
        homes_count=household.homes_count,
        homes_area_m2=household.homes_area_m2,
        household_size=size,
        owns_car=household.owns_car,
        child_in_costly_school=household.child_in_costly_school,
        controls_business=household.controls_business,
        refused_verification=household.refused_verification,
        policy=policy,
    )
    assessment = rules.Assessment(
        household_size=size,
        per_capita_income_fen=income,
        dibao_fen=dibao.monthly_fen,
        relative_limit_fen=rules.relative_limit_fen(dibao.monthly_fen, policy.relative_multiple),
        category=category,
        is_tiered_help=rules.is_tiered_help(
            per_capita_income_fen=income, dibao_fen=dibao.monthly_fen, policy=policy
        ),
        exclusions=exclusions,
        is_on_dibao=household.on_dibao,
        has_special_costs=special,
    )
    return assessment


def _record_finances_consent(worker, signed_on: datetime.date, evidence: str, *, by) -> None:
    """The applicant's signed consent to check the family's finances, kept with the worker's
    other consents (PIPL) unless the same one is already recorded."""
    from nuanjia.people import services as people
    from nuanjia.people.models import Consent

    scope = Consent.Scope.FAMILY_FINANCES
    if not worker.consents.filter(
        scope=scope, given_on=signed_on, evidence=evidence, withdrawn_on__isnull=True
    ).exists():
        people.record_consent(worker, scope=scope, given_on=signed_on, evidence=evidence, by=by)


def _store_assessment(
    hardship_file: HardshipFile, assessment: rules.Assessment, on: datetime.date
) -> dict:
    hardship_file.assessed_on = on
    hardship_file.household_size = assessment.household_size
    hardship_file.per_capita_income_fen = assessment.per_capita_income_fen
    hardship_file.dibao_fen = assessment.dibao_fen
    hardship_file.is_on_dibao = assessment.is_on_dibao
    hardship_file.has_special_costs = assessment.has_special_costs
    hardship_file.category_proposed = assessment.category
    hardship_file.exclusions = [exclusion.as_dict() for exclusion in assessment.exclusions]
    hardship_file.is_tiered_help = assessment.is_tiered_help
    hardship_file.region_code = hardship_file.household.region_code
    return {
        "per_capita_income_fen": assessment.per_capita_income_fen,
        "dibao_fen": assessment.dibao_fen,
        "household_size": assessment.household_size,
        "category_proposed": assessment.category,
        "exclusions": [exclusion.code for exclusion in assessment.exclusions],
        "is_tiered_help": assessment.is_tiered_help,
    }


def _member_id_indexes(household: Household) -> set[str]:
    indexes = {household.worker.id_number_index} | set(
        household.members.values_list("id_number_index", flat=True)
    )
    return {index for index in indexes if index}


def _check_no_other_live_file(
    household: Household, *, exclude_file: HardshipFile | None = None
) -> None:
    """One family, one file, in the whole province: by household (the database constraint too)
    and by any member's ID number appearing in another household's live file."""
    others = HardshipFile.objects.filter(status__in=rules.LIVE_STATUSES)
    if exclude_file is not None:
        others = others.exclude(pk=exclude_file.pk)
    existing = others.filter(household=household).select_related("org").first()
    indexes = _member_id_indexes(household)
    if existing is None and indexes:
        existing = (
            others.exclude(household=household)
            .filter(
                Q(household__worker__id_number_index__in=indexes)
                | Q(household__members__id_number_index__in=indexes)
            )
            .select_related("org")
            .first()
        )
    if existing is not None:
        raise RuleViolation(
            _(
                "A member of this family already has a hardship file (%(number)s, %(org)s); one family has one file in the province."
            )
            % {"number": existing.number, "org": existing.org.name},
            field="household",
            code="duplicate_file",
        )


# ---- Application to filing ----------------------------------------------------------------


@transaction.atomic
def open_file(
    household: Household, *, by, is_union_initiated: bool = False, note: str = ""
) -> HardshipFile:
    """Open a hardship file for a household: an application, or one the union opens itself.

    One family has one live file in the whole province (一户一档); an exited family re-enters
    its own file instead of opening a new one.
    """
    if not rules.role_may(_roles(by), Step.APPLY) or not _in_scope(by, household.org):
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
    hardship_file = HardshipFile(
        household=household,
        org=household.org,
        region_code=household.region_code,
        status=Status.APPLIED,
        is_union_initiated=is_union_initiated,
        application_note=note.strip(),
        created_by=by,
    )
    try:
        with transaction.atomic():
            hardship_file.save()
    except IntegrityError as error:
        raise _integrity_violation(error) from error
    _event(
        hardship_file,
        Step.APPLY,
        "",
        by=by,
        note=note.strip(),
        changes={"is_union_initiated": is_union_initiated},
    )
    return hardship_file


@transaction.atomic
def check_file(hardship_file: HardshipFile, *, by, note: str = "") -> HardshipFile:
    """The grassroots union confirms the application's basic facts (基层工会核实)."""
    _lock(hardship_file)
    _require_step(by, Step.CHECK, hardship_file)
    _check_source(hardship_file, Step.CHECK, Status.CHECKED)
    hardship_file.check_note = note.strip()
    return _move(hardship_file, Step.CHECK, Status.CHECKED, by=by, note=note.strip())


@transaction.atomic
def record_visit(
    hardship_file: HardshipFile,
    *,
    by,
    consent_signed_on: datetime.date | None,
    consent_evidence: str,
    note: str = "",
    visited_on: datetime.date | None = None,
    sudden_cause: str = "",
    sudden_compensation_fen: int = 0,
) -> HardshipFile:
    """Record the home visit (入户调查): the signed consent, the income assessment and the
    category the rules propose. Whoever records it is the proposer (maker-checker)."""
    _lock(hardship_file)
    _require_step(by, Step.VISIT, hardship_file)
    _check_source(hardship_file, Step.VISIT, Status.VISITED)
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
    evidence = _required(
        consent_evidence,
        "consent_evidence",
        _("Enter the number or reference of the signed consent form."),
    )
    if sudden_compensation_fen < 0:
        raise RuleViolation(_("The amount cannot be negative."), field="sudden_compensation_fen")
    sudden_cause = sudden_cause.strip()
    if sudden_compensation_fen and not sudden_cause:
        raise RuleViolation(
            _("Describe the sudden cause the compensation was paid for."), field="sudden_cause"
        )
    assessment = assess_household(
        hardship_file.household,
        on=visited_on,
        is_sudden=bool(sudden_cause),
        compensation_fen=sudden_compensation_fen,
    )
    changes = _store_assessment(hardship_file, assessment, visited_on)
    hardship_file.visited_on = visited_on
    hardship_file.visit_note = note.strip()
    hardship_file.consent_signed_on = consent_signed_on
    hardship_file.consent_evidence = evidence
    hardship_file.sudden_cause = sudden_cause
    hardship_file.is_sudden = bool(sudden_cause)
    hardship_file.sudden_compensation_fen = sudden_compensation_fen
    hardship_file.proposed_by = by
    changes["consent_signed_on"] = consent_signed_on
    _record_finances_consent(hardship_file.household.worker, consent_signed_on, evidence, by=by)
    return _move(
        hardship_file, Step.VISIT, Status.VISITED, by=by, note=note.strip(), changes=changes
    )


@transaction.atomic
def review_file(
    hardship_file: HardshipFile,
    *,
    by,
    civil_affairs_note: str,
    category: str | None = None,
    monthly_standard_fen: int | None = None,
    note: str = "",
) -> HardshipFile:
    """The county centre reviews the visit (县级审核) with the civil-affairs check, and decides
    the category and monthly standard. The proposer cannot review; an excluded family or one
    above the lines is rejected, not reviewed."""
    _lock(hardship_file)
    _require_step(by, Step.REVIEW, hardship_file)
    _check_source(hardship_file, Step.REVIEW, Status.REVIEWED)
    _not_the_same(
        by,
        hardship_file.proposed_by_id,
        _("You proposed this file; another reviewer must review it."),
    )
    civil_affairs_note = _required(
        civil_affairs_note, "civil_affairs_note", _("Record the result of the civil-affairs check.")
    )
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
    if category != hardship_file.category_proposed and not note.strip():
        raise RuleViolation(
            _("Explain in the note why the category differs from the proposal."), field="note"
        )
    if monthly_standard_fen is None:
        monthly_standard_fen = rules.default_monthly_standard_fen(
            category, hardship_file.dibao_fen or 0
        )
    if monthly_standard_fen <= 0:
        raise RuleViolation(_("Enter the monthly standard."), field="monthly_standard_fen")
    hardship_file.civil_affairs_note = civil_affairs_note
    hardship_file.review_note = note.strip()
    hardship_file.category = category
    hardship_file.monthly_standard_fen = monthly_standard_fen
    hardship_file.reviewed_by = by
    changes = {
        "category": category,
        "monthly_standard_fen": monthly_standard_fen,
        "civil_affairs_note": civil_affairs_note,
    }
    return _move(
        hardship_file, Step.REVIEW, Status.REVIEWED, by=by, note=note.strip(), changes=changes
    )


@transaction.atomic
def start_publicity(
    hardship_file: HardshipFile, *, by, starts_on: datetime.date | None = None
) -> HardshipFile:
    """Put the file on the publicity list (公示) for the policy's number of days (default 7)."""
    _lock(hardship_file)
    _require_step(by, Step.PUBLISH, hardship_file)
    _check_source(hardship_file, Step.PUBLISH, Status.IN_PUBLICITY)
    today = _today()
    starts_on = starts_on or today
    if starts_on < today:
        raise RuleViolation(_("Publicity cannot start in the past."), field="publicity_starts_on")
    policy = queries.policy_for(hardship_file.region_code, starts_on)
    hardship_file.publicity_starts_on = starts_on
    hardship_file.publicity_ends_on = rules.publicity_ends_on(starts_on, policy)
    changes = {
        "publicity_starts_on": starts_on,
        "publicity_ends_on": hardship_file.publicity_ends_on,
    }
    return _move(hardship_file, Step.PUBLISH, Status.IN_PUBLICITY, by=by, changes=changes)


def _blocking_objections(hardship_file: HardshipFile) -> QuerySet[Objection]:
    current = Q(status=Objection.Status.UPHELD, received_on__gte=hardship_file.publicity_starts_on)
    return hardship_file.objections.filter(Q(status=Objection.Status.OPEN) | current)


@transaction.atomic
def approve_file(hardship_file: HardshipFile, *, by, note: str = "") -> HardshipFile:
    """Approve a file once its publicity has ended without an open or upheld objection.

    Maker-checker: neither the proposer nor the reviewer may approve.
    """
    _lock(hardship_file)
    _require_step(by, Step.APPROVE, hardship_file)
    _check_source(hardship_file, Step.APPROVE, Status.APPROVED)
    _not_the_same(
        by,
        hardship_file.proposed_by_id,
        _("You proposed this file; another person must approve it."),
    )
    _not_the_same(
        by,
        hardship_file.reviewed_by_id,
        _("You reviewed this file; another person must approve it."),
    )
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
    hardship_file.approved_by = by
    hardship_file.approved_on = _today()
    return _move(hardship_file, Step.APPROVE, Status.APPROVED, by=by, note=note.strip())


@transaction.atomic
def complete_filing(hardship_file: HardshipFile, *, by) -> HardshipFile:
    """File the approved family (建档): from today it is helped and due for review in a year."""
    _lock(hardship_file)
    _require_step(by, Step.FILE, hardship_file)
    _check_source(hardship_file, Step.FILE, Status.FILED)
    today = _today()
    policy = queries.policy_for(hardship_file.region_code, today)
    hardship_file.filed_on = today
    hardship_file.next_review_on = rules.next_review_on(today, policy)
    hardship_file.review_reason = ReviewReason.NONE
    changes = {
        "filed_on": today,
        "next_review_on": hardship_file.next_review_on,
        "category": hardship_file.category,
    }
    return _move(hardship_file, Step.FILE, Status.FILED, by=by, changes=changes)


@transaction.atomic
def send_back_file(hardship_file: HardshipFile, *, by, note: str) -> HardshipFile:
    """Send a reviewed file (or one in publicity, e.g. after an upheld objection) back for a
    new home visit; the decision and publicity dates are cleared."""
    _lock(hardship_file)
    _require_step(by, Step.SEND_BACK, hardship_file)
    _check_source(hardship_file, Step.SEND_BACK, Status.CHECKED)
    note = _required(note, "note", _("Say why the file goes back."))
    if (
        hardship_file.status == Status.IN_PUBLICITY
        and hardship_file.objections.filter(status=Objection.Status.OPEN).exists()
    ):
        raise RuleViolation(_("Resolve the open objections first."), code="objections")
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
    return _move(hardship_file, Step.SEND_BACK, Status.CHECKED, by=by, note=note)


@transaction.atomic
def reject_file(hardship_file: HardshipFile, *, by, note: str) -> HardshipFile:
    """Reject an application (未通过), with the reason; the proposer cannot reject their own."""
    _lock(hardship_file)
    _require_step(by, Step.REJECT, hardship_file)
    _check_source(hardship_file, Step.REJECT, Status.REJECTED)
    _not_the_same(
        by,
        hardship_file.proposed_by_id,
        _("You proposed this file; another person must decide on it."),
    )
    note = _required(note, "note", _("Give the reason for the rejection."))
    if (
        hardship_file.status == Status.IN_PUBLICITY
        and hardship_file.objections.filter(status=Objection.Status.OPEN).exists()
    ):
        raise RuleViolation(_("Resolve the open objections first."), code="objections")
    return _move(hardship_file, Step.REJECT, Status.REJECTED, by=by, note=note)


@transaction.atomic
def withdraw_file(hardship_file: HardshipFile, *, by, note: str) -> HardshipFile:
    """The family withdraws its application (已撤回)."""
    _lock(hardship_file)
    _require_step(by, Step.WITHDRAW, hardship_file)
    _check_source(hardship_file, Step.WITHDRAW, Status.WITHDRAWN)
    note = _required(note, "note", _("Say why the application is withdrawn."))
    if (
        hardship_file.status == Status.IN_PUBLICITY
        and hardship_file.objections.filter(status=Objection.Status.OPEN).exists()
    ):
        raise RuleViolation(_("Resolve the open objections first."), code="objections")
    return _move(hardship_file, Step.WITHDRAW, Status.WITHDRAWN, by=by, note=note)


# ---- Publicity objections -----------------------------------------------------------------


@transaction.atomic
def record_objection(
    hardship_file: HardshipFile,
    *,
    by,
    content: str,
    source: str = "",
    received_on: datetime.date | None = None,
) -> Objection:
    """Record an objection (异议) received during publicity; approval waits for it."""
    _lock(hardship_file)
    if not (_roles(by) & rules.OBJECTION_ROLES) or not _in_scope(by, hardship_file.org):
        raise PermissionDenied
    if hardship_file.status != Status.IN_PUBLICITY:
        raise RuleViolation(
            _("Objections are recorded while the file is in publicity."), code="invalid_transition"
        )
    today = _today()
    received_on = received_on or today
    if received_on > today or received_on < hardship_file.publicity_starts_on:
        raise RuleViolation(
            _("The objection must be received during publicity and not in the future."),
            field="received_on",
        )
    content = _required(content, "content", _("Write down the objection."))
    objection = Objection.objects.create(
        file=hardship_file,
        received_on=received_on,
        content=content,
        source=source.strip(),
        recorded_by=by,
    )
    _event(
        hardship_file,
        "objection",
        hardship_file.status,
        by=by,
        note=content,
        changes={"objection": objection.pk},
    )
    return objection


@transaction.atomic
def resolve_objection(objection: Objection, *, by, is_upheld: bool, resolution: str) -> Objection:
    """Uphold or dismiss an objection after checking it; an upheld one blocks approval."""
    hardship_file = _lock(objection.file)
    objection.refresh_from_db()
    if not (_roles(by) & rules.RESOLVE_OBJECTION_ROLES) or not _in_scope(by, hardship_file.org):
        raise PermissionDenied
    if objection.status != Objection.Status.OPEN:
        raise RuleViolation(
            _("This objection has already been resolved."), code="invalid_transition"
        )
    resolution = _required(
        resolution, "resolution", _("Record how the objection was checked and what was found.")
    )
    objection.status = Objection.Status.UPHELD if is_upheld else Objection.Status.DISMISSED
    objection.resolution = resolution
    objection.resolved_by = by
    objection.resolved_at = timezone.now()
    objection.save()
    _event(
        hardship_file,
        "objection_resolved",
        hardship_file.status,
        by=by,
        note=resolution,
        changes={"objection": objection.pk, "result": objection.status},
    )
    return objection


# ---- Dynamic management: reviews and changes ----------------------------------------------


@transaction.atomic
def start_review(
    hardship_file: HardshipFile, *, by, reason: str = ReviewReason.ANNUAL, note: str = ""
) -> HardshipFile:
    """Open a review of a filed family (annual, or a change in the family)."""
    _lock(hardship_file)
    _require_step(by, Step.START_REVIEW, hardship_file)
    _check_source(hardship_file, Step.START_REVIEW, Status.UNDER_REVIEW)
    if reason not in ReviewReason.values or not reason:
        raise RuleViolation(_("Choose why the file is reviewed."), field="reason")
    hardship_file.review_reason = reason
    hardship_file.review_started_by = by
    return _move(
        hardship_file,
        Step.START_REVIEW,
        Status.UNDER_REVIEW,
        by=by,
        note=note.strip(),
        changes={"review_reason": reason},
    )


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


def _clean_member_values(values: dict, *, new: bool) -> dict:
    clean = {}
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


def _clean_change(household: Household, change: dict) -> dict:
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
    self_ids = set(
        household.members.filter(relation=HouseholdMember.Relation.SELF).values_list(
            "pk", flat=True
        )
    )
    clean: dict = {}
    members = {}
    for key, values in (change.get("members") or {}).items():
        try:
            member_id = int(key)
        except (TypeError, ValueError):
            member_id = None
        if member_id not in member_ids:
            raise RuleViolation(
                _("Member %(member)s is not in this household.") % {"member": key}, field="members"
            )
        values = _clean_member_values(values or {}, new=False)
        if member_id in self_ids and set(values) & {"name", "birth_date", "relation"}:
            raise RuleViolation(
                _("The worker's own name, ID number and birth date are changed on the worker."),
                field="name",
            )
        members[str(member_id)] = values
    if members:
        clean["members"] = members
    added = [_clean_member_values(values or {}, new=True) for values in change.get("add") or []]
    if added:
        clean["add"] = added
    removed = []
    for key in change.get("remove") or []:
        try:
            member_id = int(key)
        except (TypeError, ValueError):
            member_id = None
        if member_id not in member_ids:
            raise RuleViolation(
                _("Member %(member)s is not in this household.") % {"member": key}, field="remove"
            )
        removed.append(member_id)
    if removed:
        if len(set(removed)) >= len(member_ids) + len(added):
            raise RuleViolation(_("A household keeps at least one member."), field="remove")
        clean["remove"] = sorted(set(removed))
    facts = {}
    for key, value in (change.get("household") or {}).items():
        if key in HOUSEHOLD_FLAGS:
            facts[key] = bool(value)
        elif key == "homes_count":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 99:
                raise RuleViolation(_("Enter the number of homes."), field="homes_count")
            facts[key] = value
        elif key == "homes_area_m2":
            try:
                area = Decimal(str(value)).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                raise RuleViolation(
                    _("Enter the home area in square metres."), field="homes_area_m2"
                ) from None
            if area < 0:
                raise RuleViolation(
                    _("Enter the home area in square metres."), field="homes_area_m2"
                )
            facts[key] = str(area)
        else:
            raise RuleViolation(_("%(field)s cannot be changed here.") % {"field": key}, field=key)
    if facts:
        clean["household"] = facts
    if not clean:
        raise RuleViolation(_("The change is empty."), field="change")
    return clean


@transaction.atomic
def propose_change(
    hardship_file: HardshipFile, change: dict, *, by, note: str = ""
) -> HardshipFile:
    """Propose a change to a filed family's incomes, members or facts. It is stored on the
    file and takes effect only when a reviewer completes the review (which re-assesses).

    A filed file goes under review; a file already under review keeps its status.
    """
    _lock(hardship_file)
    if not (_roles(by) & rules.PROPOSE_CHANGE_ROLES) or not _in_scope(by, hardship_file.org):
        raise PermissionDenied
    if hardship_file.status not in rules.FILED_STATUSES:
        raise RuleViolation(
            _(
                "Changes go through review only for filed families; before filing, record them on the household."
            ),
            code="invalid_transition",
        )
    clean = _clean_change(hardship_file.household, change)
    hardship_file.pending_change = clean
    hardship_file.pending_change_by = by
    hardship_file.pending_change_at = timezone.now()
    if hardship_file.status == Status.FILED:
        hardship_file.review_reason = ReviewReason.CHANGE
        hardship_file.review_started_by = by
        return _move(
            hardship_file,
            Step.START_REVIEW,
            Status.UNDER_REVIEW,
            by=by,
            note=note.strip(),
            changes={"review_reason": ReviewReason.CHANGE, "pending_change": clean},
        )
    hardship_file.save()
    _event(
        hardship_file,
        "change",
        hardship_file.status,
        by=by,
        note=note.strip(),
        changes={"pending_change": clean},
    )
    return hardship_file


def _apply_household_change(household: Household, change: dict, *, by) -> None:
    """Write an approved change through the people app's services (which validate it again
    and audit each change on the household); `by` is whoever proposed it."""
    from nuanjia.people import services as people

    members = {member.pk: member for member in household.members.all()}
    for member_id, values in (change.get("members") or {}).items():
        people.update_member(members[int(member_id)], by=by, **values)
    for values in change.get("add") or []:
        people.add_member(household, by=by, **values)
    for member_id in change.get("remove") or []:
        people.remove_member(members[int(member_id)], by=by)
    if change.get("household"):
        people.update_household(household, by=by, **change["household"])
    household.refresh_from_db()


@transaction.atomic
def complete_review(
    hardship_file: HardshipFile,
    *,
    by,
    category: str | None = None,
    monthly_standard_fen: int | None = None,
    note: str = "",
) -> HardshipFile:
    """Complete a review: apply the pending change, re-assess, and keep the family filed.

    Whoever started the review or proposed the change cannot complete it. A family the
    re-assessment finds above the line or excluded is exited instead (exit_file).
    """
    _lock(hardship_file)
    _require_step(by, Step.COMPLETE_REVIEW, hardship_file)
    _check_source(hardship_file, Step.COMPLETE_REVIEW, Status.FILED)
    _not_the_same(
        by,
        hardship_file.review_started_by_id,
        _("You started this review; another reviewer must complete it."),
    )
    _not_the_same(
        by,
        hardship_file.pending_change_by_id,
        _("You proposed this change; another reviewer must approve it."),
    )
    today = _today()
    applied = hardship_file.pending_change or {}
    if applied:
        # The people records change in the proposer's name; this review is the approval.
        _apply_household_change(
            hardship_file.household, applied, by=hardship_file.pending_change_by
        )
    assessment = assess_household(
        hardship_file.household,
        on=today,
        is_sudden=hardship_file.is_sudden,
        compensation_fen=hardship_file.sudden_compensation_fen,
    )
    if assessment.exclusions:
        raise RuleViolation(
            _("The family is now excluded: %(reasons)s Exit the file instead.")
            % {"reasons": " ".join(e.reason for e in assessment.exclusions)},
            code="excluded",
        )
    category = category or assessment.category
    if not category or category not in Category.values:
        raise RuleViolation(
            _(
                "The re-assessed income (%(income)s yuan per person a month) is above the hardship line; exit the file instead."
            )
            % {"income": rules.format_yuan(assessment.per_capita_income_fen)},
            code="above_line",
        )
    if category != assessment.category and not note.strip():
        raise RuleViolation(
            _("Explain in the note why the category differs from the proposal."), field="note"
        )
    changes = _store_assessment(hardship_file, assessment, today)
    policy = queries.policy_for(hardship_file.region_code, today)
    if monthly_standard_fen is None:
        same = category == hardship_file.category
        monthly_standard_fen = (
            hardship_file.monthly_standard_fen
            if same
            else rules.default_monthly_standard_fen(category, assessment.dibao_fen)
        )
    if monthly_standard_fen <= 0:
        raise RuleViolation(_("Enter the monthly standard."), field="monthly_standard_fen")
    hardship_file.category = category
    hardship_file.monthly_standard_fen = monthly_standard_fen
    hardship_file.next_review_on = rules.next_review_on(today, policy)
    hardship_file.review_reason = ReviewReason.NONE
    hardship_file.pending_change = None
    hardship_file.pending_change_by = None
    hardship_file.pending_change_at = None
    hardship_file.review_started_by = None
    changes.update(
        {
            "category": category,
            "monthly_standard_fen": monthly_standard_fen,
            "next_review_on": hardship_file.next_review_on,
            "applied_change": applied,
        }
    )
    return _move(
        hardship_file, Step.COMPLETE_REVIEW, Status.FILED, by=by, note=note.strip(), changes=changes
    )


# ---- Exit, gradual exit, re-entry ---------------------------------------------------------


@transaction.atomic
def exit_file(
    hardship_file: HardshipFile,
    *,
    by,
    reason: str,
    note: str = "",
    gradual_exit_months: int | None = None,
    gradual_exit_monthly_fen: int | None = None,
) -> HardshipFile:
    """Exit a filed family (脱困) with its reason; the family stays on the watch list.

    A family leaving because its income rose may get a gradual exit (渐退期): 1–6 months at
    no more than 60% of its pre-exit monthly standard (both from the region's policy).
    Whoever started the review or proposed a change cannot decide the exit.
    """
    _lock(hardship_file)
    _require_step(by, Step.EXIT, hardship_file)
    gradual = bool(gradual_exit_months)
    target = Status.GRADUAL_EXIT if gradual else Status.EXITED
    _check_source(hardship_file, Step.EXIT, target)
    _not_the_same(
        by,
        hardship_file.review_started_by_id,
        _("You started this review; another person must decide the exit."),
    )
    _not_the_same(
        by,
        hardship_file.pending_change_by_id,
        _("You proposed this change; another person must decide the exit."),
    )
    if reason not in ExitReason.values:
        raise RuleViolation(_("Choose the reason for the exit."), field="exit_reason")
    if reason == ExitReason.OTHER and not note.strip():
        raise RuleViolation(_("Describe the reason in the note."), field="note")
    today = _today()
    changes: dict = {"exit_reason": reason}
    if gradual:
        if reason != ExitReason.INCOME:
            raise RuleViolation(
                _("A gradual exit is for families leaving hardship because their income rose."),
                field="gradual_exit_months",
            )
        policy = queries.policy_for(hardship_file.region_code, today)
        monthly = gradual_exit_monthly_fen or 0
        rules.validate_gradual_exit(
            gradual_exit_months, monthly, hardship_file.monthly_standard_fen, policy
        )
        hardship_file.gradual_exit_months = gradual_exit_months
        hardship_file.gradual_exit_monthly_fen = monthly
        hardship_file.gradual_exit_ends_on = rules.gradual_exit_ends_on(today, gradual_exit_months)
        changes.update(
            {
                "gradual_exit_months": gradual_exit_months,
                "gradual_exit_monthly_fen": monthly,
                "gradual_exit_ends_on": hardship_file.gradual_exit_ends_on,
            }
        )
    elif gradual_exit_monthly_fen:
        raise RuleViolation(
            _("Enter the number of months of the gradual exit."), field="gradual_exit_months"
        )
    if hardship_file.pending_change:
        changes["discarded_change"] = hardship_file.pending_change
    hardship_file.exited_on = today
    hardship_file.exit_reason = reason
    hardship_file.exit_note = note.strip()
    hardship_file.pending_change = None
    hardship_file.pending_change_by = None
    hardship_file.pending_change_at = None
    hardship_file.review_started_by = None
    hardship_file.review_reason = ReviewReason.NONE
    hardship_file.next_review_on = None
    return _move(hardship_file, Step.EXIT, target, by=by, note=note.strip(), changes=changes)


@transaction.atomic
def end_gradual_exit(hardship_file: HardshipFile, *, by=None, note: str = "") -> HardshipFile:
    """End a phase-out after its last day; the family stays on the watch list.

    `by=None` is the monthly task (tasks.end_due_gradual_exits); a person needs the caseworker role.
    """
    _lock(hardship_file)
    if by is not None:
        _require_step(by, Step.END_GRADUAL_EXIT, hardship_file)
    _check_source(hardship_file, Step.END_GRADUAL_EXIT, Status.EXITED)
    if hardship_file.gradual_exit_ends_on and _today() <= hardship_file.gradual_exit_ends_on:
        raise RuleViolation(
            _("The gradual exit runs until %(date)s.")
            % {"date": hardship_file.gradual_exit_ends_on},
            code="gradual_exit_running",
        )
    return _move(hardship_file, Step.END_GRADUAL_EXIT, Status.EXITED, by=by, note=note.strip())


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
    "proposed_by", "reviewed_by", "approved_by", "review_started_by", "gradual_exit_months",
    "gradual_exit_monthly_fen", "gradual_exit_ends_on", "next_review_on", "review_due_year",
    "is_sudden", "sudden_compensation_fen", "filed_on", "exited_on", "exit_reason", "exit_note",
)  # fmt: skip


@transaction.atomic
def re_enter_file(hardship_file: HardshipFile, *, by, note: str) -> HardshipFile:
    """An exited family falls back into hardship: its own file goes back to application, with
    its history kept, and is checked, visited, reviewed and publicised again."""
    _lock(hardship_file)
    _require_step(by, Step.RE_ENTER, hardship_file)
    _check_source(hardship_file, Step.RE_ENTER, Status.APPLIED)
    note = _required(note, "note", _("Say what changed for the family."))
    _check_no_other_live_file(hardship_file.household, exclude_file=hardship_file)
    previous = {
        "category": hardship_file.category,
        "filed_on": hardship_file.filed_on,
        "exited_on": hardship_file.exited_on,
        "exit_reason": hardship_file.exit_reason,
    }
    model_fields = {
        field.name: field for field in HardshipFile._meta.get_fields() if hasattr(field, "attname")
    }
    for name in CYCLE_FIELDS:
        field = model_fields[name]
        setattr(hardship_file, name, None if field.null else field.get_default())
    hardship_file.category = Category.NONE
    hardship_file.monthly_standard_fen = 0
    hardship_file.review_reason = ReviewReason.NONE
    hardship_file.is_spot_check = False
    hardship_file.application_note = note
    return _move(
        hardship_file,
        Step.RE_ENTER,
        Status.APPLIED,
        by=by,
        note=note,
        changes={"previous": previous},
    )


# ---- Regional policy (帮扶政策参数) ---------------------------------------------------------

# (field, lowest, highest, message naming the bound) for each configurable figure.
POLICY_BOUNDS = (
    ("relative_multiple", Decimal("1"), Decimal("5"), gettext_lazy("The relative-hardship multiple is between 1 and 5 times dibao.")),
    ("tiered_help_multiple", Decimal("1"), Decimal("3"), gettext_lazy("The tiered-help multiple is between 1 and 3.")),
    ("publicity_days", 1, 30, gettext_lazy("Publicity lasts 1 to 30 days.")),
    ("gradual_exit_min_months", 1, 12, gettext_lazy("A gradual exit lasts at least 1 month and at most 12.")),
    ("gradual_exit_max_months", 1, 12, gettext_lazy("A gradual exit lasts at least 1 month and at most 12.")),
    ("gradual_exit_max_percent", 1, 100, gettext_lazy("The gradual-exit share is 1 to 100 % of the pre-exit standard.")),
    ("spot_check_percent", 30, 100, gettext_lazy("At least 30 % of the annual reviews are spot-checked.")),
    ("review_interval_months", 1, 12, gettext_lazy("Files are reviewed at least once a year (1 to 12 months).")),
    ("retention_years", 10, 50, gettext_lazy("Files are kept at least 10 years after exit.")),
    ("average_home_area_m2", Decimal("1"), Decimal("500"), gettext_lazy("Enter the local average home area per person in m².")),
)  # fmt: skip


@transaction.atomic
def save_policy(
    *,
    by,
    region_code: str,
    effective_on: datetime.date,
    values: dict,
    note: str = "",
    instance: HardshipPolicy | None = None,
) -> HardshipPolicy:
    """Create or change a region's hardship policy from a date (the province's, a city's or a
    county's). Bounds follow DOMAIN.md: at least a yearly review with ≥ 30 % spot checks, files
    kept ≥ 10 years; the campaign's 1–6 months at ≤ 60 % are the defaults, not the bounds."""
    region_code, region = regional_row_region(
        by,
        region_code,
        unknown=_("%(code)s is not the region code of the province, a city or a county."),
        outside=_("You can set policies only for regions of your own union."),
    )
    if effective_on is None:
        raise RuleViolation(_("Enter the date the policy takes effect."), field="effective_on")
    cleaned = {}
    for name, lowest, highest, message in POLICY_BOUNDS:
        value = values.get(name)
        if value is None or not lowest <= value <= highest:
            raise RuleViolation(str(message), field=name)
        cleaned[name] = value
    if cleaned["gradual_exit_min_months"] > cleaned["gradual_exit_max_months"]:
        raise RuleViolation(
            _("The shortest gradual exit cannot be longer than the longest."),
            field="gradual_exit_min_months",
        )
    refuse_same_date(
        HardshipPolicy,
        region_code,
        effective_on,
        instance,
        _("The region already has a policy from this date; change that row instead."),
    )
    created = instance is None
    row = instance or HardshipPolicy()
    fields = ("region_code", "effective_on", "note", *cleaned)
    before = {name: _jsonable(getattr(row, name)) for name in fields} if not created else {}
    row.region_code, row.effective_on, row.note = region_code, effective_on, (note or "").strip()
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.updated_by = by
    row.save()
    after = {name: _jsonable(getattr(row, name)) for name in fields}
    changes = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    action = f"hardship.policy.{'created' if created else 'changed'}"
    record_event(row, action, by=by, org=region, changes=changes)
    return row


# ---- Bulk: re-assessment after a 低保 change, annual review due list --------------------------

CHUNK_SIZE = 50_000


@dataclass(frozen=True)
class ReassessGroup:
    """Files decided by one 低保 amount and one policy: one UPDATE per chunk.

    `regions` is index-friendly, for the dry-run count and the id bounds; `chunk_regions` is
    what each chunk's UPDATE filters on. For a whole city it compares the code's first four
    digits, so the database walks the chunk's id range instead of the city's whole region
    index once per chunk.
    """

    regions: Q
    dibao_fen: int
    policy: rules.PolicyValues
    chunk_regions: Q | None = None

    @property
    def chunk_filter(self) -> Q:
        return self.chunk_regions if self.chunk_regions is not None else self.regions


def reassessment_as_of(standard: DibaoStandard) -> datetime.date:
    """Re-assess against what is in force today, or on the new standard's first day if later."""
    return max(_today(), standard.effective_on)


def reassessment_groups(standard: DibaoStandard, as_of: datetime.date) -> list[ReassessGroup]:
    """The files a changed standard decides, grouped by the policy that applies to them.

    A county standard decides its county. A city standard decides the city and each county
    without a standard of its own; a county with its own policy is a group of its own.
    """
    region = standard.region_code
    city = regions.city_of(region)
    in_force = queries.dibao_for(region, as_of)
    if in_force is None:
        return []
    if region != city:
        return [
            ReassessGroup(
                Q(region_code=region), in_force.monthly_fen, queries.policy_for(region, as_of)
            )
        ]
    prefix = city[:4]
    own_standard = set(
        DibaoStandard.objects.filter(prefix_range(prefix), effective_on__lte=as_of)
        .exclude(region_code=city)
        .values_list("region_code", flat=True)
    )
    own_policy = (
        set(
            HardshipPolicy.objects.filter(prefix_range(prefix), effective_on__lte=as_of)
            .exclude(region_code=city)
            .values_list("region_code", flat=True)
        )
        - own_standard
    )
    others = ~Q(region_code__in=sorted(own_standard | own_policy))
    groups = [
        ReassessGroup(
            prefix_range(prefix) & others,
            in_force.monthly_fen,
            queries.policy_for(city, as_of),
            chunk_regions=Q(Exact(Left("region_code", 4), prefix)) & others,
        )
    ]
    groups += [
        ReassessGroup(Q(region_code=code), in_force.monthly_fen, queries.policy_for(code, as_of))
        for code in sorted(own_policy)
    ]
    return groups


def reassessment_category(dibao_fen: int, policy: rules.PolicyValues) -> Case:
    """rules.propose_category as a SQL CASE over the stored assessment snapshot."""
    relative = rules.relative_limit_fen(dibao_fen, policy.relative_multiple)
    return Case(
        When(
            Q(per_capita_income_fen__lte=dibao_fen) | Q(is_on_dibao=True, has_special_costs=True),
            then=Value(Category.DEEP.value),
        ),
        When(
            Q(per_capita_income_fen__lt=relative, is_sudden=True), then=Value(Category.SUDDEN.value)
        ),
        When(per_capita_income_fen__lt=relative, then=Value(Category.RELATIVE.value)),
        default=Value(Category.NONE.value),
        output_field=CharField(),
    )


def reassessment_update(group: ReassessGroup, *, due_on: datetime.date) -> dict:
    """The SET clause of one re-assessment UPDATE: proposed category, tiered-help flag, and —
    where the proposal no longer matches the decided category — the review due list."""
    category = reassessment_category(group.dibao_fen, group.policy)
    changed = ~Q(category=category)
    relative = rules.relative_limit_fen(group.dibao_fen, group.policy.relative_multiple)
    tiered = rules.tiered_limit_fen(group.dibao_fen, group.policy)
    return {
        "category_proposed": category,
        "is_tiered_help": Case(
            When(
                per_capita_income_fen__gte=relative,
                per_capita_income_fen__lt=tiered,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "review_reason": Case(
            When(changed, then=Value(ReviewReason.STANDARD.value)),
            default=F("review_reason"),
            output_field=CharField(),
        ),
        "next_review_on": Case(
            When(
                changed & (Q(next_review_on__gt=due_on) | Q(next_review_on__isnull=True)),
                then=Value(due_on),
            ),
            default=F("next_review_on"),
        ),
        "dibao_fen": group.dibao_fen,
    }


def _reassessment_files(groups: list[ReassessGroup]) -> QuerySet[HardshipFile]:
    regions = Q(pk__in=[])
    for group in groups:
        regions |= group.regions
    return HardshipFile.objects.filter(regions, status__in=sorted(rules.FILED_STATUSES))


def count_reassessment(standard: DibaoStandard, as_of: datetime.date | None = None) -> int:
    """The dry run: how many filed families a re-assessment after this standard touches."""
    as_of = as_of or reassessment_as_of(standard)
    groups = reassessment_groups(standard, as_of)
    return _reassessment_files(groups).count() if groups else 0


def _check_bulk_actor(by, org: Org) -> None:
    if by is None:
        return  # the task runner, started by someone who was checked
    _require_role(by, rules.BULK_ROLES)
    if not _in_scope(by, org):
        raise PermissionDenied


def start_reassessment(
    standard: DibaoStandard, *, by, as_of: datetime.date | None = None
) -> BulkRun:
    """Record a re-assessment run (with its dry-run count) for run_reassessment to work."""
    org = region_org(standard.region_code)
    if org is None:
        raise RuleViolation(
            _("%(code)s is not the region code of a city or county.")
            % {"code": standard.region_code},
            field="region_code",
        )
    _check_bulk_actor(by, org)
    as_of = as_of or reassessment_as_of(standard)
    with transaction.atomic():
        run = BulkRun.objects.create(
            kind=BulkRun.Kind.REASSESS,
            org=org,
            region_code=standard.region_code,
            parameters={"standard": standard.pk, "as_of": str(as_of)},
            total=count_reassessment(standard, as_of),
            started_by=by,
        )
        record_event(
            run,
            "hardship.bulk.started",
            by=by,
            changes={"kind": run.kind, "total": run.total, **run.parameters},
        )
    return run


def run_reassessment(run: BulkRun, *, chunk_size: int = CHUNK_SIZE) -> BulkRun:
    """Work a re-assessment run set-based, one committed id-range chunk at a time.

    Each chunk is one UPDATE per policy group with the rule as a CASE over the stored
    per-capita income; a stopped run resumes after `last_id`, and a re-run writes the same
    values again, so it is safe to repeat.
    """
    standard = DibaoStandard.objects.get(pk=run.parameters["standard"])
    as_of = datetime.date.fromisoformat(run.parameters["as_of"])
    groups = reassessment_groups(standard, as_of)
    files = _reassessment_files(groups) if groups else HardshipFile.objects.none()
    bounds = files.filter(pk__gt=run.last_id).aggregate(low=Min("pk"), high=Max("pk"))
    low, high = bounds["low"], bounds["high"]
    while low is not None and low <= high:
        upper = low + chunk_size
        with transaction.atomic():
            touched = 0
            for group in groups:
                touched += HardshipFile.objects.filter(
                    group.chunk_filter,
                    status__in=sorted(rules.FILED_STATUSES),
                    pk__gte=low,
                    pk__lt=upper,
                ).update(**reassessment_update(group, due_on=as_of))
            BulkRun.objects.filter(pk=run.pk).update(last_id=upper - 1, done=F("done") + touched)
        low = upper
    return _finish_run(run)


def _finish_run(run: BulkRun) -> BulkRun:
    with transaction.atomic():
        run.refresh_from_db()
        run.state = BulkRun.State.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])
        record_event(
            run,
            "hardship.bulk.finished",
            by=run.started_by,
            changes={"kind": run.kind, "done": run.done, "total": run.total},
        )
    return run


def review_due_files(org: Org, year: int) -> QuerySet[HardshipFile]:
    """Filed families of a union's subtree whose review falls due by the end of `year`."""
    return HardshipFile.objects.filter(
        within(org.path, "org__path"),
        status__in=sorted(rules.FILED_STATUSES),
        next_review_on__lte=datetime.date(year, 12, 31),
    )


def start_review_list(org: Org, *, year: int, seed: int = 0, by) -> BulkRun:
    """Record an annual due-list run (with its dry-run count) for run_review_list to work."""
    _check_bulk_actor(by, org)
    with transaction.atomic():
        run = BulkRun.objects.create(
            kind=BulkRun.Kind.REVIEW_LIST,
            org=org,
            region_code=org.region_code,
            parameters={"year": year, "seed": seed},
            total=review_due_files(org, year).count(),
            started_by=by,
        )
        record_event(
            run,
            "hardship.bulk.started",
            by=by,
            changes={"kind": run.kind, "total": run.total, **run.parameters},
        )
    return run


def run_review_list(run: BulkRun, *, chunk_size: int = 5_000) -> BulkRun:
    """Put the year's due files on the review list and draw the spot checks (≥ 30%).

    The draw is rules.select_spot_checks over the whole due list: the same files for the same
    year and seed, so a stopped or repeated run marks exactly the same families.
    """
    year, seed = run.parameters["year"], run.parameters["seed"]
    policy = queries.policy_for(run.org.region_code)
    due = review_due_files(run.org, year)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    chosen = rules.select_spot_checks(ids, percent=policy.spot_check_percent, year=year, seed=seed)
    remaining = [pk for pk in ids if pk > run.last_id]
    for start in range(0, len(remaining), chunk_size):
        chunk = remaining[start : start + chunk_size]
        with transaction.atomic():
            in_chunk = due.filter(pk__gte=chunk[0], pk__lte=chunk[-1])
            touched = in_chunk.update(
                review_due_year=year,
                is_spot_check=False,
                review_reason=Case(
                    When(review_reason="", then=Value(ReviewReason.ANNUAL.value)),
                    default=F("review_reason"),
                    output_field=CharField(),
                ),
            )
            picked = [pk for pk in chunk if pk in chosen]
            for offset in range(0, len(picked), 500):
                in_chunk.filter(pk__in=picked[offset : offset + 500]).update(is_spot_check=True)
            BulkRun.objects.filter(pk=run.pk).update(last_id=chunk[-1], done=F("done") + touched)
    return _finish_run(run)


# ---- Following the family ------------------------------------------------------------------


def follow_worker_transfer(sender, *, worker, from_org, to_org, transfer, by, **kwargs) -> int:
    """A worker's record moved to another union (people.accept_transfer): the family's files go
    with it, open or closed, so the new union carries on the workflow and keeps the history.

    Runs inside the transfer's transaction; returns the number of files moved.
    """
    files = list(
        HardshipFile.objects.select_for_update()
        .filter(household__worker=worker)
        .exclude(org=to_org)
        .order_by("pk")
    )
    for hardship_file in files:
        hardship_file.org = to_org
        hardship_file.save(update_fields=["org", "updated_at"])
        _event(
            hardship_file,
            "transferred",
            hardship_file.status,
            by=by,
            note=transfer.decision_note,
            changes={"org": [from_org.name, to_org.name], "transfer": transfer.pk},
        )
    return len(files)


def record_copy_printed(hardship_file: HardshipFile, *, by) -> None:
    """Audit that the family's own copy of its file was printed (it holds personal data)."""
    record_event(
        hardship_file,
        "hardship.copy_printed",
        by=by,
        changes={"worker": hardship_file.household.worker_id},
    )


# ---- Retention (保存期限) ---------------------------------------------------------------------

# What a file says about a family in words; erased when its retention ends. Figures, dates,
# category and amounts stay, so reports over past years still add up.
PURGED_TEXT_FIELDS = (
    "application_note", "check_note", "visit_note", "consent_evidence", "sudden_cause",
    "civil_affairs_note", "review_note", "exit_note",
)  # fmt: skip
CLOSED_UNFILED = (Status.REJECTED, Status.WITHDRAWN)


def _retention_start(hardship_file: HardshipFile) -> datetime.date:
    """Exited files count from the exit; refused or withdrawn ones from their last change."""
    if hardship_file.status == Status.EXITED and hardship_file.exited_on:
        return hardship_file.exited_on
    return timezone.localdate(hardship_file.updated_at)


def expired_files(on: datetime.date) -> list[HardshipFile]:
    """Closed files whose retention (policy of their region, from the exit) ended before `on`."""
    shortest = min(
        [
            rules.DEFAULT_POLICY.retention_years,
            *HardshipPolicy.objects.values_list("retention_years", flat=True),
        ]
    )
    latest_start = rules.add_months(on, -12 * shortest)
    candidates = HardshipFile.objects.filter(purged_on__isnull=True).filter(
        Q(status=Status.EXITED, exited_on__lt=latest_start)
        | Q(status__in=CLOSED_UNFILED, updated_at__date__lt=latest_start)
    )
    return [
        hardship_file
        for hardship_file in candidates.order_by("pk").iterator(chunk_size=1000)
        if rules.retention_ends_on(
            _retention_start(hardship_file),
            queries.policy_for(hardship_file.region_code, _retention_start(hardship_file)),
        )
        < on
    ]


@transaction.atomic
def purge_file(hardship_file: HardshipFile, *, on: datetime.date, by=None) -> HardshipFile:
    """Erase a closed file's notes, its history notes and its objections' words (PIPL: delete
    or anonymise after the retention period); record that it was done."""
    hardship_file = _lock(hardship_file)
    if hardship_file.purged_on:
        return hardship_file
    for name in PURGED_TEXT_FIELDS:
        setattr(hardship_file, name, "")
    hardship_file.exclusions = []
    hardship_file.pending_change = None
    hardship_file.purged_on = on
    hardship_file.save()
    FileEvent.objects.filter(file=hardship_file).update(note="", changes={})
    Objection.objects.filter(file=hardship_file).update(content="", resolution="")
    _event(hardship_file, "purged", hardship_file.status, by=by)
    return hardship_file


def purge_expired_files(*, on: datetime.date | None = None) -> int:
    """The nightly retention run: purge every file whose retention has ended; returns how many."""
    on = on or _today()
    files = expired_files(on)
    for hardship_file in files:
        purge_file(hardship_file, on=on)
    return len(files)
