"""The vocabulary of 工人先锋号, labour competitions (劳动竞赛) and innovation studios
(劳模和工匠人才创新工作室): the title's statuses and steps, award levels and which union
awards which, competition kinds, studio kinds, project statuses and result kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

MANAGER_ROLES = frozenset({Role.CASEWORKER, Role.REVIEWER, Role.APPROVER})
NOMINATOR_ROLES = frozenset({Role.CASEWORKER})
MAX_PUBLICITY_DAYS = 60
FIRST_YEAR = 1950


class TitleStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")  # 已推荐
    PUBLICITY = "publicity", _("In publicity")  # 公示中
    AWARDED = "awarded", _("Awarded")  # 已命名
    REFUSED = "refused", _("Not awarded")  # 未通过
    REVOKED = "revoked", _("Revoked")  # 已撤销


class TitleStep(models.TextChoices):
    REVIEW = "review", _("Review and publicise")  # 审核并公示
    AWARD = "award", _("Award the title")  # 命名
    REFUSE = "refuse", _("Refuse")  # 不予命名
    PASS_REVIEW = "pass_review", _("Annual review passed")  # 年度复核通过
    REVOKE = "revoke", _("Revoke the title")  # 撤销


OPEN_STATUSES = (TitleStatus.NOMINATED, TitleStatus.PUBLICITY)


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("National")  # 全国
    PROVINCIAL = "provincial", _("Provincial")  # 省级
    CITY = "city", _("City")  # 市级
    COUNTY = "county", _("County")  # 县级


# Which levels a union of each kind awards: the province records 全国 titles too.
LEVELS_BY_KIND: dict[str, tuple[str, ...]] = {
    Org.Kind.PROVINCE: (AwardLevel.NATIONAL, AwardLevel.PROVINCIAL),
    Org.Kind.CITY: (AwardLevel.CITY,),
    Org.Kind.COUNTY: (AwardLevel.COUNTY,),
}


class CompetitionKind(models.TextChoices):
    SKILLS = "skills", _("Skills")  # 技能
    SAFETY = "safety", _("Safety")  # 安全
    ENERGY = "energy", _("Energy saving")  # 节能
    INNOVATION = "innovation", _("Innovation")  # 创新
    OTHER = "other", _("Other")  # 其他


class StudioKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker innovation studio")  # 劳模创新工作室
    CRAFTSMAN = "craftsman", _("Craftsman innovation studio")  # 工匠人才创新工作室


class StudioLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    ENTERPRISE = "enterprise", _("Enterprise")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")


class ResultKind(models.TextChoices):
    PATENT = "patent", _("Patent")  # 专利
    AWARD = "award", _("Award")  # 奖项
    SAVING = "saving", _("Savings")  # 创效节支
    OTHER = "other", _("Other")


class AllianceKind(models.TextChoices):
    CITY = "city", _("City")  # 市域联盟
    INDUSTRY = "industry", _("Industry")  # 行业联盟
