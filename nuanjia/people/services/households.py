"""Households (家庭) and their members; the worker's own member row kept in step."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import (
    PURPOSE_ID_NUMBER,
    blind_index,
)
from nuanjia.core.errors import RuleViolation

from .. import rules
from ..models import (
    Consent,
    Household,
    HouseholdMember,
    Worker,
)
from .cleaning import _date, _fen, _gender, _id_number, _region_code, _text
from .consents import has_consent
from .guards import _require
from .records import _diff, _lock_worker, _set_id_number

HOUSEHOLD_FLAGS = (
    "owns_car",
    "child_in_costly_school",
    "controls_business",
    "refused_verification",
    "on_dibao",
)
HOUSEHOLD_FIELDS = frozenset(
    {*HOUSEHOLD_FLAGS, "homes_count", "homes_area_m2", "notes", "region_code"}
)
MONEY_FIELDS = rules.INCOME_FIELDS + rules.COST_FIELDS
MEMBER_FIELDS = frozenset(
    {
        "relation",
        "name",
        "id_number",
        "birth_date",
        "gender",
        "health",
        "disability",
        "school_stage",
        "is_able_bodied",
        "is_employed",
        *MONEY_FIELDS,
    }
)


def _apply_household_values(household: Household, values: dict[str, Any]) -> None:
    unknown = set(values) - HOUSEHOLD_FIELDS
    if unknown:
        raise RuleViolation(
            _("%(field)s cannot be changed here.") % {"field": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    for flag in HOUSEHOLD_FLAGS:
        if flag in values:
            setattr(household, flag, bool(values[flag]))
    if "homes_count" in values:
        count = values["homes_count"]
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 99:
            raise RuleViolation(_("Enter the number of homes."), field="homes_count")
        household.homes_count = count
    if "homes_area_m2" in values:
        try:
            area = Decimal(str(values["homes_area_m2"] or 0)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise RuleViolation(
                _("Enter the home area in square metres."), field="homes_area_m2"
            ) from None
        if not Decimal(0) <= area < Decimal("1000000"):
            raise RuleViolation(_("Enter the home area in square metres."), field="homes_area_m2")
        household.homes_area_m2 = area
    if "notes" in values:
        household.notes = str(values["notes"] or "").strip()[:2000]
    if "region_code" in values or not household.region_code:
        household.region_code = _region_code(
            values.get("region_code"), household.worker.region_code or household.org.region_code
        )


def _household_state(household: Household) -> dict[str, Any]:
    return {name: getattr(household, name) for name in sorted(HOUSEHOLD_FIELDS)}


@transaction.atomic
def create_household(worker: Worker, *, by: Actor, **facts: Any) -> Household:
    """Open the household (一户) of a worker, with the worker as its first member (本人)."""
    worker = _lock_worker(worker)
    _require(by, rules.REGISTER_ROLES, worker.org)
    if worker.merged_into_id:
        raise RuleViolation(
            _("This record was merged into another; change that one."), code="merged"
        )
    if Household.objects.filter(worker=worker).exists():
        raise RuleViolation(_("This worker already has a household."), field="household")
    household = Household(org=worker.org, worker=worker)
    _apply_household_values(household, facts)
    household.save()
    member = HouseholdMember(household=household, relation=HouseholdMember.Relation.SELF)
    _copy_worker_to_member(worker, member)
    member.save()
    record_event(
        household,
        "household.created",
        by=by,
        changes={
            k: str(v) if isinstance(v, Decimal) else v
            for k, v in _household_state(household).items()
        },
    )
    return household


@transaction.atomic
def update_household(household: Household, *, by: Actor, **facts: Any) -> Household:
    """Record the household's housing, car and other exclusion facts (docs/domain.md "Exclusions")."""
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("org", "worker")
        .get(pk=household.pk)
    )
    _require(by, rules.REGISTER_ROLES, household.org)
    before = _household_state(household)
    _apply_household_values(household, facts)
    household.save()
    changes = _diff(before, _household_state(household))
    if changes:
        record_event(household, "household.updated", by=by, changes=changes)
    return household


def _copy_worker_to_member(worker: Worker, member: HouseholdMember) -> None:
    member.name = worker.name
    member.gender = worker.gender
    member.birth_date = worker.birth_date
    member.id_number_encrypted = worker.id_number_encrypted
    member.id_number_index = worker.id_number_index
    member.id_number_masked = worker.id_number_masked


def _sync_self_member(worker: Worker) -> None:
    """Keep the household's 本人 row in step with the worker's name, ID and birth date."""
    member = HouseholdMember.objects.filter(
        household__worker=worker, relation=HouseholdMember.Relation.SELF
    ).first()
    if member is not None:
        _copy_worker_to_member(worker, member)
        member.save(
            update_fields=[
                "name",
                "gender",
                "birth_date",
                "id_number_encrypted",
                "id_number_index",
                "id_number_masked",
            ]
        )


def _apply_member_values(
    member: HouseholdMember, values: dict[str, Any], household: Household
) -> None:
    unknown = set(values) - MEMBER_FIELDS
    if unknown:
        raise RuleViolation(
            _("%(field)s cannot be changed here.") % {"field": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    is_self = member.relation == HouseholdMember.Relation.SELF
    if "relation" in values and values["relation"] != member.relation:
        if (
            is_self
            or values["relation"] not in HouseholdMember.Relation.values
            or values["relation"] == HouseholdMember.Relation.SELF
        ):
            raise RuleViolation(_("Choose the member's relation to the worker."), field="relation")
        member.relation = values["relation"]
    if is_self and set(values) & {"name", "id_number", "birth_date", "gender"}:
        raise RuleViolation(
            _("The worker's own name, ID number and birth date are changed on the worker."),
            field="name",
        )
    if "name" in values:
        member.name = _text(
            values["name"], "name", 50, required_message=_("Please enter the member's name.")
        )
    parsed = _id_number(values.get("id_number"))
    if parsed is not None:
        index = blind_index(parsed.number, purpose=PURPOSE_ID_NUMBER)
        if household.members.exclude(pk=member.pk).filter(id_number_index=index).exists():
            raise RuleViolation(
                _("This ID number is already a member of this household."), field="id_number"
            )
        _set_id_number(member, parsed)
    if not member.id_number_index:
        if "gender" in values:
            member.gender = _gender(values["gender"])
        if "birth_date" in values:
            member.birth_date = _date(
                values["birth_date"], "birth_date", not_after=timezone.localdate()
            )
    for name, limit in (("health", 100), ("disability", 50)):
        if name in values:
            setattr(member, name, _text(values[name], name, limit))
    if "school_stage" in values:
        stage = str(values["school_stage"] or "")
        if stage not in HouseholdMember.SchoolStage.values:
            raise RuleViolation(_("Choose a school stage."), field="school_stage")
        member.school_stage = stage
    for flag in ("is_able_bodied", "is_employed"):
        if flag in values:
            setattr(member, flag, bool(values[flag]))
    for name in MONEY_FIELDS:
        if name in values:
            setattr(member, name, _fen(values[name], name))
    if not member.name:
        raise RuleViolation(_("Please enter the member's name."), field="name")
    if not member.relation:
        raise RuleViolation(_("Choose the member's relation to the worker."), field="relation")
    # A child's ID number is a child's personal information (PIPL art. 31): only with the
    # guardian's recorded consent.
    if (
        parsed is not None
        and rules.is_child(member.birth_date, timezone.localdate())
        and not has_consent(household.worker, Consent.Scope.CHILD)
    ):
        raise RuleViolation(
            _(
                "Record the guardian's consent for a child's data before entering the child's ID number."
            ),
            field="id_number",
        )


def _member_state(member: HouseholdMember) -> dict[str, Any]:
    state = {name: getattr(member, name) for name in sorted(MEMBER_FIELDS - {"id_number"})}
    state["id_number"] = member.id_number_index  # redacted by record_event
    return state


@transaction.atomic
def add_member(household: Household, *, by: Actor, **values: Any) -> HouseholdMember:
    """Add a family member with the 12-month incomes and costs (in 分) used for the
    per-capita income. Union aid goes into transfer income; festival gifts are left out."""
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("org", "worker")
        .get(pk=household.pk)
    )
    _require(by, rules.REGISTER_ROLES, household.org)
    if values.get("relation") == HouseholdMember.Relation.SELF:
        raise RuleViolation(
            _("The worker is already the household's first member."), field="relation"
        )
    member = HouseholdMember(household=household, relation=values.get("relation") or "")
    _apply_member_values(
        member, {key: value for key, value in values.items() if key != "relation"}, household
    )
    member.save()
    record_event(
        household,
        "household.member_added",
        by=by,
        changes={"member": member.pk, **_diff({}, _member_state(member))},
    )
    return member


@transaction.atomic
def update_member(member: HouseholdMember, *, by: Actor, **values: Any) -> HouseholdMember:
    member = (
        HouseholdMember.objects.select_for_update(of=("self", "household"))
        .select_related("household__org", "household__worker")
        .get(pk=member.pk)
    )
    household = member.household
    _require(by, rules.REGISTER_ROLES, household.org)
    before = _member_state(member)
    _apply_member_values(member, values, household)
    member.save()
    changes = _diff(before, _member_state(member))
    if changes:
        record_event(
            household, "household.member_changed", by=by, changes={"member": member.pk, **changes}
        )
    return member


@transaction.atomic
def remove_member(member: HouseholdMember, *, by: Actor) -> None:
    member = (
        HouseholdMember.objects.select_for_update(of=("self", "household"))
        .select_related("household__org")
        .get(pk=member.pk)
    )
    household = member.household
    _require(by, rules.REGISTER_ROLES, household.org)
    if member.relation == HouseholdMember.Relation.SELF:
        raise RuleViolation(
            _("The worker cannot be removed from their own household."), field="member"
        )
    record_event(
        household,
        "household.member_removed",
        by=by,
        changes={"member": member.pk, "name": member.name, "relation": member.relation},
    )
    member.delete()
