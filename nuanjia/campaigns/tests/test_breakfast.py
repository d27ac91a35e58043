"""Free breakfasts: one meal per worker per day (Asia/Shanghai) at any partner shop, by card
scan or on a paper list; the name masked unless the worker consented for the shop; the fast
scan writes exactly the rows the ordinary service path writes."""

import datetime

import pytest
from django.utils import timezone

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Enrolment
from nuanjia.campaigns.partner_models import Meal, MealList
from nuanjia.campaigns.rules import MealSource
from nuanjia.campaigns.services import MealStatus, PaperRow
from nuanjia.campaigns.services.contracts import end_contract
from nuanjia.core.audit import AuditEvent, verify_chain
from nuanjia.core.errors import RuleViolation
from nuanjia.members.cards import card_text
from nuanjia.members.models import CardScan, Member
from nuanjia.members.services import PRIVACY_NOTICE_VERSION
from nuanjia.members.services.partners import give_partner_consent

from .breakfast_support import LAST4, enrolled_worker, local, number_of, said, second_shop

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 3)


def _scan(person, outlet, worker, at=None, **card):
    if not card:
        card = {"number": number_of(worker), "id_last4": LAST4}
    return services.scan_breakfast(
        person, outlet=outlet.pk, at=at or local(2026, 12, 3, 7, 30), **card
    )


def test_one_breakfast_a_day_across_two_shops(
    breakfast_activity, breakfast_contract, shop, province_planner
):
    partner, outlet, person = shop
    _other, other_outlet, other_person = second_shop(breakfast_activity, province_planner)
    worker = enrolled_worker(breakfast_activity, name="张环卫")

    first = _scan(person, outlet, worker)
    assert first.ok and first.status == MealStatus.RECORDED
    assert first.name == "张**" and first.day == DAY

    second = _scan(other_person, other_outlet, worker, at=local(2026, 12, 3, 8, 5))
    assert not second.ok and second.status == MealStatus.ALREADY
    assert second.message == said(
        "Already had breakfast today (at %(time)s, %(outlet)s).", time="07:30", outlet="金水路店"
    )
    assert Meal.objects.filter(worker=worker).count() == 1

    next_day = _scan(other_person, other_outlet, worker, at=local(2026, 12, 4, 6, 50))
    assert next_day.ok
    meals = Meal.objects.filter(worker=worker).order_by("day")
    assert [(m.day, m.partner_id, m.source) for m in meals] == [
        (DAY, partner.pk, MealSource.SCAN),
        (datetime.date(2026, 12, 4), _other.pk, MealSource.SCAN),
    ]
    assert meals[0].org_id == worker.union_id and meals[0].recorded_by == person
    assert meals[0].outlet == outlet
    # Every scan is on the shops' scan lists, the refused one too.
    assert (
        list(CardScan.objects.filter(worker=worker).values_list("use", "status"))
        == [("breakfast", "valid")] * 3
    )


def test_the_day_is_counted_in_shanghai_whatever_the_servers_zone(
    breakfast_activity, breakfast_contract, shop, settings
):
    settings.TIME_ZONE = "UTC"
    _partner, outlet, person = shop
    worker = enrolled_worker(breakfast_activity)
    late = _scan(person, outlet, worker, at=local(2026, 12, 3, 23, 59))
    early = _scan(person, outlet, worker, at=local(2026, 12, 4, 0, 1))
    assert late.ok and early.ok
    assert sorted(Meal.objects.filter(worker=worker).values_list("day", flat=True)) == [
        DAY,
        datetime.date(2026, 12, 4),
    ]
    # 16:30 UTC is 00:30 the next day in Shanghai: the same day as the 00:01 meal.
    again = _scan(
        person, outlet, worker, at=datetime.datetime(2026, 12, 3, 16, 30, tzinfo=datetime.UTC)
    )
    assert again.status == MealStatus.ALREADY


def test_a_real_card_scan_today(breakfast_activity, breakfast_contract, shop):
    _partner, outlet, person = shop
    worker = enrolled_worker(breakfast_activity)
    result = services.scan_breakfast(person, outlet=outlet.pk, code=card_text(worker.pk))
    assert result.ok and result.day == services.meal_day()
    stale = services.scan_breakfast(
        person, outlet=outlet.pk, code=card_text(worker.pk, timezone.now().timestamp() - 600)
    )
    assert (stale.status, stale.message) == (
        "expired",
        said("The code is too old: ask for the card again"),
    )


def test_refusals_say_why(breakfast_activity, breakfast_contract, shop, province_planner):
    _partner, outlet, person = shop
    stranger = enrolled_worker(breakfast_activity)
    Enrolment.objects.filter(worker=stranger).delete()
    refused = _scan(person, outlet, stranger)
    assert (refused.status, refused.message) == (
        MealStatus.NOT_ENROLLED,
        said("Not on a free breakfast list."),
    )
    worker = enrolled_worker(breakfast_activity)
    wrong = _scan(person, outlet, worker, number=number_of(worker), id_last4="9999")
    assert (wrong.status, wrong.message) == ("invalid", said("Not a valid card"))
    end_contract(breakfast_contract, by=province_planner, reason="停业")
    closed = _scan(person, outlet, worker)
    assert closed.status == MealStatus.NO_CONTRACT
    assert closed.message == said(
        "%(partner)s serves none of this worker's breakfast activities on %(day)s.",
        partner="郑州爱心早餐店",
        day="2026-12-03",
    )
    assert not Meal.objects.exists()


def test_the_name_shows_only_with_the_workers_consent(breakfast_activity, breakfast_contract, shop):
    partner, outlet, person = shop
    worker = enrolled_worker(breakfast_activity, name="李清扫")
    assert _scan(person, outlet, worker).name == "李**"
    member = Member(worker=worker, bound_at=timezone.now(), bound_via=Member.BoundVia.PHONE,
                    consent_version=PRIVACY_NOTICE_VERSION, consent_at=timezone.now())  # fmt: skip
    member.phone = "13911112222"
    member.save()
    give_partner_consent(member, partner)
    shown = _scan(person, outlet, worker, at=local(2026, 12, 3, 9, 0))
    assert shown.status == MealStatus.ALREADY and shown.name == "李清扫"


def _meal_row(meal):
    return {
        "activity": meal.activity_id, "day": meal.day, "partner": meal.partner_id,
        "outlet": meal.outlet_id, "org": meal.org_id, "source": meal.source,
        "recorded_by": meal.recorded_by_id, "meal_list": meal.meal_list_id,
        "settlement": meal.settlement_id,
    }  # fmt: skip


def _event_row(event, worker):
    changes = dict(event.changes)
    assert changes.pop("worker") == worker.pk
    return {
        "action": event.action, "actor_id": event.actor_id, "actor_label": event.actor_label,
        "org_id": event.org_id, "org_path": event.org_path, "object_type": event.object_type,
        "object_label": event.object_label.removeprefix(f"{worker.pk} "), "changes": changes,
        "success": event.success,
    }  # fmt: skip


def test_the_fast_scan_writes_the_rows_the_service_path_writes(
    breakfast_activity, breakfast_contract, shop
):
    _partner, outlet, person = shop
    fast, slow = enrolled_worker(breakfast_activity), enrolled_worker(breakfast_activity)
    moment = local(2026, 12, 3, 7, 30)
    before = AuditEvent.objects.count()
    _scan(person, outlet, fast, at=moment)
    services.record_meal(person, worker_id=slow.pk, day=DAY, at=moment, outlet=outlet,
                         source=MealSource.SCAN)  # fmt: skip
    fast_meal, slow_meal = Meal.objects.get(worker=fast), Meal.objects.get(worker=slow)
    assert _meal_row(fast_meal) == _meal_row(slow_meal)
    assert fast_meal.recorded_at == slow_meal.recorded_at == moment
    events = list(AuditEvent.objects.filter(action="campaigns.breakfast_recorded").order_by("id"))
    assert AuditEvent.objects.count() == before + 2 and len(events) == 2
    assert [e.object_id for e in events] == [str(fast_meal.pk), str(slow_meal.pk)]
    assert _event_row(events[0], fast) == _event_row(events[1], slow)
    assert events[0].actor_label == person.actor_label
    assert verify_chain() is None
    # A refused meal writes no meal and no event on either path.
    assert _scan(person, outlet, fast, at=moment).status == MealStatus.ALREADY
    with pytest.raises(RuleViolation) as refused:
        services.record_meal(person, worker_id=slow.pk, day=DAY, at=moment, outlet=outlet)
    assert refused.value.code == MealStatus.ALREADY
    assert AuditEvent.objects.filter(action="campaigns.breakfast_recorded").count() == 2


def test_a_paper_list_after_a_scan_refuses_the_second_meal_and_records_the_rest(
    breakfast_activity, breakfast_contract, shop, province_planner
):
    _partner, outlet, person = shop
    _other, other_outlet, other_person = second_shop(breakfast_activity, province_planner)
    scanned, paper, late = (enrolled_worker(breakfast_activity) for _ in range(3))
    _scan(other_person, other_outlet, scanned)
    today = services.meal_day()
    rows = [
        PaperRow(3, number_of(scanned), LAST4, DAY, datetime.time(7, 10)),
        PaperRow(4, number_of(paper), LAST4, DAY, datetime.time(7, 15)),
        PaperRow(5, number_of(paper), LAST4, DAY),  # twice on the same list
        PaperRow(6, number_of(late), LAST4, today + datetime.timedelta(days=1)),
        PaperRow(7, number_of(late), LAST4, datetime.date(2025, 12, 31)),  # before the contract
        PaperRow(8, number_of(late), "0000", DAY),
    ]
    meal_list = services.record_meal_list(person, outlet=outlet.pk, rows=rows, file_name="")
    assert (meal_list.rows, meal_list.recorded, meal_list.refused) == (6, 1, 5)
    reasons = {refusal["row"]: refusal["reason"] for refusal in meal_list.refusals}
    already = "Already had breakfast on %(day)s (at %(time)s, %(outlet)s)."
    assert reasons[3] == said(already, day="2026-12-03", time="07:30", outlet="中州路店")
    assert reasons[5] == said(already, day="2026-12-03", time="07:15", outlet="金水路店")
    assert reasons[6] == said("The date is in the future.")
    assert reasons[7] == said(
        "%(partner)s serves none of this worker's breakfast activities on %(day)s.",
        partner="郑州爱心早餐店",
        day="2025-12-31",
    )
    assert reasons[8] == said("The member number and the last 4 of the ID do not match a member.")
    meal = Meal.objects.get(worker=paper)
    assert (meal.source, meal.meal_list, meal.outlet) == (MealSource.PAPER, meal_list, outlet)
    assert meal.recorded_at == local(2026, 12, 3, 7, 15)
    assert Meal.objects.filter(worker=scanned).get().source == MealSource.SCAN
    assert MealList.objects.count() == 1


def test_daily_counts_per_shop_and_city_add_up_to_their_rows(
    breakfast_activity, breakfast_contract, shop, province_planner
):
    from nuanjia.campaigns import queries_breakfast

    partner, outlet, person = shop
    _other, other_outlet, other_person = second_shop(breakfast_activity, province_planner)
    zhengzhou = [enrolled_worker(breakfast_activity, "410108") for _ in range(3)]
    kaifeng = enrolled_worker(breakfast_activity, "410204")
    for worker in zhengzhou[:2]:
        _scan(person, outlet, worker)
    _scan(other_person, other_outlet, zhengzhou[2])
    _scan(other_person, other_outlet, kaifeng)
    shops = queries_breakfast.counts_per_shop(province_planner, breakfast_activity, DAY, DAY)
    assert [(row.label, row.count) for row in shops] == [("洛阳早餐铺", 2), ("郑州爱心早餐店", 2)]
    cities = queries_breakfast.counts_per_city(province_planner, breakfast_activity, DAY, DAY)
    assert [(row.key, row.count) for row in cities] == [("410100", 3), ("410200", 1)]
    for row in cities:
        rows = queries_breakfast.meal_rows(
            province_planner, breakfast_activity, day=DAY, city=row.key
        )
        assert rows.count() == row.count
    for row in shops:
        rows = queries_breakfast.meal_rows(
            province_planner, breakfast_activity, day=DAY, partner=row.key
        )
        assert rows.count() == row.count
    own = queries_breakfast.shop_counts(partner, DAY, DAY)
    assert [(row.label, row.count) for row in own] == [("金水路店", 2)]
