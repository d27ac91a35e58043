"""The demo's pioneers: 百味餐饮's team nominated for 工人先锋号 by the union's caseworker and
reviewed by 郑州审核人 after last month's publicity — waiting for 郑州审批人 to award it; 惠济区's
safety competition with the team entered and ranked; a 劳模创新工作室 of 郑州 led by a registry
worker, with a project and a result, in 郑州's studio alliance. Loaded once."""

from __future__ import annotations

import datetime

from django.utils import timezone

from nuanjia.orgs.models import Org, Staff
from nuanjia.people.models import Worker

from . import services
from .models import Team
from .rules import (
    AllianceKind,
    CompetitionKind,
    ProjectStatus,
    ResultKind,
    StudioKind,
    StudioLevel,
    TitleStep,
)
from .workflow import TITLE_FLOW

TEAM = "后厨安全示范班组"


def load_demo_pioneers() -> int:
    """Load once; returns the teams made."""
    nominator = Staff.objects.filter(username="bw_caseworker").select_related("org").first()
    if nominator is None or nominator.org is None or Team.objects.filter(name=TEAM).exists():
        return 0
    team = services.create_team(nominator.org, name=TEAM, members_count=9, by=nominator)
    title = services.nominate(team, deeds="（演示）连续三年食品安全零事故。", by=nominator)
    today = timezone.localdate()
    TITLE_FLOW.take_step(
        title, TitleStep.REVIEW, by=Staff.objects.get(username="zz_reviewer"),
        publicity_starts_on=today - datetime.timedelta(days=12),
        publicity_ends_on=today - datetime.timedelta(days=6),
    )  # fmt: skip
    county = Staff.objects.get(username="hj_caseworker")
    competition = services.create_competition(
        Org.objects.get(code="410108"), name=f"{today.year}年惠济区安全生产劳动竞赛", kind=CompetitionKind.SAFETY,
        starts_on=today.replace(month=1, day=1), ends_on=today.replace(month=12, day=31), by=county,
    )  # fmt: skip
    entry = services.enter_team(competition, team=team, by=county)
    services.record_result(entry, rank=1, score="96.5", award="一等奖", by=county)
    _studio(today)
    return 1


def _studio(today: datetime.date) -> None:
    city = Staff.objects.get(username="zz_caseworker")
    zhengzhou = Org.objects.get(code="410100")
    leader = Worker.objects.filter(org__path__startswith=zhengzhou.path).order_by("pk").first()
    if leader is None:
        return
    studio = services.create_studio(
        zhengzhou, name=f"{leader.name}劳模创新工作室", kind=StudioKind.MODEL_WORKER,
        leader=leader, level=StudioLevel.CITY, recognised_on=today.replace(month=1, day=1), by=city,
    )  # fmt: skip
    project = services.add_project(studio, title="（演示）节能降耗技术攻关",
                                   year_started=today.year, status=ProjectStatus.ONGOING, by=city)  # fmt: skip
    services.add_result(studio, kind=ResultKind.SAVING, title="（演示）年节约电费", achieved_on=today,
                        savings_fen=8_600_000, project=project, by=city)  # fmt: skip
    alliance = services.create_alliance(zhengzhou, name="郑州市劳模和工匠人才创新工作室联盟",
                                        kind=AllianceKind.CITY, by=city)  # fmt: skip
    services.join_alliance(alliance, studio, by=city)
