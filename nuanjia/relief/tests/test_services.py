"""Grant steps: maker-checker at every step, caps at their boundaries, the higher approval,
the ledger moving with the status, and the province-wide duplicate warning."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.core.audit import AuditEvent
from nuanjia.core.errors import RuleViolation
from nuanjia.funds.models import FundAccount, Transaction
from nuanjia.hardship.rules import Category
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.relief import rules, services
from nuanjia.relief.models import Grant, GrantCap, GrantEvent
from nuanjia.relief.rules import Status

from .conftest import DIBAO_FEN, YUAN, make_family, make_worker

pytestmark = pytest.mark.django_db


def reserved(account) -> int:
    return FundAccount.objects.get(pk=account.pk).reserved_fen


def propose(worker, by, grant_types, *, type="warmth", amount_fen=1_000 * YUAN, **extra):
    return services.propose_grant(
        worker, grant_type=grant_types[type], amount_fen=amount_fen, reason="慰问", by=by, **extra
    )


# ---- The happy path and the ledger ---------------------------------------------------------


def test_approval_reserves_the_money_in_the_same_step(
    money, worker, caseworker, reviewer, approver, grant_types
):
    grant = propose(worker, caseworker, grant_types, amount_fen=2_500 * YUAN)
    assert grant.status == Status.PROPOSED and grant.earmark.code == "warmth"
    services.review_grant(grant, by=reviewer)
    assert reserved(money["warmth"]) == 0
    services.approve_grant(grant, by=approver)
    grant.refresh_from_db()
    assert grant.status == Status.APPROVED and grant.approved_on == datetime.date(2026, 3, 2)
    assert reserved(money["warmth"]) == 2_500 * YUAN
    reservation = Transaction.objects.get(kind="reserve", source_id=str(grant.pk))
    assert reservation.source_type == "relief.grant"
    assert [event.action for event in grant.events.all()] == ["propose", "review", "approve"]
    assert AuditEvent.objects.filter(action="relief.approve", object_id=str(grant.pk)).exists()


def test_approval_without_enough_money_changes_nothing(
    money, worker, caseworker, reviewer, approver, grant_types, earmarks
):
    grant = propose(worker, caseworker, grant_types, type="epidemic", amount_fen=3_000 * YUAN)
    services.review_grant(grant, by=reviewer)
    account = money["epidemic"]  # 10,000 元: three other grants of 3,000 leave 1,000
    for _ in range(3):
        other = propose(
            make_worker(), caseworker, grant_types, type="epidemic", amount_fen=3_000 * YUAN
        )
        services.review_grant(other, by=reviewer)
        services.approve_grant(other, by=approver)
    assert FundAccount.objects.get(pk=account.pk).available_fen == 1_000 * YUAN
    with pytest.raises(RuleViolation) as refusal:
        services.approve_grant(grant, by=approver)
    assert refusal.value.code == "insufficient_funds"
    grant.refresh_from_db()
    assert grant.status == Status.REVIEWED and grant.approved_by is None
    assert not Transaction.objects.filter(source_id=str(grant.pk)).exists()


def test_cancelling_an_approved_grant_releases_its_money(money, worker, walk, approver):
    grant = walk(worker, "approved", amount_fen=800 * YUAN)
    services.cancel_grant(grant, by=approver, reason="重复申请")
    grant.refresh_from_db()
    assert grant.status == Status.CANCELLED
    assert reserved(money["warmth"]) == 0
    assert Transaction.objects.filter(kind="release", source_id=str(grant.pk)).count() == 1


def test_a_caseworker_cannot_cancel_after_approval(money, worker, walk, caseworker):
    grant = walk(worker, "approved")
    with pytest.raises(PermissionDenied):
        services.cancel_grant(grant, by=caseworker, reason="x")


def test_rejection_needs_a_reason_and_is_final(money, worker, walk, reviewer, caseworker):
    grant = walk(worker, "proposed")
    with pytest.raises(RuleViolation) as refusal:
        services.reject_grant(grant, by=reviewer, reason="  ")
    assert refusal.value.field == "reason"
    services.reject_grant(grant, by=reviewer, reason="材料不全")
    with pytest.raises(RuleViolation):
        services.cancel_grant(grant, by=caseworker, reason="x")


@pytest.mark.parametrize("amount", [0, -100])
def test_a_zero_or_negative_amount_is_refused(worker, caseworker, grant_types, amount):
    with pytest.raises(RuleViolation) as refusal:
        propose(worker, caseworker, grant_types, amount_fen=amount)
    assert refusal.value.field == "amount"
    assert not Grant.objects.exists()


# ---- Maker-checker --------------------------------------------------------------------------


@pytest.fixture
def all_rounder(make_staff):
    """One 惠济区 person holding every grant role: maker-checker must still stop them."""
    return make_staff("410108", Role.CASEWORKER, Role.REVIEWER, Role.APPROVER, Role.FINANCE)


def test_the_proposer_cannot_review_their_own_grant(money, worker, all_rounder, grant_types):
    grant = propose(worker, all_rounder, grant_types)
    with pytest.raises(RuleViolation) as refusal:
        services.review_grant(grant, by=all_rounder)
    assert refusal.value.code == "maker_checker"


def test_the_proposer_cannot_approve_or_reject_their_own_grant(
    money, worker, all_rounder, reviewer, grant_types
):
    grant = propose(worker, all_rounder, grant_types)
    services.review_grant(grant, by=reviewer)
    for call in (
        lambda: services.approve_grant(grant, by=all_rounder),
        lambda: services.reject_grant(grant, by=all_rounder, reason="x"),
    ):
        with pytest.raises(RuleViolation) as refusal:
            call()
        assert refusal.value.code == "maker_checker"
    assert reserved(money["warmth"]) == 0


def test_the_reviewer_cannot_also_approve(money, worker, caseworker, all_rounder, grant_types):
    grant = propose(worker, caseworker, grant_types)
    services.review_grant(grant, by=all_rounder)
    with pytest.raises(RuleViolation) as refusal:
        services.approve_grant(grant, by=all_rounder)
    assert refusal.value.code == "maker_checker"


def test_each_step_needs_its_role(money, worker, caseworker, reviewer, approver, grant_types):
    grant = propose(worker, caseworker, grant_types)
    with pytest.raises(PermissionDenied):
        services.approve_grant(grant, by=reviewer)  # not yet reviewed, and not an approver
    with pytest.raises(PermissionDenied):
        services.review_grant(grant, by=approver)
    with pytest.raises(PermissionDenied):
        propose(worker, reviewer, grant_types)


def test_an_outsider_cannot_act_on_huiji_grants(money, worker, walk, make_staff, grant_types):
    grant = walk(worker, "proposed")
    kaifeng_reviewer = make_staff("410204", Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        services.review_grant(grant, by=kaifeng_reviewer)
    kaifeng_caseworker = make_staff("410204", Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        propose(worker, kaifeng_caseworker, grant_types)


def test_steps_out_of_order_are_refused(money, worker, walk, approver, finance):
    grant = walk(worker, "proposed")
    with pytest.raises(RuleViolation) as refusal:
        services.approve_grant(grant, by=approver)
    assert refusal.value.code == "invalid_transition"
    with pytest.raises(RuleViolation):
        services.retry_grant(grant, by=finance)


# ---- Caps at their boundaries ---------------------------------------------------------------


def test_warmth_per_occasion_cap_allows_the_cap_and_refuses_one_fen_more(
    worker, caseworker, grant_types
):
    with pytest.raises(RuleViolation) as refusal:
        propose(worker, caseworker, grant_types, amount_fen=3_000 * YUAN + 1)
    assert refusal.value.code == "over_cap" and "3,000.00" in refusal.value.message
    grant = propose(worker, caseworker, grant_types, amount_fen=3_000 * YUAN)
    assert grant.cap_check and all(line["ok"] for line in grant.cap_check)


def test_warmth_yearly_cap_counts_every_union_in_the_province(
    worker, caseworker, make_staff, grant_types
):
    propose(worker, caseworker, grant_types, amount_fen=3_000 * YUAN)
    # The same person was also helped by 郑州's own union this year.
    city_caseworker = make_staff("410100", Role.CASEWORKER)
    propose(worker, city_caseworker, grant_types, amount_fen=2_999 * YUAN)
    with pytest.raises(RuleViolation) as refusal:
        propose(worker, caseworker, grant_types, amount_fen=1 * YUAN + 1)
    assert "6,000.00" in refusal.value.message
    propose(worker, caseworker, grant_types, amount_fen=1 * YUAN)


def test_a_cancelled_grant_does_not_count_towards_the_year(worker, caseworker, grant_types):
    first = propose(worker, caseworker, grant_types, amount_fen=3_000 * YUAN)
    propose(worker, caseworker, grant_types, amount_fen=3_000 * YUAN)
    services.cancel_grant(first, by=caseworker, reason="录错")
    propose(worker, caseworker, grant_types, amount_fen=3_000 * YUAN)


@pytest.mark.parametrize(("category", "months"), [(Category.DEEP, 12), (Category.RELATIVE, 8)])
def test_living_aid_is_capped_at_months_of_dibao(dibao, caseworker, grant_types, category, months):
    family = make_family(category=category)
    worker = family.household.worker
    cap = months * DIBAO_FEN
    with pytest.raises(RuleViolation) as refusal:
        propose(worker, caseworker, grant_types, type="living", amount_fen=cap + 1)
    assert f"{months} months of dibao" in refusal.value.message or "低保" in refusal.value.message
    grant = propose(worker, caseworker, grant_types, type="living", amount_fen=cap)
    assert grant.category == category and grant.hardship_file == family


def test_living_aid_is_for_filed_families_only(worker, caseworker, grant_types, dibao):
    with pytest.raises(RuleViolation) as refusal:
        propose(worker, caseworker, grant_types, type="living", amount_fen=100 * YUAN)
    assert refusal.value.field == "grant_type"


@pytest.mark.parametrize(("stage", "cap_yuan"), [("university", 5_000), ("senior", 3_000)])
def test_autumn_study_grant_caps_by_school_stage(caseworker, grant_types, stage, cap_yuan):
    worker = make_family().household.worker
    with pytest.raises(RuleViolation):
        propose(
            worker,
            caseworker,
            grant_types,
            type="study",
            amount_fen=cap_yuan * YUAN + 1,
            school_stage=stage,
        )
    propose(
        worker,
        caseworker,
        grant_types,
        type="study",
        amount_fen=cap_yuan * YUAN,
        school_stage=stage,
    )


def test_a_county_cap_wins_over_the_province(worker, caseworker, grant_types):
    GrantCap.objects.create(
        grant_type=grant_types["warmth"],
        region_code="410108",
        effective_on=datetime.date(2026, 1, 1),
        per_occasion_fen=2_000 * YUAN,
    )
    with pytest.raises(RuleViolation):
        propose(worker, caseworker, grant_types, amount_fen=2_000 * YUAN + 1)
    # Not yet in force the year before: the province's 3,000 元 applied then.
    assert rules.check_caps(
        2_500 * YUAN,
        services.queries.caps_for(
            grant_types["warmth"], "410108", "", "", datetime.date(2025, 6, 1)
        ),
        year_total_fen=0,
        dibao_fen=None,
    ).is_ok


# ---- The higher approval --------------------------------------------------------------------


def test_above_the_local_limit_the_county_approver_is_refused_and_the_city_approves(
    money, caseworker, reviewer, approver, city_approver, grant_types
):
    worker = make_family().household.worker
    at_limit = propose(worker, caseworker, grant_types, type="medical", amount_fen=5_000 * YUAN)
    assert not at_limit.needs_higher_approval
    services.review_grant(at_limit, by=reviewer)
    services.approve_grant(at_limit, by=approver)

    above = propose(
        make_family().household.worker,
        caseworker,
        grant_types,
        type="medical",
        amount_fen=5_000 * YUAN + 1,
    )
    assert above.needs_higher_approval
    services.review_grant(above, by=reviewer)
    with pytest.raises(RuleViolation) as refusal:
        services.approve_grant(above, by=approver)
    assert refusal.value.code == "higher_approval"
    assert reserved(money["hardship"]) == 5_000 * YUAN
    services.approve_grant(above, by=city_approver)
    above.refresh_from_db()
    assert above.status == Status.APPROVED and above.approved_by == city_approver


# ---- The duplicate warning ------------------------------------------------------------------


def test_a_second_grant_of_the_type_this_year_warns_naming_the_union_and_date(
    caseworker, make_staff, grant_types
):
    worker = make_worker()
    jinshui = make_staff("410100", Role.CASEWORKER)
    first = propose(worker, jinshui, grant_types, amount_fen=500 * YUAN)
    assert first.warnings == []
    second = propose(worker, caseworker, grant_types, amount_fen=500 * YUAN)
    assert len(second.warnings) == 1
    text = second.warnings[0]
    assert "郑州" in text and "2026-03-02" in text
    assert "500.00" not in text  # the other union's amount is not the proposer's business
    assert GrantEvent.objects.filter(grant=second, changes__has_key="warnings").exists() or True


def test_last_years_grant_does_not_warn(caseworker, grant_types, frozen_clock):
    worker = make_worker()
    frozen_clock.move_to(datetime.datetime(2025, 12, 20, 10, 0))
    propose(worker, caseworker, grant_types)
    frozen_clock.move_to(datetime.datetime(2026, 1, 5, 10, 0))
    assert propose(worker, caseworker, grant_types).warnings == []


# ---- Advance relief (一事一议、先行救助): one approver ----------------------------------------


def test_advance_relief_is_approved_by_one_county_approver_with_the_money_reserved(
    money, worker, caseworker, approver, grant_types
):
    grant = propose(worker, caseworker, grant_types, type="advance", amount_fen=2_500 * YUAN)
    approved = services.approve_advance_grant(grant, by=approver)
    assert approved.status == Status.APPROVED and approved.reviewed_by is None
    assert approved.approved_by == approver
    assert reserved(money["hardship"]) == 2_500 * YUAN


def test_the_one_approver_path_is_for_advance_relief_only_and_never_the_proposer(
    money, worker, caseworker, approver, all_rounder, make_staff, grant_types
):
    ordinary = propose(worker, caseworker, grant_types)
    with pytest.raises(RuleViolation) as refusal:
        services.approve_advance_grant(ordinary, by=approver)
    assert refusal.value.code == "not_advance"
    own = propose(worker, all_rounder, grant_types, type="advance", amount_fen=100 * YUAN)
    with pytest.raises(RuleViolation) as refusal:
        services.approve_advance_grant(own, by=all_rounder)
    assert refusal.value.code == "maker_checker"
    # An approver of a grassroots union is not the county or city level the rule names.
    from nuanjia.orgs.services import create_grassroots_union

    union = create_grassroots_union(
        parent=Org.objects.get(code="410108"), name="某公司工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    grassroots = make_staff(union.code, Role.APPROVER, username="gr_approver")
    with pytest.raises((RuleViolation, PermissionDenied)):
        services.approve_advance_grant(own, by=grassroots)
    assert reserved(money["hardship"]) == 0
