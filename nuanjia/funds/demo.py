"""Demo money: the campaign's figures received by 省总, allocated over the 18 city unions and
on to 惠济区 and 开封鼓楼区, so the demo families can be paid. Built through the services.

Figures from the winter campaign (docs/domain.md "The campaign's own figures"): 6144万元 of hardship-assistance and warmth money,
then 2560万元 more for free breakfasts for sanitation workers, outdoor-worker stations and
hardship assistance; 8923万元 of epidemic-prevention money; 1071.5万元 for free health checks.

The full demo (`full=True`) dates the two rounds as the campaign account tells them: the
first (送温暖 and 困难职工帮扶, 6144万元) allocated in November of the seed year, the second
(2560万元) on 1 December, so the default report's filtered figures
(reports.report_default) state each from its rows. The seed year is this year in December,
else the year before (both rounds already past). The small demo posts everything today.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from nuanjia.core import clock
from nuanjia.core.money import wan_to_fen
from nuanjia.orgs.models import Org

from . import services
from .models import Earmark, Transaction

FIRST_MEMO = "关爱你我他(她)·温暖千万家 第一批"
SECOND_MEMO = "关爱你我他(她)·温暖千万家 追加"

# (earmark code, 万元, source, memo): what the province receives.
RECEIPTS = [
    ("warmth", "2500", "上级拨款", FIRST_MEMO),
    ("hardship", "3644", "财政", FIRST_MEMO),  # 2500 + 3644 = 6144万元
    ("breakfast", "800", "财政", SECOND_MEMO),
    ("stations", "760", "财政", SECOND_MEMO),
    ("hardship", "1000", "财政", SECOND_MEMO),  # 800 + 760 + 1000 = 2560万元
    ("epidemic", "8923", "财政", "疫情防控专项经费（省、市、县三级）"),
    ("health-check", "1071.5", "财政", "职工免费体检"),
]
# Shares of the province's allocation by city code (the rest get 1 each).
WEIGHTS = {"410100": 4, "410300": 3, "411600": 2, "411500": 2, "410200": 2}
# What 郑州 passes to 惠济区 and 开封 to 鼓楼区, in 万元 per earmark.
ONWARD = [
    ("410100", "410108", "warmth", "50"),
    ("410100", "410108", "hardship", "80"),
    ("410200", "410204", "warmth", "30"),
    ("410200", "410204", "hardship", "40"),
]


def seed_year(today: datetime.date | None = None) -> int:
    """The year whose two rounds the full demo posts: the last December begun."""
    today = today or clock.today()
    return today.year if today.month == 12 else today.year - 1


def round_days(year: int) -> dict[str, datetime.date]:
    """The business date of each round (by its memo) in the full demo."""
    return {FIRST_MEMO: datetime.date(year, 11, 2), SECOND_MEMO: datetime.date(year, 12, 1)}


def _split(total_fen: int, cities: list[Org]) -> list[tuple[Org, int]]:
    """Split a sum over the cities by WEIGHTS, in whole 元; the remainder goes to 郑州 (first
    by weight), so the shares add up to the sum exactly."""
    weights = [WEIGHTS.get(city.code, 1) for city in cities]
    unit = total_fen // sum(weights) // 100 * 100
    shares = [unit * weight for weight in weights]
    heaviest = weights.index(max(weights))
    shares[heaviest] += total_fen - sum(shares)
    return list(zip(cities, shares, strict=True))


@transaction.atomic
def load_demo_funds(*, full: bool = False) -> int:
    """Load the demo money once; returns the number of transactions posted (0 if loaded).
    `full`: the two rounds on their days of the seed year (see above)."""
    if Transaction.objects.filter(memo=FIRST_MEMO).exists():
        return 0
    province = Org.objects.get(code="410000")
    cities = list(Org.objects.filter(parent=province, kind=Org.Kind.CITY).order_by("code"))
    earmarks = {earmark.code: earmark for earmark in Earmark.objects.all()}
    days = round_days(seed_year()) if full else {}
    posted = 0
    for code, wan, source, memo in RECEIPTS:
        amount, day = wan_to_fen(wan), days.get(memo)
        services.receive(
            province, earmarks[code], amount, source=source, by=None, memo=memo, posted_on=day
        )
        services.allocate_many(
            province, earmarks[code], _split(amount, cities), by=None, memo=memo, posted_on=day
        )
        posted += 1 + len(cities)
    for giver, taker, code, wan in ONWARD:
        services.allocate(
            Org.objects.get(code=giver),
            Org.objects.get(code=taker),
            earmarks[code],
            wan_to_fen(wan),
            by=None,
            memo=FIRST_MEMO,
        )
        posted += 1
    return posted
