"""The ledger services: each move, its refusals at the boundaries, and what a refusal leaves."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.funds import queries, services
from nuanjia.funds.models import (
    Bucket,
    ClosedPeriod,
    Entry,
    FundAccount,
    LedgerImmutable,
    Transaction,
)

from .conftest import YUAN, allocated, received

pytestmark = pytest.mark.django_db


def balances(account):
    account.refresh_from_db()
    return (account.available_fen, account.reserved_fen, account.spent_fen)


def ledger_state():
    return (
        list(
            FundAccount.objects.order_by("pk").values_list(
                "available_fen", "reserved_fen", "spent_fen"
            )
        ),
        Transaction.objects.count(),
        Entry.objects.count(),
    )


def test_receive_puts_money_in_available_from_outside(orgs, warmth, province_finance):
    posted = services.receive(
        orgs["410000"], warmth, 2_560 * YUAN, source="财政", by=province_finance
    )
    account = services.account_for(orgs["410000"], warmth)
    assert balances(account) == (256_000, 0, 0)
    legs = {(entry.bucket, entry.amount_fen, entry.counterparty) for entry in posted.entries.all()}
    assert legs == {("available", 256_000, ""), ("external", -256_000, "财政")}
    assert AuditEvent.objects.filter(action="funds.received", object_id=str(posted.pk)).exists()


def test_allocation_moves_money_to_the_child_and_both_see_it(funded, orgs, finance):
    assert balances(funded["410000"]) == (400_000, 0, 0)
    assert balances(funded["410100"]) == (200_000, 0, 0)
    assert balances(funded["410108"]) == (400_000, 0, 0)
    allocation = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    assert queries.visible_transactions(finance).filter(pk=allocation.pk).exists()


def test_allocation_larger_than_available_is_refused_naming_the_figures(
    funded, orgs, warmth, city_finance
):
    before = ledger_state()
    with pytest.raises(RuleViolation) as refused:
        services.allocate(orgs["410100"], orgs["410108"], warmth, 2_000 * YUAN + 1, by=city_finance)
    assert "2,000.00" in refused.value.message and "2,000.01" in refused.value.message
    assert refused.value.field == "amount"
    assert ledger_state() == before


@pytest.mark.parametrize("amount", [0, -1, -100 * YUAN])
def test_zero_or_negative_amounts_are_refused_and_change_nothing(
    funded, orgs, warmth, city_finance, amount
):
    before = ledger_state()
    with pytest.raises(RuleViolation) as refused:
        services.allocate(orgs["410100"], orgs["410108"], warmth, amount, by=city_finance)
    assert refused.value.field == "amount"
    assert ledger_state() == before


def test_allocation_skipping_a_level_is_refused(funded, orgs, warmth, province_finance):
    with pytest.raises(RuleViolation) as refused:
        services.allocate(orgs["410000"], orgs["410108"], warmth, YUAN, by=province_finance)
    assert refused.value.code == "not_a_child"


def test_only_finance_of_the_giving_org_or_above_may_allocate(
    funded, orgs, warmth, finance, leader, make_staff
):
    with pytest.raises(PermissionDenied):
        services.allocate(
            orgs["410100"], orgs["410108"], warmth, YUAN, by=finance
        )  # 惠济区 finance
    with pytest.raises(PermissionDenied):
        services.allocate(orgs["410100"], orgs["410108"], warmth, YUAN, by=leader)
    kaifeng_finance = make_staff("410200", "finance")
    with pytest.raises(PermissionDenied):
        services.receive(orgs["410100"], warmth, YUAN, source="财政", by=kaifeng_finance)


def test_allocate_many_is_all_or_nothing(funded, orgs, warmth, province_finance):
    from nuanjia.orgs.models import Org

    luoyang = Org.objects.get(code="410300")
    before = ledger_state()
    with pytest.raises(RuleViolation):
        services.allocate_many(
            orgs["410000"],
            warmth,
            [(luoyang, 1_000 * YUAN), (orgs["410200"], 3_001 * YUAN)],
            by=province_finance,
        )
    assert ledger_state() == before
    posted = services.allocate_many(
        orgs["410000"],
        warmth,
        [(luoyang, 1_000 * YUAN), (orgs["410200"], 3_000 * YUAN)],
        by=province_finance,
    )
    assert len(posted) == 2
    assert balances(funded["410000"]) == (0, 0, 0)


def test_allocate_many_refuses_a_child_listed_twice(funded, orgs, warmth, province_finance):
    with pytest.raises(RuleViolation) as refused:
        services.allocate_many(
            orgs["410000"],
            warmth,
            [(orgs["410200"], YUAN), (orgs["410200"], YUAN)],
            by=province_finance,
        )
    assert "410200" in refused.value.message or "开封" in refused.value.message


def test_reserve_spend_and_release_move_between_buckets(funded, approver):
    account = funded["410108"]
    services.reserve(account, 2_500 * YUAN, by=approver, source_type="relief.grant", source_id=1)
    assert balances(account) == (150_000, 250_000, 0)
    services.spend(account, 2_500 * YUAN, by=approver, source_type="relief.grant", source_id=1)
    assert balances(account) == (150_000, 0, 250_000)
    services.reserve(account, 500 * YUAN, by=approver, source_type="relief.grant", source_id=2)
    services.release(account, 500 * YUAN, by=approver, source_type="relief.grant", source_id=2)
    assert balances(account) == (150_000, 0, 250_000)
    assert services.already_spent("relief.grant", 1)
    assert not services.already_spent("relief.grant", 2)


def test_a_source_is_spent_at_most_once(funded, approver):
    account = funded["410108"]
    services.reserve(account, 3_000 * YUAN, by=approver, source_type="relief.grant", source_id=7)
    services.spend(account, 1_000 * YUAN, by=approver, source_type="relief.grant", source_id=7)
    before = ledger_state()
    with pytest.raises(RuleViolation) as refused:
        services.spend(account, 1_000 * YUAN, by=approver, source_type="relief.grant", source_id=7)
    assert refused.value.code == "already_spent"
    assert ledger_state() == before


def test_the_database_refuses_a_second_spend_even_past_the_check(funded, approver, monkeypatch):
    account = funded["410108"]
    services.reserve(account, 3_000 * YUAN, by=approver, source_type="relief.grant", source_id=8)
    services.spend(account, 1_000 * YUAN, by=approver, source_type="relief.grant", source_id=8)
    monkeypatch.setattr(services, "already_spent", lambda *args: False)  # a racing caller
    with pytest.raises(RuleViolation) as refused:
        services.spend(account, 1_000 * YUAN, by=approver, source_type="relief.grant", source_id=8)
    assert refused.value.code == "already_spent"
    assert Transaction.objects.filter(kind="spend", source_id="8").count() == 1


def test_spending_more_than_reserved_is_refused(funded, approver):
    account = funded["410108"]
    services.reserve(account, 100 * YUAN, by=approver, source_type="relief.grant", source_id=3)
    with pytest.raises(RuleViolation) as refused:
        services.spend(account, 101 * YUAN, by=approver, source_type="relief.grant", source_id=3)
    assert refused.value.code == "not_reserved"
    assert "100.00" in refused.value.message and "101.00" in refused.value.message


def test_a_grant_cannot_draw_on_another_grants_reservation(funded, approver):
    account = funded["410108"]
    services.reserve(account, 100 * YUAN, by=approver, source_type="relief.grant", source_id=31)
    before = ledger_state()
    with pytest.raises(RuleViolation) as refused:
        services.release(account, 50 * YUAN, by=approver, source_type="relief.grant", source_id=32)
    assert refused.value.code == "not_reserved"
    with pytest.raises(RuleViolation):
        services.post_many([_spend_posting(account, "32", 50 * YUAN)], by=approver)
    assert ledger_state() == before
    services.post_many([_spend_posting(account, "31", 100 * YUAN)], by=approver)
    assert services.held_for(account, "relief.grant", 31) == 0


def test_postings_for_a_source_need_the_source(funded, approver):
    with pytest.raises(RuleViolation) as refused:
        services.reserve(funded["410108"], YUAN, by=approver, source_type="", source_id="")
    assert refused.value.code == "source_required"


def test_someone_outside_the_subtree_cannot_reserve(funded, outsider):
    with pytest.raises(PermissionDenied):
        services.reserve(
            funded["410108"], YUAN, by=outsider, source_type="relief.grant", source_id=1
        )


def test_return_up_gives_available_money_to_the_parent(funded, orgs, warmth, finance):
    services.return_up(orgs["410108"], warmth, 1_000 * YUAN, by=finance, memo="年末结余上缴")
    assert balances(funded["410108"]) == (300_000, 0, 0)
    assert balances(funded["410100"]) == (300_000, 0, 0)
    with pytest.raises(RuleViolation):
        services.return_up(orgs["410108"], warmth, 3_000 * YUAN + 1, by=finance)


def test_reverse_posts_the_opposite_entries_once(funded, orgs, city_finance):
    allocation = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    reversal = services.reverse(allocation, by=city_finance, reason="金额录错")
    assert reversal.reverses == allocation
    assert balances(funded["410108"]) == (0, 0, 0)
    assert balances(funded["410100"]) == (600_000, 0, 0)
    with pytest.raises(RuleViolation) as refused:
        services.reverse(allocation, by=city_finance, reason="again")
    assert refused.value.code == "already_reversed"
    with pytest.raises(RuleViolation) as refused:
        services.reverse(reversal, by=city_finance, reason="undo")
    assert refused.value.code == "reverse_of_reversal"


def test_reverse_is_refused_when_the_money_has_moved_on(
    funded, orgs, warmth, approver, city_finance
):
    services.reserve(
        funded["410108"], 3_500 * YUAN, by=approver, source_type="relief.grant", source_id=9
    )
    allocation = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    before = ledger_state()
    with pytest.raises(RuleViolation) as refused:
        services.reverse(allocation, by=city_finance, reason="录错")
    assert refused.value.code == "insufficient_funds"
    assert ledger_state() == before


def test_reverse_of_a_grant_posting_is_left_to_the_grant(funded, approver, city_finance):
    reservation = services.reserve(
        funded["410108"], YUAN, by=approver, source_type="relief.grant", source_id=10
    )
    with pytest.raises(RuleViolation) as refused:
        services.reverse(reservation, by=city_finance, reason="x")
    assert refused.value.code == "sourced"
    services.reverse(reservation, by=city_finance, reason="grant cancelled", allow_sourced=True)
    assert balances(funded["410108"]) == (400_000, 0, 0)


def test_reverse_needs_a_reason(funded, orgs, city_finance):
    allocation = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    with pytest.raises(RuleViolation) as refused:
        services.reverse(allocation, by=city_finance, reason=" ")
    assert refused.value.field == "reason"


def test_a_closed_month_refuses_postings_dated_in_it(funded, orgs, warmth, city_finance):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0), tick=False):
        services.close_period(orgs["410100"], 2026, 2, by=city_finance)
        with pytest.raises(RuleViolation) as refused:
            _one_yuan_to_huiji(orgs, warmth, city_finance, datetime.date(2026, 2, 27))
        assert refused.value.code == "period_closed"
        _one_yuan_to_huiji(orgs, warmth, city_finance, datetime.date(2026, 3, 2))
        with pytest.raises(RuleViolation) as refused:
            services.close_period(orgs["410100"], 2026, 3, by=city_finance)
        assert refused.value.code == "period_open"
        with pytest.raises(RuleViolation) as refused:
            services.close_period(orgs["410100"], 2026, 2, by=city_finance)
        assert refused.value.code == "already_closed"
    assert ClosedPeriod.objects.count() == 1


def test_ledger_rows_cannot_be_changed_or_deleted(funded):
    posted = Transaction.objects.first()
    with pytest.raises(LedgerImmutable):
        Transaction.objects.filter(pk=posted.pk).update(amount_fen=1)
    with pytest.raises(LedgerImmutable):
        posted.delete()
    with pytest.raises(LedgerImmutable):
        Entry.objects.all().delete()
    posted.memo = "changed"
    with pytest.raises(LedgerImmutable):
        posted.save()


def test_every_transaction_sums_to_zero_and_balances_match_entries(funded, approver):
    services.reserve(
        funded["410108"], 100 * YUAN, by=approver, source_type="relief.grant", source_id=11
    )
    for posted in Transaction.objects.all():
        assert posted.entries.aggregate(total=Sum("amount_fen"))["total"] == 0
    for account in FundAccount.objects.all():
        for bucket in (Bucket.AVAILABLE, Bucket.RESERVED, Bucket.SPENT):
            total = (
                account.entries.filter(bucket=bucket).aggregate(total=Sum("amount_fen"))["total"]
                or 0
            )
            assert total == account.balance(bucket)


def test_subtree_balances_add_up_the_accounts_below(funded, orgs, warmth, approver):
    services.reserve(
        funded["410108"], 100 * YUAN, by=approver, source_type="relief.grant", source_id=12
    )
    province = queries.subtree_balances(orgs["410000"])[warmth.pk]
    assert (province.available_fen, province.reserved_fen, province.total_fen) == (
        990_000,
        10_000,
        1_000_000,
    )
    city = queries.subtree_balances(orgs["410100"])[warmth.pk]
    assert city.total_fen == 600_000
    children = queries.children_balances(orgs["410000"])
    assert children[(orgs["410100"].pk, warmth.pk)].total_fen == 600_000
    assert children[(orgs["410200"].pk, warmth.pk)].total_fen == 0  # an empty account


def test_the_system_may_post_without_a_person(orgs, warmth):
    posted = services.receive(orgs["410000"], warmth, YUAN, source="本级经费", by=None)
    assert posted.created_by is None


def test_post_many_writes_the_same_ledger_as_the_services(orgs, warmth, province_finance):
    province = services.account_for(orgs["410000"], warmth)
    city = services.account_for(orgs["410100"], warmth)
    postings = [received(province, 1_000), allocated(province, city, 600)]
    assert services.post_many(postings, by=province_finance) == 2
    assert balances(province) == (400, 0, 0)
    assert balances(city) == (600, 0, 0)
    assert Entry.objects.count() == 4
    overdraw = [allocated(province, city, 401)]
    with pytest.raises(RuleViolation):
        services.post_many(overdraw, by=province_finance)
    assert balances(province) == (400, 0, 0)
    # Ids handed out after a bulk insert continue after it.
    later = services.receive(orgs["410000"], warmth, 1, source="财政", by=province_finance)
    assert later.pk > max(Transaction.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def _spend_posting(account, source_id, amount=100):
    return services.Posting(
        kind="spend",
        org=account.org,
        earmark=account.earmark,
        amount_fen=amount,
        source_type="relief.grant",
        source_id=source_id,
        legs=[services.Leg(account, "reserved", -amount), services.Leg(account, "spent", amount)],
    )


def test_post_many_refuses_a_source_paid_twice_in_or_before_the_batch(funded, approver):
    account = funded["410108"]
    services.reserve(account, 1_000, by=approver, source_type="relief.grant", source_id="b1")
    before = ledger_state()
    with pytest.raises(RuleViolation) as refused:
        services.post_many(
            [_spend_posting(account, "b1"), _spend_posting(account, "b1")], by=approver
        )
    assert refused.value.code == "already_spent"
    services.post_many([_spend_posting(account, "b1")], by=approver)
    with pytest.raises(RuleViolation) as refused:
        services.post_many([_spend_posting(account, "b1")], by=approver)
    assert refused.value.code == "already_spent"
    assert ledger_state()[1] == before[1] + 1


def test_post_many_checks_scope_on_every_account_it_moves(funded, orgs, warmth, outsider, finance):
    huiji = funded["410108"]
    kaifeng = funded["410200"]
    sneaky = allocated(kaifeng, huiji, 100, org=orgs["410108"], counterpart_org=orgs["410200"])
    with pytest.raises((PermissionDenied, ValueError)):
        services.post_many([sneaky], by=finance)
    with pytest.raises(PermissionDenied):
        services.post_many([_spend_posting(huiji, "x")], by=outsider)


def test_post_many_refuses_unbalanced_postings_and_closed_months(
    funded, orgs, warmth, city_finance
):
    account = funded["410100"]
    unbalanced = received(account, 100, external=99)
    with pytest.raises(ValueError):
        services.post_many([unbalanced], by=city_finance)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0), tick=False):
        services.close_period(orgs["410100"], 2026, 2, by=city_finance)
        dated = received(account, 100, posted_on=datetime.date(2026, 2, 10))
        with pytest.raises(RuleViolation) as refused:
            services.post_many([dated], by=city_finance)
        assert refused.value.code == "period_closed"


def test_a_business_date_in_the_future_is_refused(funded, orgs, warmth, city_finance):
    with pytest.raises(RuleViolation) as refused:
        _one_yuan_to_huiji(
            orgs, warmth, city_finance, datetime.date.today() + datetime.timedelta(days=40)
        )
    assert refused.value.field == "posted_on"


def _one_yuan_to_huiji(orgs, earmark, city_finance, posted_on: datetime.date):
    """郑州 allocates 1 元 to 惠济区, dated `posted_on`."""
    return services.allocate(
        orgs["410100"], orgs["410108"], earmark, YUAN, by=city_finance, posted_on=posted_on
    )


def test_both_ways_of_finding_a_subtrees_transactions_agree(
    funded, orgs, warmth, approver, finance
):
    services.reserve(
        funded["410108"], 100 * YUAN, by=approver, source_type="relief.grant", source_id=41
    )
    services.return_up(orgs["410108"], warmth, 10 * YUAN, by=finance)
    for code in ("410000", "410100", "410108", "410200"):
        org = orgs[code]
        by_entries = set(
            queries.transactions_behind(queries.subtree_accounts(org)).values_list("pk", flat=True)
        )
        by_orgs = set(queries.transactions_in_subtree(org).values_list("pk", flat=True))
        assert by_entries == by_orgs, code


def test_post_many_refuses_a_leg_on_a_third_org(funded, orgs, warmth, province_finance):
    posting = allocated(funded["410000"], funded["410108"], 100, counterpart_org=orgs["410100"])
    with pytest.raises(ValueError):
        services.post_many([posting], by=province_finance)
