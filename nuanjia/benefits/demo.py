"""The demo's member benefits, built through the services by 郑州's caseworker: a car wash
with 五元洗车 (2 a calendar month), a cinema with 五元观影 (1 a week), the bus company's
一分乘公交 (2 a day) recorded from last month's usage file, a restaurant's dining coupons; a
few scans today, last month's statements prepared, one confirmed by the merchant — so the
figures, the flags queue and the member's page have something to show."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from nuanjia.core import clock
from nuanjia.funds.models import Earmark
from nuanjia.members.cards import card_text
from nuanjia.members.models import Partner
from nuanjia.members.services import partners
from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.queries import within
from nuanjia.people.membership import member_number
from nuanjia.people.models import Worker

from .models import MerchantTerms
from .services import coupons, offers, redemptions, statements
from .services.periods import ZONE
from .services.usage import UsageRow, record_usage_file

ACCOUNT = "6222020200118877001"
MERCHANTS = (
    ("郑州洁亮洗车", "金水路店", "13700005001", 34.7725, 113.6860, True),
    ("郑州万达影城", "二七万达店", "13700005002", 34.7242, 113.6403, True),
    ("郑州公交集团", "公交总站", "13700005003", 34.7466, 113.6253, False),
    ("郑州老街餐馆", "德化街店", "13700005004", 34.7512, 113.6640, True),
)


def _members(union: Org, limit: int) -> list[Worker]:
    return list(
        Worker.objects.filter(within(union.path, "union__path"), merged_into__isnull=True)
        .exclude(id_last4="")
        .order_by("pk")[:limit]
    )


def _merchant(planner: Staff, union: Org, spec: tuple[Any, ...]) -> tuple[MerchantTerms, Any, Any]:
    name, outlet_name, phone, lat, lon, scans = spec
    partner = partners.register_partner(org=union, name=name, kind=Partner.Kind.MERCHANT,
                                        by=planner)  # fmt: skip
    outlet = partners.add_outlet(partner, name=outlet_name, by=planner)
    person = partners.add_partner_user(partner, name=f"{name}店员", phone=phone, by=planner)
    offers.place_outlet(outlet, latitude=lat, longitude=lon, by=planner)
    today = clock.today()
    terms = offers.save_terms(
        partner, org=union, earmark=Earmark.objects.get(code="warmth"),
        starts_on=today.replace(month=1, day=1) - datetime.timedelta(days=365),
        ends_on=today + datetime.timedelta(days=365), payee_name=name,
        bank_name="中国工商银行郑州分行", bank_account=ACCOUNT, city="郑州市", can_scan=scans,
        by=planner,
    )  # fmt: skip
    return terms, outlet, person


def load_demo_benefits() -> bool:
    """The demo's merchants, offers, uses and statements; False when they are there already."""
    if MerchantTerms.objects.filter(partner__name=MERCHANTS[0][0]).exists():
        return False
    planner = Staff.objects.get(username="zz_caseworker")
    union = Org.objects.get(code="410100")
    people = _members(union, 6)
    made = [_merchant(planner, union, spec) for spec in MERCHANTS]
    (wash, wash_outlet, washer), (cinema, cinema_outlet, usher) = made[0], made[1]
    start = wash.starts_on
    end = wash.ends_on
    car = offers.save_offer(wash, name="五元洗车", member_price_fen=500, subsidy_fen=2500,
                            starts_on=start, ends_on=end, limits={"month": 2},
                            budget_uses=5000, by=planner)  # fmt: skip
    film = offers.save_offer(cinema, name="五元观影", member_price_fen=500, subsidy_fen=3000,
                             starts_on=start, ends_on=end, limits={"week": 1}, by=planner)  # fmt: skip
    bus = offers.save_offer(made[2][0], name="一分乘公交", member_price_fen=1, subsidy_fen=199,
                            starts_on=start, ends_on=end, limits={"day": 2}, by=planner)  # fmt: skip
    coupons.create_batch(
        made[3][0], name="餐饮消费券", face_value_fen=2000, threshold_fen=10000,
        valid_from=clock.today() - datetime.timedelta(days=3),
        expires_on=clock.today() + datetime.timedelta(days=60), org=union, rule=None, by=planner,
    )  # fmt: skip
    if not people:
        return True
    last_month = (clock.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    _last_month(washer, car, usher, film, people, last_month, wash_outlet, cinema_outlet)
    _bus_file(made[2][2], bus, people, last_month)
    found = statements.prepare_month(last_month, org=union, by=planner)
    for statement in found:
        if statement.partner_id == washer.partner_id:
            statements.confirm_statement(statement, user=washer)
    now = timezone.now()
    for worker in people[:3]:
        redemptions.redeem(washer, offer=car.pk, key=uuid.uuid4(), code=card_text(worker.pk),
                           outlet=wash_outlet.pk, at=now)  # fmt: skip
    return True


def _last_month(washer, car, usher, film, people, month, wash_outlet, cinema_outlet) -> None:
    for n, worker in enumerate(people):
        for day, offer, person, outlet in ((3, car, washer, wash_outlet),
                                           (10 + n, film, usher, cinema_outlet)):  # fmt: skip
            at = datetime.datetime.combine(month.replace(day=day), datetime.time(10, n),
                                           tzinfo=ZONE)  # fmt: skip
            redemptions.redeem(person, offer=offer.pk, key=uuid.uuid4(),
                               number=member_number(worker.pk), id_last4=worker.id_last4,
                               outlet=outlet.pk, at=at)  # fmt: skip


def _bus_file(person, bus, people, month) -> None:
    rows: list[UsageRow] = []
    for n, worker in enumerate(people):
        for day, hour in ((4, 7), (4, 18), (4, 21), (5, 8)):  # the third ride of the 4th: refused
            rows.append(UsageRow(len(rows) + 2, member_number(worker.pk), worker.id_last4,
                                 month.replace(day=day), datetime.time(hour, n)))  # fmt: skip
    record_usage_file(person, offer=bus.pk, rows=rows, file_name="公交月度明细.xlsx")
