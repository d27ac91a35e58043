"""The full demo's rent relief (`nuanjia demo`, issue 20 item 6): the province relieved
1899.4万元 in all (docs/domain.md "Rent relief"). Each city union lets units of its 职工文化宫
to small firms and individual businesses; the small demo's policy (3 months rent-free and 12
at half rent) is applied to every lease of the province at once by the bulk path a province
would use (`stage_reliefs`), and each relief is approved by another person. The rents are
set so that the province's approved relief, the small demo's included, comes to 1899.4万元.

Built through the services by the demo staff; loaded once (a bulk property of the province's
first city is the mark)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Sum

from nuanjia.core.codes import credit_code_check_char
from nuanjia.orgs.models import Org, Staff

from . import services
from .demo import CODE
from .models import Property, ReliefPolicy, RentRelief
from .rules import FirmKind, Industry, ReliefStatus

TARGET_FEN = 1_899_400_000  # 1899.4万元
LEASES_PER_CITY = 7
PROPERTY = "{city}职工文化宫"
STARTS_ON = datetime.date(2021, 7, 1)
ENDS_ON = datetime.date(2024, 6, 30)
# Every bulk lease runs through the policy's 15 months, so its relief is 3 + 12 / 2 = 9
# months of rent (whole 元: the half months are exact).
RELIEF_MONTHS = 9
SHOPS = [
    ("小吃店", FirmKind.INDIVIDUAL, Industry.CATERING),
    ("便利店", FirmKind.INDIVIDUAL, Industry.RETAIL),
    ("商贸有限公司", FirmKind.FIRM, Industry.RETAIL),
    ("家政服务有限公司", FirmKind.FIRM, Industry.OTHER),
    ("快修服务部", FirmKind.INDIVIDUAL, Industry.OTHER),
    ("物流有限公司", FirmKind.FIRM, Industry.TRANSPORT),
    ("餐饮管理有限公司", FirmKind.FIRM, Industry.CATERING),
]
# Each lease's share of the rent, in parts (they differ so the list reads like real tenants).
PARTS = [7, 9, 12, 10, 8, 15, 11]


def _credit_code(serial: int) -> str:
    body = f"924100000001{serial:05d}"
    return body + credit_code_check_char(body)


def _cities() -> list[tuple[Org, Org]]:
    """Each city union with a county union under it (济源 has none), and its first county."""
    province = Org.objects.get(code="410000")
    pairs = []
    for city in Org.objects.filter(parent=province, kind=Org.Kind.CITY).order_by("code"):
        county = Org.objects.filter(parent=city, kind=Org.Kind.COUNTY).order_by("code").first()
        if county is not None:
            pairs.append((city, county))
    return pairs


def _rents_yuan(remaining_fen: int, leases: int) -> list[int]:
    """Whole-元 monthly rents, one per lease, whose 9 months add up to `remaining_fen` (to
    within 9元: the figure is stated to 0.01万元)."""
    total_yuan = round(remaining_fen / 100 / RELIEF_MONTHS)
    parts = [PARTS[n % len(PARTS)] for n in range(leases)]
    rents = [total_yuan * part // sum(parts) for part in parts]
    rents[0] += total_yuan - sum(rents)
    return rents


def _let(city: Org, county: Org, serial: int, rent_yuan: int, by: Staff) -> None:
    """One tenant of the city's 职工文化宫: the firm, its figures, a unit and the lease."""
    prop = Property.objects.get(
        org=city, name=PROPERTY.format(city=city.name.removesuffix("总工会"))
    )
    label, kind, industry = SHOPS[serial % len(SHOPS)]
    place = county.name.removesuffix("总工会")
    firm = services.register_firm(
        name=f"{place}第{serial}{label}", credit_code=_credit_code(serial),
        region_code=county.region_code, kind=kind, industry=industry, by=by,
        account_name=f"{place}第{serial}{label}", account=f"62220202001{serial:06d}",
        bank_name="中国工商银行",
    )  # fmt: skip
    services.record_figures(
        firm, year=2021, headcount=8 + serial % 30, revenue_fen=(60 + serial % 200) * 1_000_000,
        assets_fen=None, by=by,
    )  # fmt: skip
    unit = services.create_unit(prop, code=f"B-{serial:03d}", area_m2=Decimal(80), by=by)
    services.create_lease(
        unit, firm, monthly_rent_fen=rent_yuan * 100, starts_on=STARTS_ON, ends_on=ENDS_ON,
        deposit_fen=rent_yuan * 100, by=by,
    )  # fmt: skip


def load_bulk_reliefs() -> int:
    """The cities' tenants and their relief; returns the reliefs approved (0 when loaded)."""
    cities = _cities()
    if (
        not cities
        or Property.objects.filter(org=cities[0][0], name__endswith="职工文化宫").exists()
    ):
        return 0
    caseworker = Staff.objects.get(username="sz_caseworker")
    approver = Staff.objects.get(username="sz_approver")
    policy = ReliefPolicy.objects.get(code=CODE)
    relieved = RentRelief.objects.filter(policy=policy, status=ReliefStatus.APPROVED)
    done = relieved.aggregate(total=Sum("total_fen"))["total"] or 0
    rents = iter(_rents_yuan(TARGET_FEN - done, LEASES_PER_CITY * len(cities)))
    serial = 0
    for city, county in cities:
        services.create_property(
            city, name=PROPERTY.format(city=city.name.removesuffix("总工会")),
            address=f"{city.name.removesuffix('总工会')}人民路", by=caseworker,
        )  # fmt: skip
        for _lease in range(LEASES_PER_CITY):
            serial += 1
            _let(city, county, serial, next(rents), caseworker)
    services.stage_reliefs(policy, Org.objects.get(code="410000"), by=caseworker)
    staged = RentRelief.objects.filter(policy=policy, status=ReliefStatus.PROPOSED)
    for relief in staged.order_by("pk"):
        services.approve_relief(relief, by=approver, note="同意")
    return serial
