"""PostgreSQL races on gift bags: points collecting one paid bag at once move the stock and
spend the subsidy once; members ordering the last bags at once never order more than the stock."""

from django.utils import timezone

from nuanjia.core.errors import RuleViolation
from nuanjia.funds.models import Transaction
from nuanjia.members.models import Member
from nuanjia.produce import services
from nuanjia.produce.models import BagOrder, BagStockMove
from tests.concurrency import postgresql_module, race

from .conftest import make_worker, warmth, zhengzhou

pytestmark = postgresql_module()


def _bag(producer, point, by, stock: int):
    bag = services.create_bag(
        zhengzhou(), producer, warmth(), name="礼包", grams=2500, member_price_fen=100,
        subsidy_fen=1150, points=[point[0]], by=by,
    )  # fmt: skip
    return services.add_bag_stock(bag, stock, by=by)


def _member(n: int) -> Member:
    return Member.objects.create(
        phone_encrypted="x", phone_index=f"race-{n}", phone_last4_index="y",
        phone_masked="139****0000", consent_version="1", consent_at=timezone.now(),
        worker=make_worker("410108"),
    )  # fmt: skip


def test_collecting_one_bag_at_once_counts_once(producer, point, zz_caseworker, zz_finance):
    bag = _bag(producer, point, zz_caseworker, 5)
    order = services.member_order_bag(_member(0), bag, point[0])
    services.record_point_payment(order, user=point[1], method="cash")

    def collect(_i):
        return services.collect_bag(BagOrder.objects.get(pk=order.pk), user=point[1])

    results = race(collect, threads=8)
    done = [r for r in results if isinstance(r, BagOrder)]
    assert len(done) == 1, results
    assert all(isinstance(r, (BagOrder, RuleViolation)) for r in results), results
    bag.refresh_from_db()
    assert bag.stock == 4 and BagStockMove.objects.filter(order=order).count() == 1
    spends = Transaction.objects.filter(kind="spend", source_type="produce.bag_order")
    assert spends.count() == 1


def test_members_ordering_the_last_bags_never_order_more_than_the_stock(
    producer, point, zz_caseworker
):
    bag = _bag(producer, point, zz_caseworker, 3)
    members = [_member(n) for n in range(10)]

    def order(i):
        return services.member_order_bag(members[i], bag, point[0])

    results = race(order, threads=10)
    ordered = [r for r in results if isinstance(r, BagOrder)]
    assert len(ordered) == 3, results
    assert all(isinstance(r, (BagOrder, RuleViolation)) for r in results), results
