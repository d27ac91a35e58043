"""Funds fixtures: the earmarks (seeded by migration), finance staff at each level, and money
received at the province and passed down to 郑州 and 惠济区."""

import pytest

from nuanjia.funds import services
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

YUAN = 100  # 分 per 元


@pytest.fixture
def warmth(db):
    """送温暖资金 (seeded by migration; recreated if a transactional test flushed it)."""
    return Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]


@pytest.fixture
def hardship_money(db):
    return Earmark.objects.get_or_create(code="hardship", defaults={"name": "困难职工帮扶资金"})[0]


@pytest.fixture
def orgs(tree):
    return {
        code: Org.objects.get(code=code)
        for code in ("410000", "410100", "410108", "410200", "410204")
    }


@pytest.fixture
def funded(orgs, warmth, province_finance, city_finance):
    """省总 received 10,000 元 of 送温暖资金, gave 郑州 6,000 元, 郑州 gave 惠济区 4,000 元."""
    services.receive(orgs["410000"], warmth, 10_000 * YUAN, source="财政", by=province_finance)
    services.allocate(orgs["410000"], orgs["410100"], warmth, 6_000 * YUAN, by=province_finance)
    services.allocate(orgs["410100"], orgs["410108"], warmth, 4_000 * YUAN, by=city_finance)
    return {code: services.account_for(org, warmth) for code, org in orgs.items()}


def received(account, amount: int, *, external: int | None = None, **fields) -> services.Posting:
    """For post_many: `amount` from 财政 into the account's available balance (the outside
    entry is -`external` when given, to unbalance it)."""
    outside = amount if external is None else external
    return services.Posting(
        kind="receive",
        org=account.org,
        earmark=account.earmark,
        amount_fen=amount,
        legs=[
            services.Leg(account, "available", amount),
            services.Leg(None, "external", -outside, "财政"),
        ],
        **fields,
    )


def allocated(giver, taker, amount: int, **fields) -> services.Posting:
    """For post_many: `amount` from the giver's available balance to the taker's (org and
    counterpart from the accounts unless given)."""
    return services.Posting(
        **{
            "kind": "allocate",
            "org": giver.org,
            "earmark": giver.earmark,
            "amount_fen": amount,
            "counterpart_org": taker.org,
            "legs": [
                services.Leg(giver, "available", -amount),
                services.Leg(taker, "available", amount),
            ],
            **fields,
        }
    )
