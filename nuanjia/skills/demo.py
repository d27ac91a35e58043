"""The demo's skills: 郑州's training school and its 电工（四级） course of last month with
demo workers of 郑州 enrolled (two passed with their certificates, one failed), its subsidy
prepared by 郑州经办人 for 郑州审批人 to approve; a 电工 contest with results; 郑州工匠学院
with a teacher and a training base. Loaded once (skipped when the course exists)."""

from __future__ import annotations

import datetime

from nuanjia.core import clock
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.queries import within
from nuanjia.people.models import Worker

from . import services
from .models import Course

COURSE = "电工（四级）技能提升培训班"


def load_demo_skills() -> int:
    """Load once; returns the trainees enrolled."""
    zhengzhou = Org.objects.get(code="410100")
    if Course.objects.filter(org=zhengzhou, name=COURSE).exists():
        return 0
    caseworker = Staff.objects.get(username="zz_caseworker")
    earmark = Earmark.objects.get(code="skills-training")
    funds.receive(zhengzhou, earmark, 200_000 * 100, source="职工技能提升专项",
                  by=Staff.objects.get(username="zz_finance"))  # fmt: skip
    provider = services.add_provider(
        zhengzhou, name="郑州市职工职业技能培训学校", bank_name="中国银行",
        bank_account="6216600000009876543", by=caseworker,
    )  # fmt: skip
    today = clock.today()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    course = services.create_course(
        zhengzhou, provider=provider, name=COURSE, occupation="电工", level="4",
        starts_on=last_month, ends_on=last_month + datetime.timedelta(days=13), places=40,
        subsidy_fen=800 * 100, earmark=earmark, place="郑州市职工服务中心", by=caseworker,
    )  # fmt: skip
    workers = list(Worker.objects.filter(within(zhengzhou.path, "org__path"),
                                         merged_into__isnull=True).order_by("pk")[:3])  # fmt: skip
    for n, worker in enumerate(workers):
        trainee = services.enrol(course, worker, by=caseworker)
        passed = n < 2
        services.record_exam(
            trainee, result="passed" if passed else "failed", score_value=88 - n * 20,
            examined_on=course.ends_on, number=f"S4101{today:%y}{n + 1:06d}" if passed else "",
            issuer="郑州市职业技能鉴定指导中心", by=caseworker,
        )  # fmt: skip
    if workers[:2]:
        services.prepare_settlement(course, by=caseworker)
    contest = services.create_contest(zhengzhou, name="郑州市职工电工技能比武", trade="电工",
                                      held_on=today - datetime.timedelta(days=7), by=caseworker)  # fmt: skip
    for n, worker in enumerate(workers):
        entrant = services.add_entrant(contest, worker, by=caseworker)
        services.record_result(entrant, score_value=95 - n * 3, rank=n + 1,
                               prize=("一等奖", "二等奖", "三等奖")[n], by=caseworker)  # fmt: skip
    academy = services.create_academy(zhengzhou, name="郑州工匠学院", place="郑州市二七区",
                                      by=caseworker)  # fmt: skip
    services.add_teacher(academy, name="李大国", trade="数控加工", title="大国工匠", by=caseworker)
    services.add_base(academy, name="宇通客车实训基地", place="郑州市管城区", trade="汽车维修",
                      by=caseworker)  # fmt: skip
    return len(workers)
