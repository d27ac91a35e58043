"""The demo enterprises: small firms and individual businesses of 惠济区 and 鼓楼区 renting units
of the province's 职工服务中心, the campaign's policy (3 months rent-free and 12 at half rent,
for leases running in 2022) applied to every lease at once and each relief approved by another
person, so the figures page shows the province's total reproduced from the leases. Built
through the services by the demo staff; loaded once (a policy of the code is left alone)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from nuanjia.core.codes import credit_code_check_char
from nuanjia.orgs.models import Org, Staff

from . import services
from .models import ReliefPolicy, RentRelief
from .rules import FirmKind, Industry, ReliefStatus

CODE = "hn-2022-3-12"
# name, region, kind, industry, employees, revenue 万元, rent 元 a month, lease start, end
TENANTS = [
    ("惠济区百味小吃店", "410108", FirmKind.INDIVIDUAL, Industry.CATERING, 6, 40, 5000,
     datetime.date(2021, 7, 1), datetime.date(2024, 6, 30)),
    ("郑州惠济鑫源商贸有限公司", "410108", FirmKind.FIRM, Industry.RETAIL, 12, 300, 8000,
     datetime.date(2022, 1, 1), datetime.date(2023, 12, 31)),
    ("郑州惠济快修服务部", "410108", FirmKind.FIRM, Industry.OTHER, 8, 60, 3600,
     datetime.date(2022, 3, 1), datetime.date(2022, 10, 31)),
    ("开封鼓楼汴绣坊", "410204", FirmKind.INDIVIDUAL, Industry.RETAIL, 3, 25, 2800,
     datetime.date(2020, 5, 1), datetime.date(2025, 4, 30)),
    ("开封市鼓楼区宏达物流有限公司", "410204", FirmKind.FIRM, Industry.TRANSPORT, 400, 6000, 12000,
     datetime.date(2022, 1, 1), datetime.date(2024, 12, 31)),  # medium: not eligible
]  # fmt: skip


def _code(serial: int) -> str:
    body = f"9241000000000{serial:04d}"
    return body + credit_code_check_char(body)


@transaction.atomic
def load_demo_enterprises() -> bool:
    if ReliefPolicy.objects.filter(code=CODE).exists():
        return False
    caseworker = Staff.objects.get(username="sz_caseworker")
    approver = Staff.objects.get(username="sz_approver")
    province = Org.objects.get(code="410000")
    prop = services.create_property(province, name="河南省职工服务中心", address="郑州市金水区",
                                    by=caseworker)  # fmt: skip
    for serial, (name, region, kind, industry, staff, revenue, rent, start, end) in enumerate(
        TENANTS, start=1
    ):
        firm = services.register_firm(
            name=name, credit_code=_code(serial), region_code=region, kind=kind,
            industry=industry, by=caseworker, account_name=name, account=f"62220202000{serial:06d}",
            bank_name="中国工商银行",
        )  # fmt: skip
        services.record_figures(
            firm, year=2021, headcount=staff, revenue_fen=revenue * 1_000_000, assets_fen=None,
            by=caseworker,
        )  # fmt: skip
        unit = services.create_unit(
            prop, code=f"A-{serial:02d}", area_m2=Decimal(60), by=caseworker
        )
        services.create_lease(unit, firm, monthly_rent_fen=rent * 100, starts_on=start,
                              ends_on=end, deposit_fen=rent * 100, by=caseworker)  # fmt: skip
    policy = services.create_policy(
        province, code=CODE, name="小微企业和个体工商户房租“免三减半”",
        free_months=3, reduced_months=12, window_starts_on=datetime.date(2022, 1, 1),
        window_ends_on=datetime.date(2022, 12, 31), by=caseworker,
    )  # fmt: skip
    services.stage_reliefs(policy, province, by=caseworker)
    for relief in RentRelief.objects.filter(policy=policy, status=ReliefStatus.PROPOSED):
        services.approve_relief(relief, by=approver)
    return True
