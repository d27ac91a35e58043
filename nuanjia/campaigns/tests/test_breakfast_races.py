"""PostgreSQL races on breakfasts: a worker's card scanned many times at once at two shops
gives exactly one meal (and one audit event); many workers at once each get theirs."""

from nuanjia.campaigns.partner_models import Meal
from nuanjia.campaigns.services import MealStatus, scan_breakfast
from nuanjia.core.audit import AuditEvent, verify_chain
from nuanjia.core.errors import RuleViolation
from tests.concurrency import postgresql_module, race

from .breakfast_support import LAST4, enrolled_worker, number_of, second_shop

pytestmark = postgresql_module()


def test_many_scans_of_one_worker_at_two_shops_give_one_meal(
    breakfast_activity, breakfast_contract, shop, province_planner
):
    _partner, outlet, person = shop
    _other, other_outlet, other_person = second_shop(breakfast_activity, province_planner)
    worker = enrolled_worker(breakfast_activity)
    desks = [(person, outlet), (other_person, other_outlet)]

    def scan(i):
        who, where = desks[i % 2]
        return scan_breakfast(who, outlet=where.pk, number=number_of(worker), id_last4=LAST4)

    results = race(scan, threads=20)
    assert not [r for r in results if isinstance(r, Exception | RuleViolation)], results
    statuses = sorted(result.status for result in results)
    assert statuses == [MealStatus.ALREADY] * 19 + [MealStatus.RECORDED]
    assert Meal.objects.filter(worker=worker).count() == 1
    assert AuditEvent.objects.filter(action="campaigns.breakfast_recorded").count() == 1
    assert verify_chain() is None


def test_many_workers_at_once_each_get_their_meal(
    breakfast_activity, breakfast_contract, shop, province_planner
):
    _partner, outlet, person = shop
    workers = [enrolled_worker(breakfast_activity) for _ in range(20)]

    def scan(i):
        return scan_breakfast(
            person, outlet=outlet.pk, number=number_of(workers[i]), id_last4=LAST4
        )

    results = race(scan, threads=20)
    assert [getattr(r, "status", r) for r in results] == [MealStatus.RECORDED] * 20
    assert Meal.objects.filter(worker__in=workers).count() == 20
    assert verify_chain() is None
