"""Measuring a household against its region's 低保 standard and policy; one family, one file."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.people.models import Household, HouseholdMember, Worker

from .. import queries, rules
from ..models import HardshipFile


def _per_capita_income_fen(
    members: list[HouseholdMember], *, minimum_wage_fen: int, on: datetime.date
) -> int:
    """The household's per-capita monthly income (docs/domain.md "The income test"), from the people app's rule."""
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


def _record_finances_consent(
    worker: Worker, signed_on: datetime.date, evidence: str, *, by: Actor
) -> None:
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
) -> dict[str, Any]:
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
