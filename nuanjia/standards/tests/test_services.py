"""Setting a region's 低保 standard or minimum wage: who may, for which regions, audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.core.audit_names import event_name
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.rules import Role
from nuanjia.standards.models import DibaoStandard, MinimumWage
from nuanjia.standards.services import save_regional_amount

TODAY = datetime.date(2026, 3, 2)


def test_city_reviewer_sets_a_standard_of_the_city_and_its_counties(make_staff):
    city_reviewer = make_staff("410100", Role.REVIEWER)
    row = save_regional_amount(
        DibaoStandard,
        by=city_reviewer,
        region_code="410108",
        effective_on=datetime.date(2026, 7, 1),
        monthly_fen=95_000,
        note="郑民〔2026〕1号",
    )
    assert row.region_code == "410108" and row.updated_by == city_reviewer
    assert AuditEvent.objects.filter(
        action="standards.dibaostandard.created", object_id=str(row.pk)
    ).exists()


def test_the_auditor_reads_a_name_for_each_standards_event():
    for model in ("dibaostandard", "minimumwage"):
        for change in ("created", "changed"):
            code = f"standards.{model}.{change}"
            assert event_name(code) != code


def test_a_change_is_audited_with_before_and_after(make_staff):
    city_approver = make_staff("410100", Role.APPROVER)
    row = save_regional_amount(
        MinimumWage, by=city_approver, region_code="410100", effective_on=TODAY, monthly_fen=1
    )
    save_regional_amount(
        MinimumWage,
        by=city_approver,
        region_code="410100",
        effective_on=TODAY,
        monthly_fen=220_000,
        instance=row,
    )
    event = AuditEvent.objects.get(action="standards.minimumwage.changed", object_id=str(row.pk))
    assert event.changes == {"monthly_fen": [1, 220_000]}


def test_standards_are_set_only_by_city_reviewers_within_their_city(
    make_staff, reviewer, caseworker
):
    city_reviewer = make_staff("410100", Role.REVIEWER)
    with pytest.raises(RuleViolation) as refused:
        save_regional_amount(
            DibaoStandard, by=city_reviewer, region_code="410200", effective_on=TODAY, monthly_fen=1
        )
    assert refused.value.field == "region_code"
    for county_staff in (reviewer, caseworker):
        with pytest.raises(PermissionDenied):
            save_regional_amount(
                DibaoStandard,
                by=county_staff,
                region_code="410108",
                effective_on=TODAY,
                monthly_fen=1,
            )
    with pytest.raises(RuleViolation):
        save_regional_amount(
            DibaoStandard, by=city_reviewer, region_code="410100", effective_on=TODAY, monthly_fen=0
        )


def test_one_row_per_region_and_date(make_staff):
    city_reviewer = make_staff("410100", Role.REVIEWER)
    save_regional_amount(
        DibaoStandard, by=city_reviewer, region_code="410108", effective_on=TODAY, monthly_fen=9
    )
    with pytest.raises(RuleViolation) as refused:
        save_regional_amount(
            DibaoStandard, by=city_reviewer, region_code="410108", effective_on=TODAY, monthly_fen=8
        )
    assert refused.value.field == "effective_on"
