"""Pure relief rules, no database: grant states and steps (relief.workflow declares who moves
them), the cap check with its explanation, and the months of a gradual exit (docs/domain.md "Grants", "Gradual exit").

Every limit comes in through `CapValues`, read from the dated cap table by queries.cap_for, so
a region's configuration decides it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.money import format_yuan
from nuanjia.hardship.rules import add_months

# How the ledger (funds.sources) and the payment batches (core.payables) name a grant.
SOURCE_TYPE = "relief.grant"


class Status(models.TextChoices):
    PROPOSED = "proposed", gettext_lazy("Proposed")  # 待审核: the caseworker may still cancel it
    REVIEWED = "reviewed", gettext_lazy("Reviewed")  # 已审核: waits for an approver
    APPROVED = "approved", gettext_lazy("Approved")  # 已审批: money reserved; waits for a batch
    BATCHED = "batched", gettext_lazy("In a payment batch")  # 待发放: in a batch sent to the bank
    PAID = "paid", gettext_lazy("Paid")  # 已发放: the ledger spent it; final but for a return
    FAILED = "failed", gettext_lazy("Payment failed")  # 发放失败: reservation released; may retry
    RETURNED = "returned", gettext_lazy("Returned")  # 已退回: paid, then bounced back; final
    REJECTED = "rejected", gettext_lazy("Rejected")  # 未通过: a checker refused it; final
    CANCELLED = "cancelled", gettext_lazy("Cancelled")  # 已撤销: withdrawn, reservation released


# Grants holding money in the ledger's reserved bucket.
RESERVED_STATUSES = frozenset({Status.APPROVED, Status.BATCHED})
# Grants that count towards a worker's yearly total and the duplicate warning.
COUNTING_STATUSES = frozenset(
    {Status.PROPOSED, Status.REVIEWED, Status.APPROVED, Status.BATCHED, Status.PAID}
)
FINAL_STATUSES = frozenset({Status.RETURNED, Status.REJECTED, Status.CANCELLED})


class Step(models.TextChoices):
    PROPOSE = "propose", gettext_lazy("Propose")
    REVIEW = "review", gettext_lazy("Review")
    APPROVE = "approve", gettext_lazy("Approve")
    APPROVE_ADVANCE = "approve_advance", gettext_lazy("Approve as advance relief (one approver)")
    REJECT = "reject", gettext_lazy("Reject")
    CANCEL = "cancel", gettext_lazy("Cancel")
    BATCH = "batch", gettext_lazy("Put in a payment batch")
    UNBATCH = "unbatch", gettext_lazy("Take out of the batch")
    PAY = "pay", gettext_lazy("Record as paid")
    FAIL = "fail", gettext_lazy("Record as failed")
    RETRY = "retry", gettext_lazy("Retry the payment")
    RETURN = "return", gettext_lazy("Record as returned")


# Steps a person takes on one grant from its page (the batch steps go through the batch
# screen and the bank's result file). The states and steps are declared in relief.workflow.
GRANT_PAGE_STEPS = (
    Step.REVIEW,
    Step.APPROVE,
    Step.APPROVE_ADVANCE,
    Step.REJECT,
    Step.CANCEL,
    Step.RETRY,
    Step.RETURN,
)
# Grant types that the simplified one-approver path (一事一议、先行救助) may approve.
ADVANCE_TYPES = frozenset({"advance"})


# ---- Caps ---------------------------------------------------------------------------------


class YearScope(models.TextChoices):
    PERSON = "person", gettext_lazy("Per person")  # the worker's grants of the type this year
    HOUSEHOLD = "household", gettext_lazy("Per household")  # the whole family's


@dataclass(frozen=True)
class CapValues:
    """The limits for one grant type, hardship category and region on a date (None: no limit)."""

    per_occasion_fen: int | None = None
    per_year_fen: int | None = None
    dibao_months: Decimal | None = None  # a year's total at most this many months of 低保
    year_scope: str = YearScope.PERSON
    approval_limit_fen: int | None = None  # above it an approver of a higher union decides
    source: str = ""  # where the row comes from ("410000 · 2020-01-01"), for the explanation


NO_CAPS = CapValues()


@dataclass(frozen=True)
class CapLine:
    text: str
    is_ok: bool
    is_warning: bool = False  # allowed, but over a limit (e.g. a higher union must approve)


@dataclass
class CapCheck:
    """The outcome of checking an amount: one line per limit, for the proposer to read."""

    lines: list[CapLine] = field(default_factory=list)
    needs_higher_approval: bool = False

    @property
    def is_ok(self) -> bool:
        return all(line.is_ok for line in self.lines)

    @property
    def refusals(self) -> list[str]:
        return [line.text for line in self.lines if not line.is_ok]

    def as_json(self) -> list[dict[str, str | bool]]:
        return [
            {"text": line.text, "ok": line.is_ok, "warn": line.is_warning} for line in self.lines
        ]


def dibao_months_cap_fen(months: Decimal, dibao_fen: int) -> int:
    """`months` months of the monthly 低保 standard, in 分, rounded down to the fen."""
    return int((Decimal(months) * dibao_fen).to_integral_value(rounding=ROUND_DOWN))


def check_caps(
    amount_fen: int,
    caps: CapValues,
    *,
    year_total_fen: int,
    dibao_fen: int | None,
) -> CapCheck:
    """Check `amount_fen` against every limit of `caps`; the amount equal to a limit passes.

    `year_total_fen` is what the worker (or household, by `caps.year_scope`) already has of
    this type this year, not counting this grant. `dibao_fen` is the region's monthly 低保
    standard today (None when none is recorded: a months-of-低保 cap cannot then be met).
    """
    check = CapCheck()
    yuan = format_yuan
    if caps.source:
        check.lines.append(CapLine(_("Limits from %(source)s.") % {"source": caps.source}, True))
    if caps.per_occasion_fen is not None:
        ok = amount_fen <= caps.per_occasion_fen
        check.lines.append(
            CapLine(
                _("Per occasion at most %(cap)s yuan; this grant is %(amount)s yuan.")
                % {"cap": yuan(caps.per_occasion_fen), "amount": yuan(amount_fen)},
                ok,
            )
        )
    whom = _("this household") if caps.year_scope == YearScope.HOUSEHOLD else _("this person")
    if caps.per_year_fen is not None:
        total = year_total_fen + amount_fen
        check.lines.append(
            CapLine(
                _(
                    "Per year at most %(cap)s yuan for %(whom)s; %(before)s yuan already this "
                    "year, %(total)s yuan with this grant."
                )
                % {
                    "cap": yuan(caps.per_year_fen),
                    "whom": whom,
                    "before": yuan(year_total_fen),
                    "total": yuan(total),
                },
                total <= caps.per_year_fen,
            )
        )
    if caps.dibao_months is not None:
        total = year_total_fen + amount_fen
        check.lines.append(_dibao_line(caps.dibao_months, dibao_fen, total, whom))
    if caps.approval_limit_fen is not None and amount_fen > caps.approval_limit_fen:
        check.needs_higher_approval = True
        check.lines.append(
            CapLine(
                _(
                    "Above the local approval limit of %(limit)s yuan: an approver of a higher "
                    "union must approve it."
                )
                % {"limit": yuan(caps.approval_limit_fen)},
                True,
                is_warning=True,
            )
        )
    return check


def _dibao_line(months: Decimal, dibao_fen: int | None, total: int, whom: str) -> CapLine:
    """The months-of-低保 limit against the year's total with this grant."""
    if dibao_fen is None:
        return CapLine(
            _(
                "The limit is %(months)s months of the local dibao standard, and no "
                "standard is recorded for the region."
            )
            % {"months": _months(months)},
            False,
        )
    cap = dibao_months_cap_fen(months, dibao_fen)
    return CapLine(
        _(
            "Per year at most %(months)s months of dibao (%(dibao)s yuan a month) = "
            "%(cap)s yuan for %(whom)s; %(total)s yuan with this grant."
        )
        % {
            "months": _months(months),
            "dibao": format_yuan(dibao_fen),
            "cap": format_yuan(cap),
            "whom": whom,
            "total": format_yuan(total),
        },
        total <= cap,
    )


def _months(months: Decimal) -> str:
    text = f"{Decimal(months).normalize():f}"
    return text


# ---- Gradual exit -------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseOutMonth:
    number: int  # 1 … the file's gradual_exit_months
    starts_on: datetime.date
    ends_on: datetime.date


def phase_out_months(exited_on: datetime.date, months: int) -> list[PhaseOutMonth]:
    """The months of a phase-out that starts on the exit date: month n runs from n-1 months
    after the exit to the day before n months after it."""
    return [
        PhaseOutMonth(
            number,
            add_months(exited_on, number - 1),
            add_months(exited_on, number) - datetime.timedelta(days=1),
        )
        for number in range(1, months + 1)
    ]


def phase_out_months_due(
    exited_on: datetime.date, months: int, on: datetime.date
) -> list[PhaseOutMonth]:
    """The phase-out months to pay by `on`: those begun by then, while the period runs.

    A run missed one month catches that month up the next; once the period has ended the
    family gets nothing more (its last month was due while the period still ran).
    """
    period = phase_out_months(exited_on, months)
    if not period or on > period[-1].ends_on:
        return []
    return [month for month in period if month.starts_on <= on]
