"""settle_many: many reservations paid out or given back at once write the ledger that spend
and release would write one by one — the same transactions, entries and balances — and one
audit event that accounts for exactly those transactions."""

import pytest

from nuanjia.core.audit import AuditEvent, verify_chain
from nuanjia.core.errors import RuleViolation
from nuanjia.funds import services
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import FundAccount, Transaction
from nuanjia.orgs.rules import Role

from .conftest import YUAN

pytestmark = pytest.mark.django_db
SOURCE = "test.payable"
# (source id, amount, paid?) — two paid, two failed, in the order a bank file settles them.
OUTCOMES = [
    ("1", 300 * YUAN, True),
    ("2", 450 * YUAN, False),
    ("3", 120 * YUAN, True),
    ("4", 80 * YUAN, False),
]


@pytest.fixture
def county_finance(make_staff):
    return make_staff("410108", Role.FINANCE, username="hj_settler")


@pytest.fixture
def two_accounts(orgs, warmth, hardship_money, province_finance):
    """惠济区 holds 2,000 元 in each of two earmarks, with the same four reservations in each
    (sources a1…a4 and b1…b4: a source is paid once in the whole ledger)."""
    accounts = []
    for prefix, earmark in (("a", warmth), ("b", hardship_money)):
        services.receive(orgs["410108"], earmark, 2_000 * YUAN, source="财政", by=province_finance)
        account = services.account_for(orgs["410108"], earmark)
        for source_id, amount, _paid in OUTCOMES:
            services.reserve(
                account, amount, by=None, source_type=SOURCE, source_id=prefix + source_id
            )
        accounts.append(account)
    return accounts


def written(account: FundAccount, after_id: int) -> list:
    transactions = Transaction.objects.filter(pk__gt=after_id, earmark=account.earmark)
    return [
        [
            t.kind,
            t.org_id,
            t.counterpart_org_id,
            t.amount_fen,
            t.memo,
            t.source_type,
            t.source_id[1:],  # the account's prefix off: a1 and b1 are the same payable
            t.posted_on,
            t.created_by_id,
            t.reverses_id,
            sorted(
                (e.account_id == account.pk, e.bucket, e.counterparty, e.amount_fen)
                for e in t.entries.all()
            ),
        ]
        for t in transactions.order_by("pk")
    ]


def balances(account: FundAccount) -> tuple[int, int, int]:
    account.refresh_from_db()
    return account.available_fen, account.reserved_fen, account.spent_fen


def test_settle_many_writes_what_spend_and_release_write_one_by_one(two_accounts, county_finance):
    one_by_one, at_once = two_accounts
    start = Transaction.objects.order_by("-pk").values_list("pk", flat=True).first()
    first_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    for source_id, amount, paid in OUTCOMES:
        post = services.spend if paid else services.release
        post(
            one_by_one,
            amount,
            by=county_finance,
            source_type=SOURCE,
            source_id="a" + source_id,
            memo=f"PB1-{source_id}",
        )
    middle = Transaction.objects.order_by("-pk").values_list("pk", flat=True).first()
    count = services.settle_many(
        [
            services.Settlement(
                at_once, amount, SOURCE, "b" + source_id, paid, memo=f"PB1-{source_id}"
            )
            for source_id, amount, paid in OUTCOMES
        ],
        by=county_finance,
        memo="PB1",
    )
    assert count == len(OUTCOMES)
    assert written(at_once, middle) == written(one_by_one, start)
    assert balances(at_once) == balances(one_by_one) == (1_580 * YUAN, 0, 420 * YUAN)

    singles = list(
        AuditEvent.objects.filter(pk__gt=first_audit, action__startswith="funds.")
        .exclude(action="funds.posted_many")
        .order_by("pk")
    )
    [batch] = AuditEvent.objects.filter(pk__gt=first_audit, action="funds.posted_many")
    assert [event.action for event in singles] == [
        "funds.spent",
        "funds.released",
        "funds.spent",
        "funds.released",
    ]
    settled = Transaction.objects.filter(pk__gt=middle).order_by("pk")
    assert batch.changes["count"] == len(singles) == settled.count()
    assert batch.changes["total_fen"] == sum(e.changes["amount_fen"] for e in singles)
    assert batch.changes["kinds"] == sorted({e.changes["kind"] for e in singles})
    assert (batch.changes["first_id"], batch.changes["last_id"]) == (
        settled.first().pk,
        settled.last().pk,
    )
    assert first_discrepancy() is None and verify_chain() is None


def test_settle_many_pays_a_source_once_and_only_from_its_own_reservation(
    two_accounts, county_finance
):
    account = two_accounts[0]
    services.settle_many(
        [services.Settlement(account, 300 * YUAN, SOURCE, "a1", True)], by=county_finance
    )
    before = balances(account)
    with pytest.raises(RuleViolation) as again:
        services.settle_many(
            [services.Settlement(account, 300 * YUAN, SOURCE, "a1", True)], by=county_finance
        )
    assert again.value.code == "already_spent"
    with pytest.raises(RuleViolation) as too_much:
        services.settle_many(
            [services.Settlement(account, 500 * YUAN, SOURCE, "a2", False)], by=county_finance
        )
    assert too_much.value.code == "not_reserved"
    assert balances(account) == before
