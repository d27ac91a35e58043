"""The demo campaign's partner programmes, built through the services by the demo staff and
partners: 郑州市职工体检中心 checks 惠济区's list (one check done, one missed and invited again,
one waiting, invitations sent); 惠济区爱心早餐店 serves the district's sanitation workers
(last month's paper list, settled, confirmed by the shop and approved; today's scans); the
province's 疗休养 centre runs a trip with 惠济区's nominations (one approved, one waiting)."""

from __future__ import annotations

import datetime

from nuanjia.core import clock
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Outlet, Partner, PartnerUser
from nuanjia.orgs.models import Org, Staff
from nuanjia.people.membership import member_number
from nuanjia.people.models import Worker

from . import services
from .models import Activity, Campaign, PartnerContract, Roster
from .rules import ActivityKind, RosterStep
from .services.breakfasts import PaperRow
from .workflow import ROSTER_FLOW

YUAN = 100
ACCOUNT = "6222020200118877665"
SANITATION = ["环卫工人"]
FRONTLINE = ["环卫工人", "快递员", "外卖配送员", "货车司机"]


def _staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


def _org(code: str) -> Org:
    return Org.objects.get(code=code)


def _worker(name: str) -> Worker:
    return Worker.objects.get(name=name, merged_into__isnull=True)


def _partner(name: str) -> Partner:
    return Partner.objects.get(name=name)


def _person(partner: Partner) -> PartnerUser:
    return PartnerUser.objects.filter(partner=partner).order_by("pk").first()  # type: ignore[return-value]


def _approved_list(activity: Activity, org: Org, caseworker: str, approver: str) -> None:
    """The union draws up its list by the rule; another person approves it."""
    services.enrol(activity, org, by=_staff(caseworker))
    roster = Roster.objects.get(activity=activity, org=org)
    ROSTER_FLOW.take_step(roster, RosterStep.SUBMIT, by=_staff(caseworker), note="按规则生成")
    ROSTER_FLOW.take_step(roster, RosterStep.APPROVE, by=_staff(approver), note="同意")


def _contract(
    activity: Activity, partner: Partner, org: Org, by: str, *, price_yuan: int, capacity=None
) -> PartnerContract:
    campaign = activity.campaign
    return services.sign_contract(
        activity, partner, org=org, earmark=Earmark.objects.get(code="warmth"),
        price_fen=price_yuan * YUAN, capacity_per_day=capacity, starts_on=campaign.starts_on,
        ends_on=campaign.ends_on, payee_name=partner.name, bank_name="中国工商银行郑州分行",
        bank_account=ACCOUNT, by=_staff(by),
    )  # fmt: skip


def _health_checks(checks: Activity) -> None:
    """惠济区's list, invitations, and three checks at the hospital: done, missed, waiting."""
    hospital = _partner("郑州市职工体检中心")
    _contract(checks, hospital, _org("410100"), "zz_caseworker", price_yuan=260, capacity=30)
    county = _org("410108")
    _approved_list(checks, county, "hj_caseworker", "hj_approver")
    caseworker = _staff("hj_caseworker")
    services.send_invitations(checks, county, limit=5, by=caseworker)
    outlet = Outlet.objects.get(partner=hospital, name="总院")
    today = clock.today()
    done = services.book_check(
        checks, _worker("王建国"), outlet=outlet, day=today, by=caseworker, org=county
    )
    services.mark_check_attended(done, partner_user=_person(hospital))
    missed = services.book_check(
        checks, _worker("赵德胜"), outlet=outlet, day=today, by=caseworker, org=county
    )
    services.mark_check_no_show(missed, partner_user=_person(hospital))
    services.book_check(
        checks, _worker("孙强"), outlet=outlet, day=today + datetime.timedelta(days=3),
        by=caseworker, org=county,
    )  # fmt: skip


def _last_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _breakfasts(campaign: Campaign) -> None:
    """郑州's breakfast activity: 惠济区's sanitation workers at the district's shop; last
    month's paper list settled (confirmed by the shop, approved), today's scans."""
    planner = _staff("zz_caseworker")
    activity = services.create_activity(
        campaign, kind=ActivityKind.BREAKFAST, name="环卫工人爱心早餐", org=_org("410100"),
        rule={"any": [{"fact": "occupation", "op": "in", "value": SANITATION}]}, by=planner,
    )  # fmt: skip
    county = _org("410108")
    _approved_list(activity, county, "hj_caseworker", "hj_approver")
    shop = _partner("惠济区爱心早餐店")
    contract = _contract(activity, shop, county, "hj_caseworker", price_yuan=8)
    person = _person(shop)
    outlet = Outlet.objects.get(partner=shop, name="开元路店")
    month = _last_month(clock.today())
    eaters = [_worker(name) for name in ("李秀英", "张桂兰", "陈红")]
    rows = [
        PaperRow(row=index + 2, number=member_number(worker.pk), id_last4=worker.id_last4,
                 day=month + datetime.timedelta(days=day), time=datetime.time(6, 40))
        for index, (worker, day) in enumerate((w, d) for d in (2, 3, 4) for w in eaters)
    ]  # fmt: skip
    services.record_meal_list(person, outlet=outlet.pk, rows=rows, file_name="纸质登记表.xlsx")
    settlement = services.prepare_settlement(contract, month, by=_staff("hj_caseworker"))
    services.confirm_settlement(settlement, user=person, note="份数无误")
    services.approve_settlement(settlement, by=_staff("hj_approver"), note="同意支付")
    for worker in eaters[:2]:
        services.scan_breakfast(
            person, outlet=outlet.pk, number=member_number(worker.pk), id_last4=worker.id_last4
        )
    services.scan_breakfast(  # a second breakfast the same day: refused at once
        person, outlet=outlet.pk, number=member_number(eaters[0].pk), id_last4=eaters[0].id_last4
    )


def _trip(campaign: Campaign) -> None:
    """The province's 疗休养 for frontline workers: places down to 惠济区, one trip, two of
    惠济区's nominations (one approved by another person, one waiting)."""
    planner = _staff("sz_caseworker")
    activity = services.create_activity(
        campaign, kind=ActivityKind.TRIP, name="一线职工疗休养", org=campaign.lead_org,
        rule={"any": [{"fact": "occupation", "op": "in", "value": FRONTLINE}]},
        uses_places=True, by=planner,
    )  # fmt: skip
    province, city, county = _org("410000"), _org("410100"), _org("410108")
    services.set_places(activity, 40, by=planner)
    services.allocate_places(activity, province, city, 10, by=planner, note="一线岗位职工")
    services.allocate_places(activity, city, county, 5, by=_staff("zz_caseworker"))
    _approved_list(activity, county, "hj_caseworker", "hj_approver")
    contract = _contract(
        activity, _partner("河南省职工疗休养中心"), province, "sz_caseworker", price_yuan=1_800
    )
    today = clock.today()
    trip = services.create_trip(
        activity, contract, name="嵩山疗休养第一期", place="登封嵩山",
        starts_on=today + datetime.timedelta(days=10), ends_on=today + datetime.timedelta(days=14),
        places=20, by=planner,
    )  # fmt: skip
    caseworker = _staff("hj_caseworker")
    first = services.nominate(trip, _worker("李秀英"), county, by=caseworker, note="环卫一线")
    services.approve_nomination(first, by=_staff("hj_approver"), note="同意")
    services.nominate(trip, _worker("赵德胜"), county, by=caseworker, note="骑手一线")


def load_demo_partner_work(campaign: Campaign, checks: Activity) -> None:
    _health_checks(checks)
    _breakfasts(campaign)
    _trip(campaign)
