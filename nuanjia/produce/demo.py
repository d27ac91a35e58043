"""The demo's consumption help (消费帮扶), the seed's figures from a few large rows: 周口 bought
91.2万斤 from 郸城县 (1.2万斤 of it given to named hardship families), 郑州's 1元购爱心蔬菜礼包
sold 17万斤 and raised the farmers' income by 20万元, 商丘 59.4万斤 worth 19万元, 新乡 39万斤
worth 12万元, 鹤壁 2.4万斤 of cabbage. Orders go through the services (drawn up and received
by the province's caseworker, approved by its approver, reserved on the city's 送温暖 money)
and are paid to the producers in one payment batch per city; 郑州 also sets up a gift bag
members can order on the phone at a collection point. Loaded once (skipped when 周口's
producer exists). The hardship demo has no family in 周口: three synthetic ones are filed."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.db import transaction

from nuanjia.core.imports import SheetSource
from nuanjia.funds.models import Earmark
from nuanjia.hardship.models import HardshipFile
from nuanjia.hardship.rules import Category, Status
from nuanjia.members.models import Partner
from nuanjia.members.services import partners
from nuanjia.orgs.models import Org, Staff
from nuanjia.people.models import Household, Worker
from nuanjia.relief.batches import build_batch
from nuanjia.relief.services import export_bank_file, import_bank_results

from . import services
from .models import HelpOrder, Producer
from .rules import OrderStep
from .units import GRAMS_PER_JIN
from .workflow import ORDER_FLOW

LISTED = [("410225", "兰考县"), ("411625", "郸城县"), ("411425", "虞城县"), ("410727", "封丘县")]


@dataclass(frozen=True)
class DemoBuy:
    city: str
    producer: str
    kind: str
    county: str
    month: int
    lines: tuple[tuple[str, int, int], ...]  # product, 斤, price in fen a 斤


BUYS = [
    DemoBuy("411600", "郸城县绿源蔬菜专业合作社", "cooperative", "411625", 1,
            (("白菜", 900_000, 30), ("萝卜", 12_000, 35))),
    DemoBuy("410100", "兰考县惠民果蔬专业合作社", "cooperative", "410225", 2,
            (("爱心蔬菜礼包菜（一）", 150_000, 118), ("爱心蔬菜礼包菜（二）", 20_000, 115))),
    DemoBuy("411400", "虞城县丰源农业发展有限公司", "firm", "411425", 2,
            (("大白菜", 586_000, 32), ("胡萝卜", 8_000, 31))),
    DemoBuy("410700", "封丘县金银花种植合作社", "cooperative", "410727", 3,
            (("青萝卜", 300_000, 31), ("土豆", 90_000, 30))),
    DemoBuy("410600", "淇县菜农张大山", "farmer", "410622", 3, (("白菜", 24_000, 40),)),
]  # fmt: skip


def _staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


def _families(city: Org) -> list[HardshipFile]:
    """Three synthetic filed families of 周口 (the hardship demo files none there)."""
    files = []
    for n, name in enumerate(["周红梅", "孙建伟", "李桂香"], start=1):
        worker = Worker.objects.create(
            org=city, name=name, name_pinyin=f"zk{n}", region_code=city.region_code,
            id_number_index=f"produce-demo-{n}", id_number_masked="4116**********000X",
        )  # fmt: skip
        household = Household.objects.create(org=city, worker=worker, region_code=city.region_code)
        files.append(HardshipFile.objects.create(
            household=household, org=city, region_code=city.region_code, status=Status.FILED,
            category=Category.DEEP, monthly_standard_fen=60_000,
            filed_on=datetime.date(2025, 12, 1),
        ))  # fmt: skip
    return files


def _buy(buy: DemoBuy, caseworker: Staff, approver: Staff, earmark: Earmark) -> HelpOrder:
    city = Org.objects.get(code=buy.city)
    producer = services.register_producer(
        city, kind=buy.kind, name=buy.producer, region_code=buy.county, helping_unit=city.name,
        contact_name="联系人", phone="13700001000", payee_name=buy.producer, bank_name="农村商业银行",
        bank_account=f"62301{buy.county}{buy.month:04d}01", by=caseworker,
    )  # fmt: skip
    lines = [
        (services.add_product(producer, name, "jin", price, by=caseworker), jin)
        for name, jin, price in buy.lines
    ]
    order = services.create_order(
        city, producer, earmark, lines, by=caseworker,
        ordered_on=datetime.date(2026, buy.month, 15), note="演示：消费帮扶",
    )  # fmt: skip
    for step, by in ((OrderStep.SUBMIT, caseworker), (OrderStep.APPROVE, approver),
                     (OrderStep.DELIVER, caseworker), (OrderStep.RECEIVE, caseworker)):  # fmt: skip
        ORDER_FLOW.take_step(order, step, by=by)
    batch = build_batch(city, earmark, by=None, source_type="produce.order", note="演示：货款")
    export_bank_file(batch, io.BytesIO(), by=None, reason="演示：发送银行")
    references = batch.lines.values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{reference},成功,\n" for reference in references)
    import_bank_results(batch, SheetSource(io.BytesIO(text.encode()), name="回盘.csv"), by=None)
    order.refresh_from_db()
    return order


def _where(orders: dict[str, HelpOrder], caseworker: Staff) -> None:
    zhoukou = orders["411600"]
    for family in _families(Org.objects.get(code="411600")):
        services.record_destination(
            zhoukou, "family", 4_000 * GRAMS_PER_JIN, hardship_file=family, by=caseworker
        )
    services.record_destination(
        zhoukou, "sold", 900_000 * GRAMS_PER_JIN, sales_fen=900_000 * 30, by=caseworker
    )
    services.record_destination(  # 17,000 bags of 10 斤 at 1 元
        orders["410100"], "sold", 170_000 * GRAMS_PER_JIN, sales_fen=17_000 * 100, by=caseworker
    )


def _gift_bag(caseworker: Staff, earmark: Earmark) -> None:
    zhengzhou = Org.objects.get(code="410100")
    point = partners.register_partner(
        org=zhengzhou, name="郑州市总工会爱心集采点（金水）", kind=Partner.Kind.COLLECTION_POINT,
        by=caseworker,
    )  # fmt: skip
    partners.add_partner_user(point, name="集采点经办", phone="13700009001", by=caseworker)
    producer = Producer.objects.get(name="兰考县惠民果蔬专业合作社")
    bag = services.create_bag(
        zhengzhou, producer, earmark, name="1元购爱心蔬菜礼包", grams=10 * GRAMS_PER_JIN,
        member_price_fen=100, subsidy_fen=1076, points=[point], by=caseworker,
    )  # fmt: skip
    services.add_bag_stock(bag, 200, by=caseworker, note="演示：第一批礼包")


@transaction.atomic
def load_demo_produce() -> int:
    """Load the demo's consumption help once; returns how many orders were made."""
    if Producer.objects.filter(name=BUYS[0].producer).exists():
        return 0
    caseworker, approver = _staff("sz_caseworker"), _staff("sz_approver")
    for code, name in LISTED:
        services.list_poverty_county(code, name, datetime.date(2021, 1, 1), by=caseworker)
    earmark = Earmark.objects.get(code="warmth")
    orders = {buy.city: _buy(buy, caseworker, approver, earmark) for buy in BUYS}
    _where(orders, caseworker)
    _gift_bag(caseworker, earmark)
    return len(orders)
