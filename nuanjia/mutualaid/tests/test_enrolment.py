"""Plans as dated data, enrolment, cover from full payment, waiting periods, renewals,
contributions passing up to the pool, refunds."""

import datetime

import pytest

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Entry, Transaction
from nuanjia.mutualaid import services
from nuanjia.mutualaid.rules import EnrolmentStatus, term_end, waiting_end

from .support import START, covered, make_plan, terms


def test_terms_of_unequal_months():
    assert term_end(datetime.date(2027, 1, 31), 1) == datetime.date(2027, 2, 28)
    assert term_end(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert term_end(datetime.date(2028, 1, 29), 1) == datetime.date(2028, 2, 28)
    assert term_end(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 4, 30)
    assert term_end(datetime.date(2026, 1, 1), 12) == datetime.date(2026, 12, 31)
    assert term_end(datetime.date(2027, 2, 28), 12) == datetime.date(2028, 2, 27)
    assert waiting_end(datetime.date(2026, 2, 1), 30) == datetime.date(2026, 3, 2)
    assert waiting_end(datetime.date(2028, 2, 1), 30) == datetime.date(2028, 3, 1)


@pytest.mark.django_db
def test_rules_are_checked_with_the_bad_part_named(planner):
    plan = services.create_plan(
        code="x", name="x", kind="critical", pool_org=planner.org, by=planner
    )
    bad = {"illnesses": {"cancer": "恶性肿瘤"}, "fixed": [{"illness": "flu", "fen": 1}]}
    with pytest.raises(RuleViolation) as refused:
        services.add_version(plan, START, rules=bad, by=planner, **terms())
    assert "flu" in refused.value.message and refused.value.field == "rules"
    with pytest.raises(RuleViolation) as shares:
        services.add_version(plan, START, rules={}, by=planner, **terms(member_share_fen=1))
    assert shares.value.field == "contribution_fen"


@pytest.mark.django_db
def test_the_version_in_force_on_the_day_decides(planner):
    plan = make_plan(planner)
    later = services.add_version(
        plan,
        datetime.date(2027, 1, 1),
        rules={"percent": 80},
        by=planner,
        **terms(contribution_fen=8_000, union_share_fen=5_000),
    )
    assert services.version_on(plan, datetime.date(2026, 12, 31)).valid_from == START
    assert services.version_on(plan, datetime.date(2027, 1, 1)) == later


@pytest.mark.django_db
def test_cover_starts_at_full_payment_not_enrolment(plan, caseworker):
    enrolment = covered(plan, caseworker, paid_on=None)
    assert enrolment.status == EnrolmentStatus.UNPAID and enrolment.cover_starts_on is None
    services.pay(enrolment, 3_000, paid_on=datetime.date(2026, 1, 10), payer="union", by=caseworker)
    enrolment.refresh_from_db()
    assert enrolment.cover_starts_on is None  # half paid: no cover
    services.pay(enrolment, 3_000, paid_on=datetime.date(2026, 2, 1), payer="member", by=caseworker)
    enrolment.refresh_from_db()
    assert enrolment.cover_starts_on == datetime.date(2026, 2, 1)
    assert enrolment.waiting_ends_on == datetime.date(2026, 5, 1)  # 90 days from 1 February
    with pytest.raises(RuleViolation):
        services.pay(enrolment, 1, paid_on=datetime.date(2026, 2, 2), by=caseworker)


@pytest.mark.django_db
def test_contributions_pass_up_to_the_pool_in_the_same_posting(plan, caseworker):
    enrolment = covered(plan, caseworker)
    posting = Transaction.objects.get(
        source_type="mutualaid.contribution", source_id=str(enrolment.pk)
    )
    assert posting.org.code == "410108" and posting.counterpart_org.code == "410100"
    assert services.pool_account(plan).available_fen == 6_000
    union_entries = Entry.objects.filter(transaction=posting, account__org__code="410108")
    assert sorted(union_entries.values_list("amount_fen", flat=True)) == [-6_000, 6_000]
    assert first_discrepancy() is None
    assert AuditEvent.objects.filter(action="mutualaid.contribution").count() == 1


@pytest.mark.django_db
def test_a_renewal_paid_within_the_grace_is_continuous(plan, caseworker):
    old = covered(plan, caseworker)
    with clock.as_of(datetime.date(2027, 1, 20)):
        [new] = services.renew(plan, old.org, ending_by=datetime.date(2026, 12, 31), by=caseworker)
        assert new.starts_on == datetime.date(2027, 1, 1)
        new = services.pay(
            new, new.contribution_fen, paid_on=datetime.date(2027, 1, 20), by=caseworker
        )
    assert new.is_continuous and new.waiting_ends_on is None
    assert new.cover_starts_on == datetime.date(2027, 1, 20)
    late = covered(plan, caseworker)
    with clock.as_of(datetime.date(2027, 2, 5)):
        [again] = services.renew(
            plan, late.org, ending_by=datetime.date(2026, 12, 31), by=caseworker
        )
        again = services.pay(
            again, again.contribution_fen, paid_on=datetime.date(2027, 1, 30), by=caseworker
        )
        assert again.is_continuous  # 30 days of grace after 31 December: 30 January is the last
        third = covered(plan, caseworker)
        [gap] = services.renew(
            plan, third.org, ending_by=datetime.date(2026, 12, 31), by=caseworker
        )
        gap = services.pay(
            gap, gap.contribution_fen, paid_on=datetime.date(2027, 1, 31), by=caseworker
        )
    assert not gap.is_continuous and gap.waiting_ends_on == datetime.date(2027, 4, 30)


@pytest.mark.django_db
def test_refund_on_cancellation_within_the_rules(plan, caseworker):
    early = covered(
        plan, caseworker, paid_on=datetime.date(2026, 11, 1), starts_on=datetime.date(2026, 11, 1)
    )
    early = services.cancel(early, on=datetime.date(2026, 11, 20), reason="离职", by=caseworker)
    assert early.refund_fen == 6_000 and services.pool_account(plan).available_fen == 0
    late = covered(plan, caseworker)
    late = services.cancel(late, on=datetime.date(2026, 11, 20), reason="离职", by=caseworker)
    assert late.refund_fen == 0 and late.status == EnrolmentStatus.CANCELLED
    assert first_discrepancy() is None


@pytest.mark.django_db
def test_enrolment_refusals(plan, caseworker, outsider):
    enrolment = covered(plan, caseworker)
    with pytest.raises(RuleViolation) as twice:
        services.enrol(
            plan,
            enrolment.worker,
            org=enrolment.org,
            starts_on=datetime.date(2026, 6, 1),
            by=caseworker,
        )
    assert twice.value.code == "already_enrolled"
    with pytest.raises(RuleViolation):
        services.enrol(
            plan,
            enrolment.worker,
            org=enrolment.org,
            starts_on=datetime.date(2027, 1, 1),
            by=outsider,
        )
