"""The screening tests' story: the province's winter campaign is under way; 漯河 and 许昌 run
screening drives (排查) for migrant and new-form workers hit by the epidemic. Everything is
built through the services."""

import datetime

from nuanjia.campaigns import services
from nuanjia.campaigns.rules import ActivityKind, CampaignStatus, FindingDegree
from nuanjia.orgs.models import Org
from nuanjia.people import services as people_services
from nuanjia.people.tests.support import id_number

LUOHE, YUANHUI = "411100", "411102"  # 漯河市, 源汇区
XUCHANG, WEIDU = "411000", "411002"  # 许昌市, 魏都区
FOUND_ON = datetime.date(2026, 2, 20)  # the clock stands at 2026-03-02


def open_campaign(planner):
    campaign = services.create_campaign(
        code="2026-winter",
        name="2026 年“关爱你我他(她)·温暖千万家”",
        lead_org=Org.objects.get(code="410000"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 31),
        by=planner,
    )
    return services.set_campaign_status(campaign, CampaignStatus.OPEN, by=planner)


def screening_drive(campaign, org_code: str, planner, name: str = "农民工和新就业形态劳动者排查"):
    return services.create_activity(
        campaign,
        kind=ActivityKind.SCREENING,
        name=name,
        org=Org.objects.get(code=org_code),
        rule={},
        by=planner,
    )


def registered_worker(by, name: str, *, region: str, sequence: int, phone: str = ""):
    """A worker the registry already keeps, in `by`'s union."""
    return people_services.register_worker(
        org=by.org,
        by=by,
        name=name,
        id_number=id_number(region, sequence=sequence),
        **({"phone": phone} if phone else {}),
    )


def found(activity, by, *, worker=None, new_person=None, degree=FindingDegree.SERIOUS, **extra):
    """A finding recorded by `by` for their own union."""
    values = {
        "circumstances": "外卖骑手，疫情期间停工三个月，家中老人患病",
        "found_on": FOUND_ON,
        "found_by_name": "志愿者 王芳",
        **extra,
    }
    return services.record_finding(
        activity,
        by.org,
        worker=worker,
        new_person=new_person,
        degree=degree,
        by=by,
        **values,
    )
