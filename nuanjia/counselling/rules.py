"""The psychological-help app's vocabulary: kinds of helper, channels, risk levels, the swap's
statuses and steps, the kinds of event, and who may manage a line."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.rules import Role

MANAGER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})
SUPERVISOR_ROLES = frozenset({Role.APPROVER})
DEFAULT_FOLLOW_UP_HOURS = 24
GAP_DAYS = 7  # the supervisor's home looks this many days ahead
MAX_GAP_DAYS = 62
MAX_SHIFT = datetime.timedelta(hours=24)


class HelperKind(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")  # 心理咨询师
    VOLUNTEER = "volunteer", _("Volunteer")  # 志愿者


class Channel(models.TextChoices):
    CALL = "call", _("Call")
    CHAT = "chat", _("Chat")


class Risk(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class FollowUp(models.TextChoices):
    """Where a high-risk session's follow-up stands (a figure's dimension)."""

    NOT_NEEDED = "", _("Not needed")
    OPEN = "open", _("Waiting")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class SwapStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class SwapStep(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")


class EventKind(models.TextChoices):
    CLASS = "class", _("Class")  # 心灵护航 classes
    COLUMN = "column", _("Column")  # 职工心灵夜话 columns
