"""Under real concurrency (PostgreSQL, 20 threads): hand-outs and sending down never take more
than a union's stock holds; the stock row lock lets exactly the remaining ones through."""

import datetime

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Activity, Handout, Stock
from nuanjia.core.errors import RuleViolation
from tests.concurrency import postgresql_module, race

from .goods_support import *  # noqa: F403 -- the goods fixtures
from .goods_support import org

pytestmark = postgresql_module()


def test_twenty_hand_outs_of_one_against_a_stock_of_five_give_exactly_five(
    activity, items, ay_caseworker
):
    anyang = org("410500")
    services.receive_donation(anyang, items["hat"], 5, source="爱心企业", by=ay_caseworker)

    def work(i):
        return services.hand_out(
            Activity.objects.get(pk=activity.pk),
            anyang,
            items["hat"],
            1,
            recipient_group=f"快递站{i}",
            people_count=1,
            signed_by_name="站长",
            signed_on=datetime.date(2026, 1, 5),
            by=ay_caseworker,
        )

    results = race(work)
    refused = [result for result in results if isinstance(result, RuleViolation)]
    unexpected = [
        result
        for result in results
        if isinstance(result, Exception) and not isinstance(result, RuleViolation)
    ]
    assert unexpected == []
    assert len(refused) == 15 and all(error.code == "insufficient_stock" for error in refused)
    assert Handout.objects.count() == 5
    stock = Stock.objects.get(org=anyang, item=items["hat"])
    assert (stock.handed_out, stock.remaining) == (5, 0)


def test_sending_down_and_handing_out_at_once_never_overdraw_the_parent(activity, items, planner):
    province, zhengzhou = org("410000"), org("410100")
    services.receive_donation(province, items["hat"], 10, source="省慈善总会", by=planner)

    def work(i):
        if i % 2:
            return services.allocate_stock(province, zhengzhou, items["hat"], 1, by=planner)
        return services.hand_out(
            Activity.objects.get(pk=activity.pk),
            province,
            items["hat"],
            1,
            recipient_group=f"队{i}",
            signed_by_name="队长",
            signed_on=datetime.date(2026, 1, 5),
            by=planner,
        )

    results = race(work)
    assert [
        r for r in results if isinstance(r, Exception) and not isinstance(r, RuleViolation)
    ] == []
    parent = Stock.objects.get(org=province, item=items["hat"])
    child = Stock.objects.get(org=zhengzhou, item=items["hat"])
    assert parent.remaining == 0
    assert parent.allocated_down == child.received
    assert parent.allocated_down + parent.handed_out == 10
