"""The demo's psychological help: 郑州's help line (supervised by 郑州审批人) with 12 volunteers
and a counsellor on 8-hour shifts round the clock for the coming week, except tomorrow
03:00–07:00 — the gap 郑州审批人 sees on the home page; the province's line (supervised by
省总审批人, who receives escalations); a few sessions; a 心灵护航 class of 郑州 and a
职工心灵夜话 column of 洛阳 with attendance. Loaded once (skipped when 郑州's line exists)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from nuanjia.orgs.models import Org, Staff

from . import services
from .models import Line

LINE = "郑州职工心理援助热线"


def _volunteers(line: Line, caseworker: Staff) -> list:
    names = [
        "王静",
        "李娜",
        "张伟",
        "刘洋",
        "陈晨",
        "杨帆",
        "赵磊",
        "黄敏",
        "周婷",
        "吴昊",
        "徐丽",
        "孙浩",
    ]
    people = []
    for n, name in enumerate(names):
        helper = services.add_helper(
            line, kind="volunteer", name=name, phone=f"139{n:04d}8888", by=caseworker
        )
        services.add_qualification(
            helper, kind="心理咨询师三级", number=f"HN-XL-{n:04d}", issuer="河南省心理卫生协会",
            valid_until=datetime.date(2028, 12, 31), by=caseworker,
        )  # fmt: skip
        people.append(helper)
    return people


def _roster(people: list, caseworker: Staff) -> None:
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    gap = (
        midnight + datetime.timedelta(days=1, hours=3),
        midnight + datetime.timedelta(days=1, hours=7),
    )
    start, n = midnight, 0
    while start < midnight + datetime.timedelta(days=8):
        end = start + datetime.timedelta(hours=8)
        helper = people[n % len(people)]
        if start < gap[1] and end > gap[0]:
            services.add_shift(helper, start, gap[0], by=caseworker)
            services.add_shift(helper, gap[1], end, by=caseworker)
        else:
            services.add_shift(helper, start, end, by=caseworker)
        start, n = end, n + 1


def load_demo_counselling() -> int:
    """Load once; returns the shifts made."""
    zhengzhou = Org.objects.get(code="410100")
    if Line.objects.filter(org=zhengzhou, name=LINE).exists():
        return 0
    caseworker = Staff.objects.get(username="zz_caseworker")
    province = Staff.objects.get(username="sz_caseworker")
    services.create_line(Org.objects.get(code="410000"), name="河南省职工心理援助热线",
                         supervisor=Staff.objects.get(username="sz_approver"), by=province)  # fmt: skip
    line = services.create_line(zhengzhou, name=LINE, phone="0371-12351",
                                supervisor=Staff.objects.get(username="zz_approver"), by=caseworker)  # fmt: skip
    counsellor = services.add_helper(line, kind="counsellor", name="郑心怡", by=caseworker)
    people = _volunteers(line, caseworker)
    _roster(people, caseworker)
    now = timezone.now()
    for hours, risk in ((30, "low"), (20, "medium"), (5, "high")):
        services.log_session(
            counsellor, by=caseworker, channel="call", started_at=now - datetime.timedelta(hours=hours),
            minutes=35, risk=risk, notes="（演示）来电者诉说工作压力。",
        )  # fmt: skip
    event = services.create_event(
        zhengzhou, kind="class", series="心灵护航", title="情绪管理与压力疏导",
        held_at=now + datetime.timedelta(days=3), place="郑州市职工服务中心", by=caseworker,
    )  # fmt: skip
    services.add_attendance(event, name="张三", workplace="郑州宇通客车", by=caseworker)
    luoyang = Org.objects.get(code="410300")
    column = services.create_event(
        luoyang, kind="column", series="职工心灵夜话", title="夜班职工的睡眠",
        held_at=now - datetime.timedelta(days=2), by=province,
    )  # fmt: skip
    services.add_attendance(column, name="李四", workplace="洛阳一拖", by=province)
    return line.shifts.count()
