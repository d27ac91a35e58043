"""Under real concurrency (PostgreSQL, 20 threads): one payment per source, no overdraft.

SQLite serializes every write transaction (IMMEDIATE), so these races only exist on
PostgreSQL; the tests are skipped elsewhere.
"""

from nuanjia.core.errors import RuleViolation
from nuanjia.funds import services
from nuanjia.funds.models import FundAccount, Transaction
from tests.concurrency import THREADS, postgresql_module, race

from .conftest import YUAN

pytestmark = postgresql_module()


def test_twenty_threads_paying_the_same_grant_make_one_payment(funded):
    account = funded["410108"]
    services.reserve(account, 2_500 * YUAN, by=None, source_type="relief.grant", source_id="77")

    results = race(
        lambda i: services.spend(
            FundAccount.objects.get(pk=account.pk),
            2_500 * YUAN,
            by=None,
            source_type="relief.grant",
            source_id="77",
        )
    )

    paid = [result for result in results if isinstance(result, Transaction)]
    refused = [result for result in results if isinstance(result, RuleViolation)]
    assert len(paid) == 1
    assert len(refused) == THREADS - 1
    assert {error.code for error in refused} == {"already_spent"}
    assert (
        Transaction.objects.filter(kind="spend", source_type="relief.grant", source_id="77").count()
        == 1
    )
    account.refresh_from_db()
    assert (account.reserved_fen, account.spent_fen) == (0, 250_000)
    assert account.entries.filter(bucket="spent").count() == 1


def test_twenty_allocations_that_together_overdraw_never_go_negative(
    funded, orgs, warmth, city_finance
):
    source = funded["410100"]  # 郑州 has 2,000 元 available
    results = race(
        lambda i: services.allocate(
            orgs["410100"], orgs["410108"], warmth, 150 * YUAN, by=city_finance, memo=f"thread {i}"
        )
    )

    allocated = [result for result in results if isinstance(result, Transaction)]
    refused = [result for result in results if isinstance(result, RuleViolation)]
    assert len(allocated) == 13  # 13 × 150 = 1,950 ≤ 2,000 < 14 × 150
    assert len(refused) == THREADS - 13
    assert {error.code for error in refused} == {"insufficient_funds"}
    source.refresh_from_db()
    assert source.available_fen == 2_000 * YUAN - 13 * 150 * YUAN >= 0
    target = funded["410108"]
    target.refresh_from_db()
    assert target.available_fen == 4_000 * YUAN + 13 * 150 * YUAN
