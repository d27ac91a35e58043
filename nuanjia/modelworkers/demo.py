"""The demo's model workers (劳模): three workers of 郑州's registry honoured (two 劳模, one
先进工作者), the province's help standard by level, a 模范职工之家 collective, a
"乡村振兴劳模出彩" base in 中牟县 with its pairing and a visit, 10,000 元 of 困难劳模帮扶资金 at
郑州 and one 劳模 on the help register with this month's payment proposed (waiting for
郑州审批人). Loaded once (skipped when the collective exists)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from nuanjia.funds import services as funds
from nuanjia.orgs.models import Org, Staff
from nuanjia.people.models import Worker
from nuanjia.people.services import add_honour

from . import services
from .models import Collective

COLLECTIVE = "郑州市金水区环卫一班"
STANDARDS = (("national", 80_000), ("provincial", 50_000), ("city", 30_000))


def _honoured(caseworker: Staff, zhengzhou: Org) -> list[Worker]:
    workers = list(
        Worker.objects.filter(org__path__startswith=zhengzhou.path, merged_into__isnull=True)
        .select_related("org")
        .order_by("pk")[:3]
    )
    for worker, (kind, level, year) in zip(workers, (
        ("model_worker", "provincial", 2015), ("model_worker", "national", 2010),
        ("advanced_worker", "city", 2020),
    ), strict=False):  # fmt: skip
        add_honour(
            worker, kind=kind, level=level, year=year, issuer="河南省人民政府", by=caseworker
        )
    return workers


def load_demo_modelworkers() -> int:
    """Load once; returns the honours recorded."""
    zhengzhou = Org.objects.get(code="410100")
    if Collective.objects.filter(org=zhengzhou, name=COLLECTIVE).exists():
        return 0
    caseworker = Staff.objects.get(username="zz_caseworker")
    province = Staff.objects.get(username="sz_approver")
    for level, fen in STANDARDS:
        services.save_standard(by=province, region_code="410000", level=level,
                               effective_on="2024-01-01", per="month", amount_fen=fen)  # fmt: skip
    team = services.add_collective(zhengzhou, by=caseworker, name=COLLECTIVE, kind="team")
    services.add_collective_honour(team, by=caseworker, kind="model_home", level="city",
                                   year_awarded=2023, issuer="郑州市总工会")  # fmt: skip
    workers = _honoured(caseworker, zhengzhou)
    if not workers:
        return 0
    today = timezone.localdate()
    base = services.add_base(
        zhengzhou, by=caseworker, worker=workers[0], region_code="410122", village="姚家镇大王庄村",
        started_on=today - datetime.timedelta(days=200), projects="大棚蔬菜种植、农产品直销",
        money_fen=12_000_000, technology="滴灌与温控大棚技术",
    )  # fmt: skip
    pairing = services.add_pairing(zhengzhou, by=caseworker, worker=workers[0], base=base,
                                   starts_on=base.started_on)  # fmt: skip
    services.add_visit(pairing, by=caseworker, visited_on=today - datetime.timedelta(days=30),
                       note="（演示）查看大棚长势，培训村民 20 人。")  # fmt: skip
    funds.receive(zhengzhou, services.earmark(), 1_000_000, source="上级拨款", by=None,
                  memo="困难劳模帮扶资金（演示）")  # fmt: skip
    case = services.add_case(
        zhengzhou, by=caseworker, worker=workers[0], frequency="monthly",
        income_monthly_fen=150_000, income_note="（演示）因病致困，家庭人均收入低于当地低保",
        starts_on=today.replace(day=1), household_size=3,
    )  # fmt: skip
    services.propose_payment(case, by=caseworker, on=today)
    return len(workers)
