"""The demo's gig-job corners: 郑州's 二七零工客栈 with two posts (a builder's day labour at
200 元 a day, a warehouse's hourly packing at 22 元), three gig workers registered by the
corner, one match completed (4 days worked) and one waiting for the worker's consent. Loaded
once (skipped when the corner exists)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from nuanjia.orgs.models import Org, Staff

from . import services
from .models import Corner

CORNER = "二七零工客栈"


def load_demo_gigjobs() -> int:
    """Load once; returns the matches made."""
    zhengzhou = Org.objects.get(code="410100")
    if Corner.objects.filter(org=zhengzhou, name=CORNER).exists():
        return 0
    staff = Staff.objects.get(username="zz_caseworker")
    corner = services.create_corner(
        zhengzhou, by=staff, name=CORNER, region_code="410100", address="郑州市二七区二七广场东",
        lat=34.7466, lng=113.6254, opening_hours="周一至周日 07:00-19:00",
        services="岗位信息；饮水休息；手机充电；法律咨询", phone="0371-12351",
    )  # fmt: skip
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    common: dict[str, Any] = {"starts_on": today - 6 * day, "ends_on": today + 20 * day,
              "contact_name": "李经理", "contact_phone": "13800001234"}  # fmt: skip
    build = services.create_post(
        corner, by=staff, employer_name="郑州建工三公司", work="小工（搬运、清理）", pay_unit="day",
        pay_fen=200_00, address="郑州市金水区农业路", lat=34.79, lng=113.66, workers_wanted=5,
        **common,
    )  # fmt: skip
    pack = services.create_post(
        corner, by=staff, employer_name="中原物流园", work="分拣打包", pay_unit="hour",
        pay_fen=22_00, address="郑州市管城区物流园", lat=34.72, lng=113.70, workers_wanted=10,
        **common,
    )  # fmt: skip
    people = [
        services.register_worker(
            corner,
            by=staff,
            name=name,
            phone=phone,
            skills=skills,
            available_from=today - 7 * day,
            available_until=today + 60 * day,
        )
        for name, phone, skills in (
            ("王建国", "13912340001", "搬运、泥瓦"),
            ("刘桂兰", "13912340002", "保洁、打包"),
            ("张强", "13912340003", "水电"),
        )
    ]
    done = services.propose_match(build, people[0], by=staff)
    services.record_consent(done, by=staff)
    services.start_match(done, by=staff)
    services.complete_match(done, by=staff, days_worked=4)
    services.propose_match(pack, people[1], by=staff)
    return 2
