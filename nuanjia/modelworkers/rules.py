"""The model-worker app's vocabulary (劳模): collectives and their honours, pairing targets,
the help programme's frequencies, statuses and steps, and who may manage the registers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.rules import Role
from nuanjia.people.honour_models import HonourKind

MANAGER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})
# The people.Honour kinds that put a worker on the register of model workers (劳模名册).
REGISTER_KINDS = (HonourKind.MODEL_WORKER, HonourKind.ADVANCED_WORKER)
# Only a 劳模 honour opens the regular help for model workers in difficulty (困难劳模帮扶).
HELP_KIND = HonourKind.MODEL_WORKER
HELP_SOURCE = "modelworkers.help"  # the ledger's source type of a help payment
EARMARK_CODE = "model-worker-help"  # 困难劳模帮扶资金 (migration 0002 seeds it)


class CollectiveKind(models.TextChoices):
    TEAM = "team", _("Workplace team")  # 班组, 车间
    EMPLOYER = "employer", _("Employer")  # 企业, 单位
    UNION = "union", _("Trade union")  # 工会


class CollectiveHonourKind(models.TextChoices):
    MODEL_HOME = "model_home", _("Model workers' home")  # 模范职工之家
    MAY_DAY_AWARD = "may_day_award", _("May Day Labour Award")  # 五一劳动奖状
    ADVANCED = "advanced", _("Advanced collective")  # 先进集体
    OTHER = "other", _("Other honour")


class PairingTarget(models.TextChoices):
    VILLAGE = "village", _("Village")  # a 乡村振兴 base's village
    FAMILY = "family", _("Hardship family")  # a 困难职工 family's file


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class StandardPer(models.TextChoices):
    MONTH = "month", _("Per month")
    YEAR = "year", _("Per year")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Receiving help")
    ENDED = "ended", _("Ended")


class PaymentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")


class PaymentStep(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")
