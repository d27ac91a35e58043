"""Benefit rules as data (a plan version's `rules` JSON), checked with the bad part named, and
the automatic check's arithmetic: what each line of a claim may be paid and why the rest is cut.

Rules of a fixed-sum plan (critical illness, women workers' special illness)::

    {"illnesses": {"cancer": "恶性肿瘤", …},
     "fixed": [{"illness": "cancer" or "*", "from_day": 30, "to_day": 90, "fen": 50000}, …]}

`from_day`/`to_day` count days of cover, the first day of cover being day 1; `to_day` may be
left out (no end). Rules of a cost plan (inpatient, accident)::

    {"percent": 60, "deductible_fen": 100000}

A percentage of the eligible out-of-pocket cost above the deductible (per claim). Pure Python:
no database, so the single claim and the bulk check share it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation

from .rules import FIXED_SUM_KINDS, Cut

MAX_FEN = 10**11


def _int(value: Any, where: str, *, low: int = 0, high: int = MAX_FEN) -> int:
    if type(value) is not int or not low <= value <= high:
        raise RuleViolation(
            _("Benefit rules, %(where)s: write a whole number from %(low)d to %(high)d.")
            % {"where": where, "low": low, "high": high},
            field="rules",
        )
    return value


@dataclass(frozen=True)
class FixedSum:
    illness: str
    from_day: int
    to_day: int | None
    fen: int


@dataclass(frozen=True)
class BenefitRules:
    illnesses: dict[str, str] = field(default_factory=dict)
    fixed: tuple[FixedSum, ...] = ()
    percent: int = 0
    deductible_fen: int = 0

    @property
    def is_fixed(self) -> bool:
        return bool(self.fixed)

    def fixed_sum(self, illness: str, day: int) -> int:
        """The sum for an illness diagnosed on day `day` of cover (0 when none applies)."""
        for row in self.fixed:
            if (
                row.illness in (illness, "*")
                and row.from_day <= day
                and (row.to_day is None or day <= row.to_day)
            ):
                return row.fen
        return 0


def _fixed_rows(rows: Any, illnesses: dict[str, str]) -> tuple[FixedSum, ...]:
    if not isinstance(rows, list) or not rows:
        raise RuleViolation(_("Benefit rules: list at least one fixed sum."), field="rules")
    found = []
    for number, row in enumerate(rows, start=1):
        where = _("fixed sum %(n)d") % {"n": number}
        if not isinstance(row, dict) or set(row) - {"illness", "from_day", "to_day", "fen"}:
            raise RuleViolation(
                _("Benefit rules, %(where)s: use illness, from_day, to_day and fen.")
                % {"where": where},
                field="rules",
            )
        illness = row.get("illness", "*")
        if illness != "*" and illness not in illnesses:
            raise RuleViolation(
                _("Benefit rules, %(where)s: the illness %(code)s is not listed.")
                % {"where": where, "code": str(illness)[:20]},
                field="rules",
            )
        start = _int(row.get("from_day", 1), where, low=1, high=100_000)
        end = row.get("to_day")
        if end is not None:
            end = _int(end, where, low=start, high=100_000)
        found.append(FixedSum(illness, start, end, _int(row.get("fen"), where, low=1)))
    return tuple(found)


def parse_rules(kind: str, data: Any) -> BenefitRules:
    """The rules of a plan of `kind`, or a RuleViolation naming what is wrong."""
    if not isinstance(data, dict):
        raise RuleViolation(_("Benefit rules must be an object."), field="rules")
    if kind in FIXED_SUM_KINDS:
        illnesses = data.get("illnesses")
        if (
            not isinstance(illnesses, dict)
            or not illnesses
            or not all(
                isinstance(k, str) and isinstance(v, str) and 0 < len(k) <= 20 and 0 < len(v) <= 40
                for k, v in illnesses.items()
            )
        ):
            raise RuleViolation(
                _("Benefit rules: list the covered illnesses as code: name."), field="rules"
            )
        return BenefitRules(
            illnesses=dict(illnesses), fixed=_fixed_rows(data.get("fixed"), illnesses)
        )
    if set(data) - {"percent", "deductible_fen"}:
        raise RuleViolation(_("Benefit rules: use percent and deductible_fen."), field="rules")
    return BenefitRules(
        percent=_int(data.get("percent"), _("percent"), low=1, high=100),
        deductible_fen=_int(data.get("deductible_fen", 0), _("deductible")),
    )


def day_of_cover(cover_start: datetime.date, day: datetime.date) -> int:
    """Day 1 is the first day of cover."""
    return (day - cover_start).days + 1


@dataclass
class LineIn:
    asked_fen: int
    eligible_fen: int
    invoice_left_fen: int | None = None  # None: the line consumes no invoice


@dataclass
class LineOut:
    proposed_fen: int
    cuts: list[list[Any]] = field(default_factory=list)  # [[code, fen], …]

    def cut(self, code: str, fen: int) -> None:
        if fen > 0:
            self.proposed_fen -= fen
            self.cuts.append([code, fen])


@dataclass
class Limits:
    claim_fen: int
    year_left_fen: int
    episode_left_fen: int


def propose(
    lines: list[LineIn], rules: BenefitRules, limits: Limits, *, refusal: str = ""
) -> list[LineOut]:
    """Each line's proposed amount and its cuts, which add up to what was asked.

    A refusal of the whole claim (waiting period, not a member, outside the term) cuts every
    line; otherwise a line is cut to its eligible part, the deductible, the plan's rate, the
    invoice's remaining self-paid amount, then the caps (per claim, episode and year)."""
    outs = [LineOut(line.asked_fen) for line in lines]
    if refusal:
        for out, line in zip(outs, lines, strict=True):
            out.cut(refusal, line.asked_fen)
        return outs
    deductible = rules.deductible_fen
    room = min(limits.claim_fen, limits.year_left_fen, limits.episode_left_fen)
    for out, line in zip(outs, lines, strict=True):
        out.cut(Cut.NOT_COVERED, max(line.asked_fen - line.eligible_fen, 0))
        if not rules.is_fixed:
            taken = min(deductible, out.proposed_fen)
            deductible -= taken
            out.cut(Cut.DEDUCTIBLE, taken)
            out.cut(Cut.RATE, out.proposed_fen - out.proposed_fen * rules.percent // 100)
        if line.invoice_left_fen is not None:
            out.cut(Cut.DUPLICATE_INVOICE, max(out.proposed_fen - line.invoice_left_fen, 0))
        over = max(out.proposed_fen - max(room, 0), 0)
        out.cut(Cut.OVER_CAP, over)
        room -= out.proposed_fen
    return outs


def coverage_refusal(
    *,
    active: bool,
    starts_on: datetime.date,
    ends_on: datetime.date,
    cover_starts_on: datetime.date | None,
    waiting_ends_on: datetime.date | None,
    day: datetime.date,
) -> str:
    """Why the enrolment does not cover `day` at all (a Cut code), or ""."""
    if not active or cover_starts_on is None:
        return Cut.NOT_MEMBER
    if day < starts_on or day > ends_on:
        return Cut.OUTSIDE_TERM
    if day < cover_starts_on:
        return Cut.NOT_MEMBER
    if waiting_ends_on is not None and day <= waiting_ends_on:
        return Cut.WAITING
    return ""
