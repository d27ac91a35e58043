"""Every step of a hardship file: what it records, who may take it, and maker-checker."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.hardship import services
from nuanjia.hardship.models import FileEvent, HardshipFile, HardshipPolicy, Objection
from nuanjia.hardship.rules import Category, ExitReason, ReviewReason, Status
from nuanjia.hardship.workflow import FLOW
from nuanjia.orgs.rules import Role
from nuanjia.people.models import HouseholdMember

from .conftest import DIBAO_FEN, TODAY, build_household

pytestmark = pytest.mark.django_db


def _events(hardship_file):
    return list(
        FileEvent.objects.filter(file=hardship_file).values_list(
            "action", "from_status", "to_status"
        )
    )


def _audits(hardship_file):
    return list(
        AuditEvent.objects.filter(
            object_type="hardship.hardshipfile", object_id=str(hardship_file.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


# ---- Opening ------------------------------------------------------------------------------


def test_caseworker_opens_a_file_with_one_history_row_and_one_audit_event(household, caseworker):
    hardship_file = services.open_file(household, by=caseworker, note="申请困难帮扶")
    assert hardship_file.status == Status.APPLIED
    assert hardship_file.org == household.org and hardship_file.region_code == "410108"
    assert _events(hardship_file) == [("apply", "", "applied")]
    assert _audits(hardship_file) == ["hardship.apply"]


def test_union_may_open_a_file_without_an_application(household, caseworker):
    hardship_file = services.open_file(
        household, by=caseworker, is_union_initiated=True, note="收入微薄，申请建档"
    )
    assert hardship_file.is_union_initiated


def test_reviewer_cannot_open_a_file(household, reviewer):
    with pytest.raises(PermissionDenied):
        services.open_file(household, by=reviewer, note="收入微薄，申请建档")


def test_outsider_cannot_open_a_file_for_a_huiji_household(household, outsider):
    with pytest.raises(PermissionDenied):
        services.open_file(household, by=outsider, note="收入微薄，申请建档")
    assert not HardshipFile.objects.exists()


def test_a_household_has_one_live_file(new_file, household, caseworker):
    with pytest.raises(RuleViolation) as refused:
        services.open_file(household, by=caseworker, note="收入微薄，申请建档")
    assert refused.value.code == "duplicate_file"
    assert HardshipFile.objects.count() == 1


def test_the_database_refuses_a_second_live_file_for_a_household(new_file, household):
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipFile.objects.create(household=household, org=household.org, region_code="410108")


def test_the_same_family_registered_in_another_city_cannot_get_a_second_file(
    new_file, household, make_staff
):
    """One file per family in the whole province: a member's ID number found in a 开封 household."""
    member = household.members.first()
    member.id_number_index = "shared-id-index"
    member.save()
    kaifeng = build_household("410204", id_index="shared-id-index")
    kaifeng_caseworker = make_staff("410204", Role.CASEWORKER)
    with pytest.raises(RuleViolation) as refused:
        services.open_file(kaifeng, by=kaifeng_caseworker, note="收入微薄，申请建档")
    assert (
        new_file.number in refused.value.message and "郑州市惠济区总工会" in refused.value.message
    )
    assert "全省一户只建一档" in refused.value.message


def test_a_rejected_application_frees_the_household_for_a_new_one(
    new_file, household, caseworker, reviewer
):
    services.reject_file(new_file, by=reviewer, note="不符合条件")
    second = services.open_file(household, by=caseworker, note="收入微薄，申请建档")
    assert second.pk != new_file.pk and second.status == Status.APPLIED


def test_an_exited_family_re_enters_its_own_file_instead_of_opening_another(
    household, caseworker, walk, new_file
):
    exited = walk(new_file, Status.EXITED)
    with pytest.raises(RuleViolation) as refused:
        services.open_file(household, by=caseworker, note="收入微薄，申请建档")
    assert "重新纳入" in refused.value.message and exited.number in refused.value.message


# ---- Check and visit ----------------------------------------------------------------------


def test_caseworker_confirms_the_check(new_file, caseworker):
    checked = services.check_file(new_file, by=caseworker, note="单位证明属实")
    assert checked.status == Status.CHECKED and checked.check_note == "单位证明属实"


@pytest.mark.parametrize("persona", ["reviewer", "approver", "leader"])
def test_only_a_caseworker_confirms_the_check(new_file, persona, request):
    with pytest.raises(PermissionDenied):
        services.check_file(new_file, by=request.getfixturevalue(persona))
    new_file.refresh_from_db()
    assert new_file.status == Status.APPLIED and _events(new_file) == [("apply", "", "applied")]


def test_outsider_cannot_take_any_step_on_a_huiji_file(new_file, make_staff):
    kaifeng_all = make_staff("410204", Role.CASEWORKER, Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        services.check_file(new_file, by=kaifeng_all)


def test_a_step_out_of_order_is_refused_and_changes_nothing(new_file, reviewer):
    with pytest.raises(RuleViolation) as refused:
        services.review_file(new_file, by=reviewer, civil_affairs_note="无")
    assert refused.value.code == "invalid_transition"
    assert "已申请" in refused.value.message and "审核" in refused.value.message


def test_home_visit_assesses_the_income_and_proposes_a_category(new_file, caseworker):
    checked = services.check_file(new_file, by=caseworker)
    visited = services.record_visit(
        checked, by=caseworker, consent_signed_on=TODAY, consent_evidence="授权书-7"
    )
    assert visited.status == Status.VISITED
    assert visited.per_capita_income_fen == 50_000 and visited.household_size == 2
    assert visited.dibao_fen == DIBAO_FEN
    assert visited.category_proposed == Category.DEEP
    assert visited.proposed_by == caseworker
    assert visited.consent_evidence == "授权书-7"
    assert (
        FileEvent.objects.get(file=visited, action="visit").changes["category_proposed"] == "deep"
    )


def test_home_visit_needs_the_signed_consent(new_file, caseworker):
    checked = services.check_file(new_file, by=caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.record_visit(checked, by=caseworker, consent_signed_on=None, consent_evidence="")
    assert refused.value.field == "consent_signed_on" and "授权书" in refused.value.message
    with pytest.raises(RuleViolation) as refused:
        services.record_visit(checked, by=caseworker, consent_signed_on=TODAY, consent_evidence=" ")
    assert refused.value.field == "consent_evidence"


def test_home_visit_cannot_be_dated_in_the_future(new_file, caseworker):
    checked = services.check_file(new_file, by=caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.record_visit(
            checked,
            by=caseworker,
            consent_signed_on=TODAY,
            consent_evidence="x",
            visited_on=TODAY + datetime.timedelta(days=1),
        )
    assert refused.value.field == "visited_on"


def test_sudden_hardship_counts_the_compensation_as_income(tree, standards, caseworker):
    # 1,700 元 a person a month is above 2 × 800: not in hardship without the sudden cause…
    household = build_household(monthly_per_capita_yuan=1500, size=2)
    hardship_file = services.check_file(
        services.open_file(household, by=caseworker, note="收入微薄，申请建档"), by=caseworker
    )
    visited = services.record_visit(
        hardship_file,
        by=caseworker,
        consent_signed_on=TODAY,
        consent_evidence="x",
        sudden_cause="车祸致重伤",
        sudden_compensation_fen=2_400_000,
    )
    # …1,500 + 24,000 ÷ 2 ÷ 12 = 2,500 元: above the relative line even with the cause
    assert visited.per_capita_income_fen == 250_000 and visited.category_proposed == Category.NONE
    low = build_household(monthly_per_capita_yuan=900, size=2)
    second = services.check_file(
        services.open_file(low, by=caseworker, note="收入微薄，申请建档"), by=caseworker
    )
    visited = services.record_visit(
        second,
        by=caseworker,
        consent_signed_on=TODAY,
        consent_evidence="x",
        sudden_cause="火灾",
        sudden_compensation_fen=120_000,
    )
    assert (
        visited.per_capita_income_fen == 95_000
        and visited.category_proposed == Category.SUDDEN
        and visited.is_sudden
    )


def test_a_visit_without_a_dibao_standard_for_the_region_is_refused_clearly(
    tree, caseworker, make_staff
):
    household = build_household("410204")  # 开封 has demo standards; a made-up region has none
    household.region_code = "419999"
    household.save()
    kaifeng = make_staff("410204", Role.CASEWORKER)
    hardship_file = services.check_file(
        services.open_file(household, by=kaifeng, note="收入微薄，申请建档"), by=kaifeng
    )
    with pytest.raises(RuleViolation) as refused:
        services.record_visit(
            hardship_file, by=kaifeng, consent_signed_on=TODAY, consent_evidence="x"
        )
    assert "419999" in refused.value.message and "低保标准" in refused.value.message


# ---- Review, publicity, approval, filing --------------------------------------------------


@pytest.fixture
def visited(new_file, walk):
    return walk(new_file, Status.VISITED)


def test_reviewer_reviews_with_the_civil_affairs_check_and_decides_the_standard(visited, reviewer):
    reviewed = services.review_file(
        visited, by=reviewer, civil_affairs_note="民政核对：无低保，无房产"
    )
    assert reviewed.status == Status.REVIEWED
    assert reviewed.category == Category.DEEP and reviewed.monthly_standard_fen == DIBAO_FEN
    assert reviewed.reviewed_by == reviewer


def test_review_needs_the_civil_affairs_check(visited, reviewer):
    with pytest.raises(RuleViolation) as refused:
        services.review_file(visited, by=reviewer, civil_affairs_note="")
    assert refused.value.field == "civil_affairs_note"


def test_whoever_proposed_cannot_review(new_file, make_staff, walk):
    both = make_staff("410108", Role.CASEWORKER, Role.REVIEWER)
    checked = walk(new_file, Status.CHECKED)
    visited = services.record_visit(checked, by=both, consent_signed_on=TODAY, consent_evidence="x")
    with pytest.raises(RuleViolation) as refused:
        services.review_file(visited, by=both, civil_affairs_note="无")
    assert refused.value.code == "maker_checker" and "其他审核人" in refused.value.message


def test_an_excluded_family_cannot_be_reviewed_through(tree, standards, caseworker, reviewer, walk):
    household = build_household(owns_car=True)
    visited = walk(
        services.open_file(household, by=caseworker, note="收入微薄，申请建档"), Status.VISITED
    )
    assert visited.category_proposed == Category.DEEP
    assert [item["code"] for item in visited.exclusions] == ["car"]
    with pytest.raises(RuleViolation) as refused:
        services.review_file(visited, by=reviewer, civil_affairs_note="无")
    assert "汽车" in refused.value.message and refused.value.code == "excluded"
    rejected = services.reject_file(visited, by=reviewer, note="拥有汽车")
    assert rejected.status == Status.REJECTED


def test_a_family_above_the_lines_is_rejected_not_reviewed(
    tree, standards, caseworker, reviewer, walk
):
    visited = walk(
        services.open_file(
            build_household(monthly_per_capita_yuan=1600), by=caseworker, note="收入微薄，申请建档"
        ),
        Status.VISITED,
    )
    assert visited.category_proposed == Category.NONE
    with pytest.raises(RuleViolation):
        services.review_file(visited, by=reviewer, civil_affairs_note="无")


def test_reviewer_may_decide_another_category_with_a_reason(visited, reviewer):
    with pytest.raises(RuleViolation) as refused:
        services.review_file(
            visited, by=reviewer, civil_affairs_note="无", category=Category.RELATIVE
        )
    assert refused.value.field == "note"
    reviewed = services.review_file(
        visited,
        by=reviewer,
        civil_affairs_note="无",
        category=Category.RELATIVE,
        note="有稳定赡养费",
    )
    assert (
        reviewed.category == Category.RELATIVE
        and reviewed.monthly_standard_fen == DIBAO_FEN * 8 // 12
    )


def test_publicity_lasts_seven_days_by_default(visited, reviewer):
    reviewed = services.review_file(visited, by=reviewer, civil_affairs_note="无")
    published = services.start_publicity(reviewed, by=reviewer)
    assert (
        published.publicity_starts_on == TODAY
        and published.publicity_ends_on == TODAY + datetime.timedelta(days=6)
    )


def test_publicity_days_come_from_the_regional_policy(visited, reviewer):
    HardshipPolicy.objects.create(
        region_code="410100", effective_on=datetime.date(2025, 1, 1), publicity_days=5
    )
    published = services.start_publicity(
        services.review_file(visited, by=reviewer, civil_affairs_note="无"), by=reviewer
    )
    assert published.publicity_ends_on == TODAY + datetime.timedelta(days=4)


@pytest.fixture
def in_publicity(new_file, walk):
    return walk(new_file, Status.IN_PUBLICITY)


def test_no_approval_before_publicity_ends(in_publicity, approver, frozen_clock):
    frozen_clock.move_to(
        datetime.datetime(2026, 3, 8, 23, 0, tzinfo=datetime.UTC) - datetime.timedelta(hours=8)
    )  # last day, 23:00 Shanghai
    with pytest.raises(RuleViolation) as refused:
        services.approve_file(in_publicity, by=approver)
    assert refused.value.code == "publicity_running" and "2026-03-08" in refused.value.message
    frozen_clock.move_to(datetime.datetime(2026, 3, 9, 1, 0, tzinfo=datetime.UTC))
    approved = services.approve_file(in_publicity, by=approver)
    assert approved.status == Status.APPROVED and approved.approved_by == approver


def test_neither_proposer_nor_reviewer_may_approve(
    new_file, walk, make_staff, reviewer, frozen_clock
):
    proposer = make_staff("410108", Role.CASEWORKER, Role.APPROVER)
    checked = walk(new_file, Status.CHECKED)
    visited = services.record_visit(
        checked, by=proposer, consent_signed_on=TODAY, consent_evidence="x"
    )
    published = services.start_publicity(
        services.review_file(visited, by=reviewer, civil_affairs_note="无"), by=reviewer
    )
    frozen_clock.shift(datetime.timedelta(days=8))
    with pytest.raises(RuleViolation) as refused:
        services.approve_file(published, by=proposer)
    assert refused.value.code == "maker_checker"

    reviewer_approver = make_staff("410108", Role.REVIEWER, Role.APPROVER)
    other = build_household()
    second = walk(
        services.open_file(other, by=new_file.created_by, note="收入微薄，申请建档"), Status.VISITED
    )
    second = services.start_publicity(
        services.review_file(second, by=reviewer_approver, civil_affairs_note="无"),
        by=reviewer_approver,
    )
    frozen_clock.shift(datetime.timedelta(days=8))
    with pytest.raises(RuleViolation) as refused:
        services.approve_file(second, by=reviewer_approver)
    assert "您审核" in refused.value.message


def test_an_open_objection_blocks_approval_until_dismissed(
    in_publicity, caseworker, reviewer, approver, frozen_clock
):
    objection = services.record_objection(
        in_publicity, by=caseworker, content="其子经营网店", source="匿名来电"
    )
    assert _events(in_publicity)[-1] == ("objection", "publicity", "publicity")
    frozen_clock.shift(datetime.timedelta(days=8))
    with pytest.raises(RuleViolation) as refused:
        services.approve_file(in_publicity, by=approver)
    assert refused.value.code == "objections"
    services.resolve_objection(
        objection, by=reviewer, is_upheld=False, resolution="经核实网店已注销"
    )
    assert services.approve_file(in_publicity, by=approver).status == Status.APPROVED


def test_an_upheld_objection_sends_the_file_back_for_a_new_visit(
    in_publicity, caseworker, reviewer, approver, frozen_clock
):
    objection = services.record_objection(in_publicity, by=caseworker, content="家中有两辆汽车")
    services.resolve_objection(objection, by=reviewer, is_upheld=True, resolution="属实")
    frozen_clock.shift(datetime.timedelta(days=8))
    with pytest.raises(RuleViolation):
        services.approve_file(in_publicity, by=approver)
    back = services.send_back_file(in_publicity, by=reviewer, note="异议成立，重新调查")
    assert (
        back.status == Status.CHECKED
        and back.reviewed_by is None
        and back.publicity_ends_on is None
    )
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.UPHELD


def test_objections_only_during_publicity_and_resolved_once(
    new_file, in_publicity, caseworker, reviewer
):
    objection = services.record_objection(in_publicity, by=caseworker, content="x")
    with pytest.raises(RuleViolation):
        services.record_objection(
            in_publicity, by=caseworker, content="y", received_on=TODAY - datetime.timedelta(days=1)
        )
    services.resolve_objection(objection, by=reviewer, is_upheld=False, resolution="查无此事")
    with pytest.raises(RuleViolation):
        services.resolve_objection(objection, by=reviewer, is_upheld=True, resolution="again")
    with pytest.raises(PermissionDenied):
        services.resolve_objection(
            services.record_objection(in_publicity, by=caseworker, content="z"),
            by=caseworker,
            is_upheld=True,
            resolution="x",
        )


def test_filing_sets_the_next_review_a_year_on(new_file, walk):
    filed = walk(new_file, Status.FILED)
    assert filed.filed_on == datetime.date(2026, 3, 9)
    assert filed.next_review_on == datetime.date(2027, 3, 9)
    assert [event[0] for event in _events(filed)] == [
        "apply",
        "check",
        "visit",
        "review",
        "publish",
        "approve",
        "file",
    ]
    assert _audits(filed) == [
        "hardship." + action
        for action in ["apply", "check", "visit", "review", "publish", "approve", "file"]
    ]


# ---- Reviews and pending changes ----------------------------------------------------------


@pytest.fixture
def filed(new_file, walk):
    return walk(new_file, Status.FILED)


def test_annual_review_is_completed_by_another_reviewer(filed, caseworker, reviewer, make_staff):
    started = services.start_review(filed, by=caseworker, reason=ReviewReason.ANNUAL)
    assert started.status == Status.UNDER_REVIEW and started.review_started_by == caseworker
    completed = services.complete_review(started, by=reviewer)
    assert completed.status == Status.FILED and completed.next_review_on == datetime.date(
        2027, 3, 9
    )
    both = make_staff("410108", Role.CASEWORKER, Role.REVIEWER)
    again = services.start_review(completed, by=both)
    with pytest.raises(RuleViolation) as refused:
        services.complete_review(again, by=both)
    assert refused.value.code == "maker_checker"


def test_a_change_waits_for_review_before_it_takes_effect(filed, caseworker, reviewer):
    member = filed.household.members.get(relation=HouseholdMember.Relation.SELF)
    assert member.wage_income_fen == 1_200_000 and filed.category == Category.DEEP
    change = {
        "members": {str(member.pk): {"wage_income_fen": 2_400_000}}
    }  # 1,000 元 a person a month
    pending = services.propose_change(filed, change, by=caseworker, note="找到工作")
    assert pending.status == Status.UNDER_REVIEW and pending.review_reason == ReviewReason.CHANGE
    member.refresh_from_db()
    assert member.wage_income_fen == 1_200_000  # unchanged until reviewed
    assert pending.per_capita_income_fen == 50_000
    completed = services.complete_review(pending, by=reviewer)
    member.refresh_from_db()
    assert member.wage_income_fen == 2_400_000
    assert completed.pending_change is None and completed.per_capita_income_fen == 100_000
    assert (
        completed.category == Category.RELATIVE
        and completed.monthly_standard_fen == DIBAO_FEN * 8 // 12
    )
    review_event = FileEvent.objects.filter(file=completed, action="complete_review").get()
    assert review_event.changes["applied_change"] == change


def test_whoever_proposed_a_change_cannot_approve_it(filed, make_staff):
    both = make_staff("410108", Role.CASEWORKER, Role.REVIEWER)
    member = filed.household.members.first()
    pending = services.propose_change(
        filed, {"members": {str(member.pk): {"other_income_fen": 100}}}, by=both
    )
    with pytest.raises(RuleViolation) as refused:
        services.complete_review(pending, by=both)
    assert refused.value.code == "maker_checker"


def test_a_change_that_lifts_the_family_above_the_line_must_end_in_an_exit(
    filed, caseworker, reviewer, approver
):
    member = filed.household.members.get(relation=HouseholdMember.Relation.SELF)
    pending = services.propose_change(
        filed, {"members": {str(member.pk): {"wage_income_fen": 5_000_000}}}, by=caseworker
    )
    with pytest.raises(RuleViolation) as refused:
        services.complete_review(pending, by=reviewer)
    assert refused.value.code == "above_line"
    member.refresh_from_db()
    assert member.wage_income_fen == 1_200_000  # nothing applied: the refusal rolled back
    exited = services.exit_file(
        pending,
        by=approver,
        reason=ExitReason.INCOME,
        gradual_exit_months=3,
        gradual_exit_monthly_fen=40_000,
    )
    assert exited.status == Status.GRADUAL_EXIT and exited.pending_change is None


def test_changes_are_validated_before_they_are_stored(filed, caseworker):
    member = filed.household.members.first()
    for change, field in [
        ({}, "change"),
        ({"members": {"999999": {"wage_income_fen": 1}}}, "members"),
        ({"members": {str(member.pk): {"wage_income_fen": -1}}}, "wage_income_fen"),
        ({"members": {str(member.pk): {"id_number_index": "x"}}}, "id_number_index"),
        (
            {
                "remove": [
                    member.pk,
                    *filed.household.members.exclude(pk=member.pk).values_list("pk", flat=True),
                ]
            },
            "remove",
        ),
        ({"household": {"homes_area_m2": "abc"}}, "homes_area_m2"),
    ]:
        with pytest.raises(RuleViolation) as refused:
            services.propose_change(filed, change, by=caseworker)
        assert refused.value.field == field
    filed.refresh_from_db()
    assert filed.status == Status.FILED and filed.pending_change is None


def test_members_can_be_added_and_removed_through_review(filed, caseworker, reviewer):
    child = filed.household.members.get(relation=HouseholdMember.Relation.CHILD)
    change = {
        "add": [
            {
                "name": "李四",
                "relation": "spouse",
                "birth_date": "1982-02-02",
                "wage_income_fen": 0,
                "is_able_bodied": False,
            }
        ],
        "remove": [child.pk],
    }
    completed = services.complete_review(
        services.propose_change(filed, change, by=caseworker), by=reviewer
    )
    names = set(completed.household.members.values_list("name", flat=True))
    assert "李四" in names and child.name not in names
    assert completed.household_size == 2


# ---- Exit and gradual exit ----------------------------------------------------------------


@pytest.mark.parametrize(("months", "ok"), [(0, False), (1, True), (6, True), (7, False)])
def test_gradual_exit_months_are_one_to_six(filed, approver, months, ok):
    """0 months with an amount is refused too: no months means no gradual exit."""

    def call():
        return services.exit_file(
            filed,
            by=approver,
            reason=ExitReason.INCOME,
            gradual_exit_months=months,
            gradual_exit_monthly_fen=10_000,
        )

    if ok:
        assert call().gradual_exit_months == months
    else:
        with pytest.raises(RuleViolation):
            call()


@pytest.mark.parametrize(
    ("amount", "ok"), [(48_000, True), (48_001, False)]
)  # 60% of 800.00 元 = 480.00
def test_gradual_exit_amount_is_at_most_sixty_percent_of_the_pre_exit_standard(
    filed, approver, amount, ok
):
    assert filed.monthly_standard_fen == 80_000
    if ok:
        exited = services.exit_file(
            filed,
            by=approver,
            reason=ExitReason.INCOME,
            gradual_exit_months=6,
            gradual_exit_monthly_fen=amount,
        )
        assert exited.gradual_exit_ends_on == datetime.date(2026, 9, 8)
    else:
        with pytest.raises(RuleViolation) as refused:
            services.exit_file(
                filed,
                by=approver,
                reason=ExitReason.INCOME,
                gradual_exit_months=6,
                gradual_exit_monthly_fen=amount,
            )
        assert (
            refused.value.field == "gradual_exit_monthly_fen" and "480.00" in refused.value.message
        )


def test_gradual_exit_limits_follow_the_regional_policy(filed, approver):
    HardshipPolicy.objects.create(
        region_code="410108",
        effective_on=datetime.date(2025, 1, 1),
        gradual_exit_max_months=3,
        gradual_exit_max_percent=50,
    )
    with pytest.raises(RuleViolation):
        services.exit_file(
            filed,
            by=approver,
            reason=ExitReason.INCOME,
            gradual_exit_months=4,
            gradual_exit_monthly_fen=10_000,
        )
    with pytest.raises(RuleViolation):
        services.exit_file(
            filed,
            by=approver,
            reason=ExitReason.INCOME,
            gradual_exit_months=3,
            gradual_exit_monthly_fen=40_001,
        )
    assert (
        services.exit_file(
            filed,
            by=approver,
            reason=ExitReason.INCOME,
            gradual_exit_months=3,
            gradual_exit_monthly_fen=40_000,
        ).status
        == Status.GRADUAL_EXIT
    )


def test_gradual_exit_is_only_for_an_income_exit(filed, approver):
    with pytest.raises(RuleViolation):
        services.exit_file(
            filed,
            by=approver,
            reason=ExitReason.MOVED,
            gradual_exit_months=2,
            gradual_exit_monthly_fen=1_000,
        )
    exited = services.exit_file(filed, by=approver, reason=ExitReason.MOVED)
    assert exited.status == Status.EXITED and exited.exited_on == datetime.date(2026, 3, 9)


def test_only_an_approver_decides_an_exit(filed, caseworker, reviewer):
    for persona in (caseworker, reviewer):
        with pytest.raises(PermissionDenied):
            services.exit_file(filed, by=persona, reason=ExitReason.INCOME)


def test_gradual_exit_ends_after_its_last_day_by_hand_or_by_the_monthly_run(
    filed, approver, caseworker, frozen_clock
):
    phasing = services.exit_file(
        filed,
        by=approver,
        reason=ExitReason.INCOME,
        gradual_exit_months=1,
        gradual_exit_monthly_fen=10_000,
    )
    assert phasing.gradual_exit_ends_on == datetime.date(2026, 4, 8)
    with pytest.raises(RuleViolation):
        services.end_gradual_exit(phasing, by=caseworker)
    assert services.end_due_gradual_exits() == 0
    frozen_clock.move_to(datetime.datetime(2026, 4, 9, 2, 0, tzinfo=datetime.UTC))
    assert services.end_due_gradual_exits() == 1
    phasing.refresh_from_db()
    assert phasing.status == Status.EXITED
    assert FileEvent.objects.filter(file=phasing, action="end_gradual_exit", by=None).exists()


def test_exited_family_re_enters_with_its_history_kept(filed, approver, caseworker, walk):
    exited = services.exit_file(filed, by=approver, reason=ExitReason.INCOME)
    back = services.re_enter_file(exited, by=caseworker, note="再次失业")
    assert (
        back.status == Status.APPLIED
        and back.category == ""
        and back.filed_on is None
        and back.proposed_by is None
    )
    assert FileEvent.objects.filter(file=back).count() == 9
    assert (
        FileEvent.objects.get(file=back, action="re_enter").changes["previous"]["category"]
        == "deep"
    )
    assert walk(back, Status.FILED).status == Status.FILED


# ---- Withdraw and reject ------------------------------------------------------------------


def test_family_withdraws_with_a_reason(new_file, caseworker):
    with pytest.raises(RuleViolation):
        services.withdraw_file(new_file, by=caseworker, note="")
    assert (
        services.withdraw_file(new_file, by=caseworker, note="家庭情况好转").status
        == Status.WITHDRAWN
    )


def test_rejection_needs_a_reason_and_is_final(new_file, reviewer, caseworker):
    rejected = services.reject_file(new_file, by=reviewer, note="收入超标")
    with pytest.raises(RuleViolation):
        services.check_file(rejected, by=caseworker)


# ---- The file follows the worker -----------------------------------------------------------


def test_accepting_a_worker_transfer_moves_the_open_file_and_its_workflow(
    new_file, walk, caseworker, outsider, make_staff
):
    from nuanjia.people import services as people_services

    walk(new_file, Status.VISITED)
    worker = new_file.household.worker
    transfer = people_services.request_transfer(worker, by=outsider, reason="举家迁至开封")
    people_services.accept_transfer(transfer, by=caseworker, note="同意转出")
    new_file.refresh_from_db()
    assert new_file.org == outsider.org and new_file.status == Status.VISITED
    assert _events(new_file)[-1] == ("transferred", Status.VISITED, Status.VISITED)
    assert "hardship.transferred" in _audits(new_file)
    # 开封's reviewer now carries the file on; 惠济区's caseworker no longer sees it.
    kaifeng_reviewer = make_staff("410204", Role.REVIEWER, username="kf_reviewer")
    assert FLOW.may_take(kaifeng_reviewer, "review", new_file)
    assert not FLOW.may_take(caseworker, "check", new_file)


# ---- Retention -----------------------------------------------------------------------------


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 4, 0, tzinfo=datetime.UTC)


def test_notes_are_erased_ten_years_after_exit_and_the_figures_stay(filed, approver, frozen_clock):
    exited = services.exit_file(filed, by=approver, reason=ExitReason.INCOME, note="已稳定就业")
    category, standard = exited.category, exited.monthly_standard_fen
    assert exited.exit_note and exited.application_note
    # On the day ten years on nothing goes; the day after, the notes do.
    ten_years_on = exited.exited_on.replace(year=exited.exited_on.year + 10)
    frozen_clock.move_to(_noon(ten_years_on))
    assert services.purge_expired_files() == 0
    frozen_clock.move_to(_noon(ten_years_on + datetime.timedelta(days=1)))
    assert services.purge_expired_files() == 1
    exited.refresh_from_db()
    assert exited.purged_on == ten_years_on + datetime.timedelta(days=1)
    assert (exited.visit_note, exited.application_note, exited.exit_note) == ("", "", "")
    assert (exited.category, exited.monthly_standard_fen) == (category, standard)
    history = FileEvent.objects.filter(file=exited)
    assert not history.exclude(note="").exists()
    assert history.order_by("-pk").first().action == "purged"
    assert services.purge_expired_files() == 0  # done once


def test_a_region_keeping_files_longer_keeps_them(filed, approver, frozen_clock):
    HardshipPolicy.objects.create(
        region_code="410100", effective_on=datetime.date(2020, 1, 1), retention_years=15
    )
    exited = services.exit_file(filed, by=approver, reason=ExitReason.INCOME)
    frozen_clock.move_to(_noon(exited.exited_on.replace(year=exited.exited_on.year + 11)))
    assert services.purge_expired_files() == 0
    frozen_clock.move_to(_noon(exited.exited_on.replace(year=exited.exited_on.year + 16)))
    assert services.purge_expired_files() == 1


def test_files_that_are_still_open_are_never_erased(filed, frozen_clock):
    frozen_clock.move_to(datetime.datetime(2050, 1, 1, 12, 0, tzinfo=datetime.UTC))
    assert services.purge_expired_files() == 0
