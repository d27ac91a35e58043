"""Mutual aid's words: plan kinds, pool levels, statuses, steps, the coded reasons of a cut,
the documents a claim needs, and the small date rules (terms of unequal months, waiting
periods) every part uses."""

from __future__ import annotations

import calendar
import datetime
import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

SOURCE_CONTRIBUTION = "mutualaid.contribution"
SOURCE_CLAIM = "mutualaid.claim"
SOURCE_REFUND = "mutualaid.refund"
EARMARK_CODE = "mutual-aid"
DEFAULT_GRACE_DAYS = 30
COOLING_OFF_DAYS = 30  # a cancellation this soon after cover starts, with no claim, is refunded


class PlanKind(models.TextChoices):
    CRITICAL = "critical", _("Critical illness")  # 重大疾病
    INPATIENT = "inpatient", _("Inpatient care")  # 住院医疗
    ACCIDENT = "accident", _("Accident")  # 意外
    WOMEN = "women", _("Women workers' special illness")  # 女职工特殊疾病


class PoolLevel(models.TextChoices):
    CITY = "city", _("City federation")
    PROVINCE = "province", _("Provincial federation")


class EnrolmentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Waiting for the contribution")
    ACTIVE = "active", _("Covered")
    CANCELLED = "cancelled", _("Cancelled")


class Payer(models.TextChoices):
    UNION = "union", _("Union")
    MEMBER = "member", _("Member")
    EMPLOYER = "employer", _("Employer")


class ClaimStatus(models.TextChoices):
    RECEIVED = "received", _("Received, automatic check pending")
    SUBMITTED = "submitted", _("Checked, waiting for review")
    SECOND_REVIEW = "second_review", _("Waiting for a second review")
    APPROVED = "approved", _("Approved, waiting for payment")
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled after approval")


class ClaimStep(models.TextChoices):
    REVIEW = "review", _("Send to a second review")
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")
    CANCEL = "cancel", _("Cancel the approved claim")


# The history's actions that are not workflow steps (the steps are labelled by ClaimStep).
OTHER_ACTIONS = {
    "submit": _("Claim entered"),
    "check": _("Automatic check"),
    "batch": _("Put in a payment batch"),
    "unbatch": _("Taken out of the payment batch"),
    "pay": _("Paid by the bank"),
    "fail": _("Payment failed"),
}


def action_label(action: str) -> str:
    """The Chinese label of a claim history action (a workflow step or one of the others)."""
    if action in ClaimStep.values:
        return str(ClaimStep(action).label)
    return str(OTHER_ACTIONS[action]) if action in OTHER_ACTIONS else action


class Via(models.TextChoices):
    STAFF = "staff", _("Entered by a caseworker")
    MEMBER = "member", _("Entered by the member")


class Cut(models.TextChoices):
    """Why a line is paid less than asked (each cut of a line names one)."""

    WAITING = "waiting", _("Within the waiting period")
    NOT_COVERED = "not_covered", _("Not covered")
    OVER_CAP = "over_cap", _("Over the cap")
    DUPLICATE_INVOICE = "duplicate_invoice", _("Invoice already reimbursed")
    NOT_MEMBER = "not_member", _("Not a member on that date")
    OUTSIDE_TERM = "outside_term", _("Outside the term")
    DEDUCTIBLE = "deductible", _("Below the deductible")
    RATE = "rate", _("Beyond the plan's rate")
    REFUSED = "refused", _("Refused by the reviewer")


# The reasons an approver may give for approving a line below its proposed amount.
APPROVER_CUTS = (
    Cut.NOT_COVERED, Cut.OVER_CAP, Cut.DUPLICATE_INVOICE, Cut.NOT_MEMBER, Cut.OUTSIDE_TERM,
    Cut.WAITING, Cut.RATE,
)  # fmt: skip


class DocKind(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("Diagnosis certificate")  # 诊断证明
    DISCHARGE = "discharge", _("Discharge summary")  # 出院小结
    BILL = "bill", _("Itemised bill")  # 费用清单
    INVOICE = "invoice", _("Invoice")  # 发票
    BANK_CARD = "bank_card", _("Bank card")  # 银行卡


REQUIRED_DOCS: dict[str, tuple[str, ...]] = {
    PlanKind.CRITICAL: (DocKind.DIAGNOSIS, DocKind.BANK_CARD),
    PlanKind.WOMEN: (DocKind.DIAGNOSIS, DocKind.BANK_CARD),
    PlanKind.INPATIENT: (
        DocKind.DIAGNOSIS, DocKind.DISCHARGE, DocKind.BILL, DocKind.INVOICE, DocKind.BANK_CARD,
    ),
    PlanKind.ACCIDENT: (DocKind.DIAGNOSIS, DocKind.BILL, DocKind.INVOICE, DocKind.BANK_CARD),
}  # fmt: skip
FIXED_SUM_KINDS = frozenset({PlanKind.CRITICAL, PlanKind.WOMEN})


def term_end(start: datetime.date, months: int) -> datetime.date:
    """The last day of a term of `months` from `start`: the day before the same day of the
    month `months` later, or that month's last day when it has no such day (a term from
    31 January for one month ends on 28 or 29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return datetime.date(year, month, last)
    return datetime.date(year, month, start.day) - datetime.timedelta(days=1)


def waiting_end(cover_start: datetime.date, days: int) -> datetime.date | None:
    """The last day of the waiting period (None when there is none): `days` days from the
    first day of cover; claims for a date after it are covered."""
    if days <= 0:
        return None
    return cover_start + datetime.timedelta(days=days - 1)


def invoice_key(code: str, number: str, check_code: str = "") -> str:
    """How the province knows one invoice: 票据代码 + 票据号码, or an e-invoice's code +
    number + 校验码; spaces and case do not make a new invoice."""
    parts = [part.strip().replace(" ", "").upper() for part in (code, number, check_code)]
    if parts[2]:
        return "E|" + "|".join(parts)
    return "P|" + "|".join(parts[:2])


def in_review_sample(plan_id: int, claim_id: int, percent: int) -> bool:
    """Whether a claim falls in its plan's second-review sample of `percent` per cent.

    Not random(): a hash of the claim's id salted with its plan's (the plan's seed), so the
    same claim is always in or out of the sample — whichever path checked it, however often
    it is checked again — and an auditor can recompute who was sampled."""
    digest = hashlib.sha256(f"mutualaid-sample:{plan_id}:{claim_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100 < percent
