"""Set-based bulk work: re-assessment after a 低保 change and the annual review due list.

Both run in committed id-range chunks, show their count before running, and can be run again
(or resumed) without changing anything more.
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nuanjia.core.models import AuditEvent
from nuanjia.hardship import rules, services
from nuanjia.hardship.models import BulkRun, HardshipFile, HardshipPolicy
from nuanjia.hardship.rules import Category, ReviewReason, Status
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.standards.models import DibaoStandard
from nuanjia.standards.services import save_regional_amount

from .conftest import DIBAO_FEN, TODAY, build_household

pytestmark = pytest.mark.django_db


def _filed(
    region_code: str,
    income_fen: int,
    *,
    category: str = Category.RELATIVE,
    org_code: str | None = None,
    **snapshot,
) -> HardshipFile:
    """A filed file with a given assessment snapshot, made directly (the bulk work reads only that)."""
    org_code = org_code or region_code
    household = build_household(org_code)
    household.region_code = region_code
    household.save()
    return HardshipFile.objects.create(
        household=household,
        org=household.org,
        region_code=region_code,
        status=Status.FILED,
        per_capita_income_fen=income_fen,
        household_size=2,
        category=category,
        category_proposed=category,
        monthly_standard_fen=50_000,
        filed_on=datetime.date(2025, 6, 1),
        next_review_on=datetime.date(2026, 6, 1),
        **snapshot,
    )


@pytest.fixture
def city_reviewer(make_staff):
    return make_staff("410100", Role.REVIEWER, username="zz_reviewer")


@pytest.fixture
def zhengzhou(tree, standards):
    """郑州 files: 惠济 has its own standard (conftest, 800 元); 金水 and 中牟 use the city's."""
    return {
        "jinshui_deep": _filed("410105", 90_000, category=Category.DEEP),
        "jinshui_relative": _filed("410105", 150_000),
        "jinshui_near": _filed("410105", 185_000),
        "zhongmou": _filed("410122", 100_000),
        "huiji": _filed("410108", 150_000),
        "kaifeng": _filed("410204", 150_000),
        "jinshui_applied": HardshipFile.objects.create(
            household=build_household("410105"),
            org=Org.objects.get(code="410105"),
            region_code="410105",
        ),
    }


def _raise_city_standard(by, amount_fen=100_000):
    return save_regional_amount(
        DibaoStandard, by=by, region_code="410100", effective_on=TODAY, monthly_fen=amount_fen
    )


def test_dry_run_counts_the_filed_families_the_standard_decides(zhengzhou, city_reviewer):
    standard = _raise_city_standard(city_reviewer)
    # 金水 ×3 and 中牟: the city's standard; 惠济 has its own, 开封 is another city,
    # and an application is not re-assessed.
    assert services.count_reassessment(standard) == 4
    assert not BulkRun.objects.exists()


def test_reassessment_proposes_new_categories_and_puts_changed_families_on_the_due_list(
    zhengzhou, city_reviewer
):
    standard = _raise_city_standard(city_reviewer)  # 930 → 1,000 元: relative line 2,000 元
    run = services.run_reassessment(
        services.start_reassessment(standard, by=city_reviewer), chunk_size=2
    )
    assert run.state == BulkRun.State.DONE and run.done == run.total == 4
    files = {key: HardshipFile.objects.get(pk=value.pk) for key, value in zhengzhou.items()}
    assert files["jinshui_deep"].category_proposed == Category.DEEP  # 900 ≤ 1,000
    assert files["zhongmou"].category_proposed == Category.DEEP  # 1,000 ≤ 1,000: now deep
    assert (
        files["zhongmou"].review_reason == ReviewReason.STANDARD
        and files["zhongmou"].next_review_on == TODAY
    )
    assert (
        files["jinshui_relative"].category_proposed == Category.RELATIVE
        and files["jinshui_relative"].review_reason == ""
    )
    assert files["jinshui_relative"].next_review_on == datetime.date(2026, 6, 1)
    assert (
        files["jinshui_near"].is_tiered_help is False and files["jinshui_near"].dibao_fen == 100_000
    )
    # the decided category never changes without a review
    assert files["zhongmou"].category == Category.RELATIVE
    for untouched in ("huiji", "kaifeng", "jinshui_applied"):
        assert files[untouched].dibao_fen is None
    assert AuditEvent.objects.filter(
        action="hardship.bulk.finished", object_id=str(run.pk)
    ).exists()


def test_a_lower_standard_lifts_families_above_the_line_onto_the_review_list(
    zhengzhou, city_reviewer
):
    standard = _raise_city_standard(city_reviewer, amount_fen=70_000)  # relative line 1,400 元
    services.run_reassessment(services.start_reassessment(standard, by=city_reviewer))
    near = HardshipFile.objects.get(pk=zhengzhou["jinshui_near"].pk)
    assert near.category_proposed == Category.NONE and near.review_reason == ReviewReason.STANDARD
    relative = HardshipFile.objects.get(pk=zhengzhou["jinshui_relative"].pk)
    assert relative.category_proposed == Category.NONE
    assert relative.is_tiered_help is True  # 1,500 is in [1,400, 1,680)


def test_reassessment_can_be_run_again_and_changes_nothing_more(zhengzhou, city_reviewer):
    standard = _raise_city_standard(city_reviewer)
    services.run_reassessment(services.start_reassessment(standard, by=city_reviewer))
    first = list(
        HardshipFile.objects.order_by("pk").values(
            "pk",
            "category_proposed",
            "review_reason",
            "next_review_on",
            "is_tiered_help",
            "dibao_fen",
        )
    )
    services.run_reassessment(services.start_reassessment(standard, by=city_reviewer), chunk_size=1)
    second = list(
        HardshipFile.objects.order_by("pk").values(
            "pk",
            "category_proposed",
            "review_reason",
            "next_review_on",
            "is_tiered_help",
            "dibao_fen",
        )
    )
    assert first == second


def test_a_stopped_run_resumes_after_its_last_chunk(zhengzhou, city_reviewer):
    standard = _raise_city_standard(city_reviewer)
    run = services.start_reassessment(standard, by=city_reviewer)
    first_id = min(
        f.pk
        for key, f in zhengzhou.items()
        if key.startswith("jinshui") and key != "jinshui_applied"
    )
    BulkRun.objects.filter(pk=run.pk).update(last_id=first_id)  # as if stopped after the first file
    run.refresh_from_db()
    services.run_reassessment(run)
    assert HardshipFile.objects.get(pk=first_id).dibao_fen is None
    assert HardshipFile.objects.get(pk=zhengzhou["zhongmou"].pk).dibao_fen == 100_000


def test_a_county_with_its_own_policy_is_reassessed_with_that_policy(zhengzhou, city_reviewer):
    HardshipPolicy.objects.create(
        region_code="410122",
        effective_on=datetime.date(2025, 1, 1),
        relative_multiple=Decimal("1.50"),
    )
    standard = _raise_city_standard(city_reviewer, amount_fen=90_000)  # 中牟: 1.5 × 900 = 1,350 元
    zhongmou = _filed("410122", 140_000)
    services.run_reassessment(services.start_reassessment(standard, by=city_reviewer))
    assert HardshipFile.objects.get(pk=zhongmou.pk).category_proposed == Category.NONE
    jinshui = _filed("410105", 140_000)
    services.run_reassessment(services.start_reassessment(standard, by=city_reviewer))
    assert HardshipFile.objects.get(pk=jinshui.pk).category_proposed == Category.RELATIVE


def test_a_county_standard_reassesses_only_that_county(zhengzhou, city_reviewer):
    county = save_regional_amount(
        DibaoStandard,
        by=city_reviewer,
        region_code="410122",
        effective_on=TODAY,
        monthly_fen=120_000,
    )
    assert services.count_reassessment(county) == 1
    services.run_reassessment(services.start_reassessment(county, by=city_reviewer))
    assert HardshipFile.objects.get(pk=zhengzhou["zhongmou"].pk).category_proposed == Category.DEEP


def test_only_reviewers_and_approvers_in_scope_start_bulk_runs(
    zhengzhou, city_reviewer, caseworker, make_staff
):
    from django.core.exceptions import PermissionDenied

    standard = _raise_city_standard(city_reviewer)
    with pytest.raises(PermissionDenied):
        services.start_reassessment(standard, by=caseworker)
    with pytest.raises(PermissionDenied):
        services.start_reassessment(standard, by=make_staff("410200", Role.REVIEWER))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    income=st.integers(-10_000, 300_000),
    dibao=st.integers(50_000, 150_000),
    multiple=st.sampled_from(["1.50", "2.00", "1.75"]),
    on_dibao=st.booleans(),
    special=st.booleans(),
    sudden=st.booleans(),
)
def test_the_sql_case_decides_what_the_python_rule_decides(
    tree, income, dibao, multiple, on_dibao, special, sudden
):
    policy = rules.PolicyValues(relative_multiple=Decimal(multiple))
    group = services.ReassessGroup(regions=Q(region_code="410105"), dibao_fen=dibao, policy=policy)
    hardship_file = _filed(
        "410105", income, is_on_dibao=on_dibao, has_special_costs=special, is_sudden=sudden
    )
    HardshipFile.objects.filter(pk=hardship_file.pk).update(
        **services.reassessment_update(group, due_on=TODAY)
    )
    hardship_file.refresh_from_db()
    expected = rules.propose_category(
        per_capita_income_fen=income,
        dibao_fen=dibao,
        relative_multiple=policy.relative_multiple,
        is_on_dibao=on_dibao,
        has_special_costs=special,
        is_sudden=sudden,
    )
    assert hardship_file.category_proposed == expected
    assert hardship_file.is_tiered_help == rules.is_tiered_help(
        per_capita_income_fen=income, dibao_fen=dibao, policy=policy
    )
    assert (hardship_file.review_reason == ReviewReason.STANDARD) == (expected != Category.RELATIVE)
    hardship_file.delete()


# ---- Annual review due list ---------------------------------------------------------------


def test_review_due_list_marks_the_year_and_draws_at_least_thirty_percent(
    tree, standards, reviewer
):
    huiji = Org.objects.get(code="410108")
    files = [_filed("410108", 100_000) for _ in range(10)]
    later = _filed("410108", 100_000)
    HardshipFile.objects.filter(pk=later.pk).update(next_review_on=datetime.date(2027, 2, 1))
    run = services.start_review_list(huiji, year=2026, seed=7, by=reviewer)
    assert run.total == 10
    services.run_review_list(run, chunk_size=3)
    due = HardshipFile.objects.filter(review_due_year=2026)
    assert due.count() == 10 and due.filter(review_reason=ReviewReason.ANNUAL).count() == 10
    spot = set(due.filter(is_spot_check=True).values_list("pk", flat=True))
    assert len(spot) == 3
    assert spot == rules.select_spot_checks([f.pk for f in files], percent=30, year=2026, seed=7)
    assert HardshipFile.objects.get(pk=later.pk).review_due_year is None
    # run again: the same files, the same draw
    services.run_review_list(services.start_review_list(huiji, year=2026, seed=7, by=reviewer))
    assert set(HardshipFile.objects.filter(is_spot_check=True).values_list("pk", flat=True)) == spot


def test_review_due_list_share_follows_the_policy(tree, standards, reviewer):
    HardshipPolicy.objects.create(
        region_code="410108", effective_on=datetime.date(2025, 1, 1), spot_check_percent=50
    )
    for _ in range(4):
        _filed("410108", 100_000)
    services.run_review_list(
        services.start_review_list(Org.objects.get(code="410108"), year=2026, by=reviewer)
    )
    assert HardshipFile.objects.filter(is_spot_check=True).count() == 2


def test_caseworkers_do_not_run_the_due_list(tree, caseworker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.start_review_list(Org.objects.get(code="410108"), year=2026, by=caseworker)


def test_the_due_list_reaches_the_caseworkers_to_do(tree, standards, caseworker):
    from nuanjia.core.todo import items_for

    _filed("410108", 100_000)
    HardshipFile.objects.update(next_review_on=TODAY + datetime.timedelta(days=10))
    labels = {item.label: item.count for item in items_for(caseworker)}
    assert labels.get("到期复核") == 1
    assert DIBAO_FEN == 80_000
