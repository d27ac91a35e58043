"""The gig-job corners' vocabulary (零工客栈): pay units, the statuses and steps of a match,
kinds of dispute, who may manage a corner, and the minimum-wage arithmetic.

The standards app keeps one dated minimum wage per region, a monthly amount. The hourly floor
is that amount over 174 hours (21.75 paid days a month × 8 hours, 劳社部发〔2008〕3号), rounded
up to the fen; a day's pay is held against the hourly floor × 8 (ADR 0027)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.rules import Role

MANAGER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})
HOURS_A_MONTH_NUMERATOR = 174  # 21.75 days × 8 hours
HOURS_A_DAY = 8
NEAR_RADIUS_M = 20_000.0  # the member's "附近零工" looks this far
NEAR_LIMIT = 30
MAX_WANTED = 500
MAX_PAY_FEN = 10_000_00  # 10,000 元 a day or an hour is a typing slip


def hourly_floor_fen(monthly_fen: int) -> int:
    """The hourly minimum in fen from a monthly minimum wage in fen (rounded up)."""
    return -(-int(monthly_fen) // HOURS_A_MONTH_NUMERATOR)


def floor_for_unit(monthly_fen: int, unit: str) -> int:
    hourly = hourly_floor_fen(monthly_fen)
    return hourly * HOURS_A_DAY if unit == PayUnit.DAY else hourly


class PayUnit(models.TextChoices):
    DAY = "day", _("Per day")  # 按天
    HOUR = "hour", _("Per hour")  # 按小时


class PostStatus(models.TextChoices):
    OPEN = "open", _("Open")  # 招工中
    CLOSED = "closed", _("Closed")  # 已结束


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the worker's consent")  # 待本人同意
    CONSENTED = "consented", _("Consented")  # 本人已同意
    STARTED = "started", _("Started")  # 已上岗
    COMPLETED = "completed", _("Completed")  # 已完工
    CANCELLED = "cancelled", _("Cancelled")  # 已取消
    NO_SHOW = "no_show", _("No-show")  # 未到岗
    DECLINED = "declined", _("Declined by the worker")  # 本人拒绝


# After the worker's consent the employer may see the worker's contact.
CONSENTED_STATUSES = frozenset(
    {MatchStatus.CONSENTED, MatchStatus.STARTED, MatchStatus.COMPLETED, MatchStatus.NO_SHOW}
)


class MatchStep(models.TextChoices):
    CONSENT = "consent", _("Record the worker's consent")  # 记录本人同意
    DECLINE = "decline", _("Record the worker's refusal")  # 本人拒绝
    START = "start", _("Started work")  # 上岗
    COMPLETE = "complete", _("Completed")  # 完工
    NO_SHOW = "no_show", _("Did not come")  # 未到岗
    CANCEL = "cancel", _("Cancel the match")  # 取消


class DisputeKind(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid wages")  # 欠薪
    INJURY = "injury", _("Injury at work")  # 工伤
    OTHER = "other", _("Other dispute")  # 其他
