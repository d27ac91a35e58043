"""The demo campaign: the province's winter campaign “关爱你我他(她)·温暖千万家” with a 慰问 of
outdoor and new-form workers (cash and goods), a screening drive and free health checks with
places passed down to 郑州 and 开封; a list drawn up in 郑州 and approved, goods donated,
sent down and handed out, visits, bookings and findings in 惠济区 and 开封, and the partner
programmes (demo_partners: health checks, breakfasts, a trip). Built through the
services by the demo staff; loaded once (a campaign of the code is left alone)."""

from __future__ import annotations

import datetime

from django.db import transaction

from nuanjia.core import clock
from nuanjia.core.idnumbers import id_check_char
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org, Staff
from nuanjia.people.models import Worker
from nuanjia.relief.models import GrantType

from . import services
from .demo_partners import load_demo_partner_work
from .models import Activity, Campaign, GoodsItem, Roster
from .rules import ActivityKind, CampaignStatus, FindingDegree, GoodsUnit, RosterStep
from .workflow import FINDING_FLOW, ROSTER_FLOW

CODE = "2026-winter"
OUTDOOR = ["环卫工人", "快递员", "外卖配送员", "网约车司机", "货车司机"]
YUAN = 100


def _staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


def _org(code: str) -> Org:
    return Org.objects.get(code=code)


def _worker(name: str) -> Worker:
    return Worker.objects.get(name=name, merged_into__isnull=True)


def _activities(campaign: Campaign, planner: Staff) -> tuple[Activity, Activity, Activity]:
    visit = services.create_activity(
        campaign,
        kind=ActivityKind.VISIT,
        name="冬季送温暖慰问（户外劳动者和新就业形态劳动者）",
        org=campaign.lead_org,
        rule={"any": [{"fact": "occupation", "op": "in", "value": OUTDOOR}]},
        grant_type=GrantType.objects.get(code="warmth"),
        cash_fen=1_000 * YUAN,
        by=planner,
    )
    screening = services.create_activity(
        campaign,
        kind=ActivityKind.SCREENING,
        name="新就业形态劳动者困难排查",
        org=campaign.lead_org,
        rule={"all": [{"fact": "new_form_worker", "op": "yes"}]},
        by=planner,
    )
    checks = services.create_activity(
        campaign,
        kind=ActivityKind.HEALTH_CHECK,
        name="新就业形态劳动者免费体检",
        org=campaign.lead_org,
        rule={"all": [{"fact": "health_checked", "op": "no"}]},
        uses_places=True,
        by=planner,
    )
    return visit, screening, checks


def _places(checks: Activity, planner: Staff) -> None:
    province, zhengzhou, kaifeng = _org("410000"), _org("410100"), _org("410200")
    services.set_places(checks, 100, by=planner)
    services.allocate_places(checks, province, zhengzhou, 60, by=planner, note="按职工人数分配")
    services.allocate_places(checks, province, kaifeng, 30, by=planner)
    services.allocate_places(checks, zhengzhou, _org("410108"), 20, by=planner)
    services.book_place(checks, _worker("黄晓东"), _org("410108"), by=_staff("hj_caseworker"))


def _list(visit: Activity) -> None:
    """郑州 draws up its list by the rule and an approver who did not submit it approves it."""
    caseworker = _staff("zz_caseworker")
    services.enrol(visit, _org("410100"), by=caseworker)
    roster = Roster.objects.get(activity=visit, org=_org("410100"))
    ROSTER_FLOW.take_step(roster, RosterStep.SUBMIT, by=caseworker, note="按规则生成")
    ROSTER_FLOW.take_step(roster, RosterStep.APPROVE, by=_staff("zz_approver"), note="同意")


def _goods(campaign: Campaign, visit: Activity) -> dict[str, GoodsItem]:
    city, county = _org("410100"), _org("410108")
    city_caseworker, caseworker = _staff("zz_caseworker"), _staff("hj_caseworker")
    items = {
        name: services.add_item(name, unit, by=city_caseworker)
        for name, unit in (
            ("棉帽", GoodsUnit.HAT),
            ("围巾", GoodsUnit.STRIP),
            ("暖宝贴", GoodsUnit.PACK),
        )
    }
    services.receive_donation(
        city, items["暖宝贴"], 2_000, source="爱心企业捐赠", by=city_caseworker, campaign=campaign
    )
    services.allocate_stock(
        city, county, items["暖宝贴"], 500, by=city_caseworker, campaign=campaign
    )
    for name in ("棉帽", "围巾"):
        services.receive_donation(county, items[name], 20, source="区总工会采购结余", by=caseworker)
    services.hand_out(
        visit,
        county,
        items["暖宝贴"],
        200,
        by=caseworker,
        recipient_group="惠济区环卫二队",
        people_count=40,
        signed_by_name="张队长",
        signed_on=clock.today(),
    )
    return items


def _visits(visit: Activity, items: dict[str, GoodsItem]) -> None:
    caseworker, county = _staff("hj_caseworker"), _org("410108")
    services.record_visit(
        visit,
        _worker("李秀英"),
        county,
        by=caseworker,
        cash_fen=1_000 * YUAN,
        goods=[(items["棉帽"], 1), (items["围巾"], 1)],
        note="入户慰问",
    )
    services.record_visit(
        visit,
        _worker("孙强"),
        county,
        by=caseworker,
        goods=[(items["棉帽"], 1), (items["围巾"], 1)],
    )


def _new_person_id(region: str, born: datetime.date, serial: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


def _findings(screening: Activity) -> None:
    caseworker, county = _staff("hj_caseworker"), _org("410108")
    today = clock.today()
    services.record_finding(
        screening,
        county,
        worker=_worker("赵德胜"),
        degree=FindingDegree.SERIOUS,
        circumstances="妻子重度抑郁无法工作，父亲年迈，骑手收入不稳定。",
        found_on=today,
        found_by_name="志愿者王芳",
        by=caseworker,
    )
    settled = services.record_finding(
        screening,
        county,
        worker=_worker("黄晓东"),
        degree=FindingDegree.MILD,
        circumstances="冬季接单减少，收入下降。",
        found_on=today,
        by=caseworker,
    )
    FINDING_FLOW.take_step(
        settled, "no_help", by=caseworker, note="收入仍高于当地困难标准，已告知求助渠道。"
    )
    services.record_finding(
        screening,
        _org("410204"),
        new_person={
            "name": "钱小军",
            "id_number": _new_person_id("410204", datetime.date(1990, 5, 6), 31),
            "address": "开封市鼓楼区自由路",
        },
        degree=FindingDegree.SEVERE,
        circumstances="外卖骑手，冬季送餐途中摔伤，无法工作，家中两个孩子上学。",
        found_on=today,
        found_by_name="鼓楼区志愿者",
        by=_staff("kf_caseworker"),
    )


@transaction.atomic
def load_demo_campaign() -> bool:
    """The demo campaign and its work; False when it is there already."""
    if Campaign.objects.filter(code=CODE).exists():
        return False
    planner = _staff("sz_caseworker")
    today = clock.today()
    campaign = services.create_campaign(
        code=CODE,
        name="2026年“关爱你我他(她)·温暖千万家”送温暖活动",
        lead_org=_org("410000"),
        # From the first of last month, so last month's breakfasts can be settled.
        starts_on=(today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
        ends_on=today + datetime.timedelta(days=90),
        levels=[Org.Kind.PROVINCE, Org.Kind.CITY, Org.Kind.COUNTY],
        earmarks=Earmark.objects.filter(code__in=["warmth", "hardship"]),
        note="省总工会统一部署，市、县（区）总工会分级实施。",
        by=planner,
    )
    campaign = services.set_campaign_status(campaign, CampaignStatus.OPEN, by=planner)
    visit, screening, checks = _activities(campaign, planner)
    _places(checks, planner)
    _list(visit)
    items = _goods(campaign, visit)
    _visits(visit, items)
    _findings(screening)
    load_demo_partner_work(campaign, checks)
    return True
