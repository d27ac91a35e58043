"""The skills app's vocabulary (技能): kinds and levels of certificate, exam results, the
subsidy settlement's statuses and steps, and who may run courses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.rules import Role

MANAGER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})
PREPARER_ROLES = frozenset({Role.CASEWORKER})
MAX_SUBSIDY_FEN = 100_000 * 100  # 10 万元 a trainee is past any real subsidy
SETTLEMENT_SOURCE = "skills.settlement"  # the ledger's and the batches' name


class CertificateKind(models.TextChoices):
    QUALIFICATION = "qualification", _("Vocational qualification")  # 职业资格
    SKILL_LEVEL = "skill_level", _("Vocational skill level")  # 职业技能等级
    SPECIAL = "special", _("Special vocational ability")  # 专项职业能力
    OTHER = "other", _("Other training certificate")  # 培训合格证等


class Level(models.TextChoices):
    """The five levels of the national vocational skill standard (国家职业技能标准)."""

    NONE = "", _("No level")
    FIVE = "5", _("Level 5 / junior worker")  # 五级/初级工
    FOUR = "4", _("Level 4 / intermediate worker")  # 四级/中级工
    THREE = "3", _("Level 3 / senior worker")  # 三级/高级工
    TWO = "2", _("Level 2 / technician")  # 二级/技师
    ONE = "1", _("Level 1 / senior technician")  # 一级/高级技师


class ExamResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class SettlementStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    APPROVED = "approved", _("Approved")
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")


class SettlementStep(models.TextChoices):
    APPROVE = "approve", _("Approve")
    CANCEL = "cancel", _("Cancel")
