"""Pure hardship rules, no database: file states and steps, categories, exclusions,
gradual-exit limits, review dates and the spot-check draw (docs/domain.md "Hardship workers").

Every threshold comes in through `PolicyValues`, so a region's configuration decides it.
"""

import calendar
import datetime
import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.rules import Role
from nuanjia.standards import rules as standards_rules


class Status(models.TextChoices):
    APPLIED = (
        "applied",
        gettext_lazy("Applied"),
    )  # 已申请: application received or opened by the union
    CHECKED = (
        "checked",
        gettext_lazy("Checked"),
    )  # 已核实: the grassroots union checked it; a visit is due
    VISITED = (
        "visited",
        gettext_lazy("Visited"),
    )  # 已入户调查: income assessed, consent signed, category proposed
    REVIEWED = (
        "reviewed",
        gettext_lazy("Reviewed"),
    )  # 已审核: county review with the civil-affairs check
    IN_PUBLICITY = "publicity", gettext_lazy("In publicity")  # 公示中: no approval before it ends
    APPROVED = "approved", gettext_lazy("Approved")  # 已审批: waits to be filed
    FILED = "filed", gettext_lazy("Filed")  # 已建档: helped; reviewed at least once a year
    UNDER_REVIEW = "under_review", gettext_lazy("Under review")  # 复核中: annual review or a change
    TO_EXIT = "to_exit", gettext_lazy("Exit proposed")  # 待脱困审批: the review found it must exit
    GRADUAL_EXIT = (
        "gradual_exit",
        gettext_lazy("Gradual exit"),
    )  # 渐退期: exited, phase-out still paid
    EXITED = "exited", gettext_lazy("Exited (watched)")  # 已脱困: on the watch list; may re-enter
    REJECTED = "rejected", gettext_lazy("Rejected")  # 未通过: final
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")  # 已撤回: final


# A household has at most one file in these states in the whole province (一户一档); a
# rejected or withdrawn application closes, and an exited family re-enters its own file.
LIVE_STATUSES = frozenset(set(Status) - {Status.REJECTED, Status.WITHDRAWN})
APPLICATION_STATUSES = frozenset(
    {
        Status.APPLIED,
        Status.CHECKED,
        Status.VISITED,
        Status.REVIEWED,
        Status.IN_PUBLICITY,
        Status.APPROVED,
    }
)
FILED_STATUSES = frozenset({Status.FILED, Status.UNDER_REVIEW, Status.TO_EXIT})
EXIT_STATUSES = frozenset({Status.GRADUAL_EXIT, Status.EXITED})
# Statuses in which the file holds a decided category and a filing date.
HAS_BEEN_FILED = FILED_STATUSES | EXIT_STATUSES


class Step(models.TextChoices):
    """The actions on a file; each is one service, declared in workflow.FLOW."""

    APPLY = "apply", gettext_lazy("Open a file")
    CHECK = "check", gettext_lazy("Confirm the check")
    VISIT = "visit", gettext_lazy("Record the home visit")
    REVIEW = "review", gettext_lazy("Review")
    PUBLISH = "publish", gettext_lazy("Start publicity")
    APPROVE = "approve", gettext_lazy("Approve")
    FILE = "file", gettext_lazy("File the family")
    START_REVIEW = "start_review", gettext_lazy("Start a review")
    COMPLETE_REVIEW = "complete_review", gettext_lazy("Complete the review")
    PROPOSE_EXIT = "propose_exit", gettext_lazy("Propose the exit")
    EXIT = "exit", gettext_lazy("Exit")
    END_GRADUAL_EXIT = "end_gradual_exit", gettext_lazy("End the gradual exit")
    RE_ENTER = "re_enter", gettext_lazy("Re-enter")
    REOPEN_REVIEW = "reopen_review", gettext_lazy("Keep filed: back to the review")
    SEND_BACK = "send_back", gettext_lazy("Send back for a new visit")
    REJECT = "reject", gettext_lazy("Reject")
    WITHDRAW = "withdraw", gettext_lazy("Withdraw")


OBJECTION_ROLES = frozenset({Role.CASEWORKER, Role.REVIEWER})
RESOLVE_OBJECTION_ROLES = frozenset({Role.REVIEWER})
PROPOSE_CHANGE_ROLES = frozenset({Role.CASEWORKER})
# Standards and policies are set by the city (or province) union's reviewers and approvers.
STANDARD_ROLES = standards_rules.STANDARD_ROLES  # who sets 低保 standards also sets policies
BULK_ROLES = frozenset({Role.REVIEWER, Role.APPROVER})
# Who adds and removes a file's attachments (anyone who may read the file downloads them).
ATTACHMENT_ROLES = frozenset({Role.CASEWORKER, Role.REVIEWER, Role.APPROVER})


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", gettext_lazy("Application form")  # 申请表
    INCOME = "income", gettext_lazy("Income proof")  # 收入证明
    VISIT = "visit", gettext_lazy("Visit record")  # 走访记录
    OTHER = "other", gettext_lazy("Other")  # 其他


class Category(models.TextChoices):
    NONE = "", gettext_lazy("No hardship category")  # above the lines
    DEEP = (
        "deep",
        gettext_lazy("Deep hardship"),
    )  # 深度困难: ≤ 1 × 低保, or on 低保 with extra costs
    RELATIVE = "relative", gettext_lazy("Relative hardship")  # 相对困难: < multiple × 低保
    SUDDEN = (
        "sudden",
        gettext_lazy("Sudden hardship"),
    )  # 意外致困: sudden cause, below the relative line


class ExitReason(models.TextChoices):
    INCOME = "income", gettext_lazy("Income above the hardship line")  # 收入超过困难标准
    REQUESTED = "requested", gettext_lazy("The family asked to leave")  # 本人申请退出
    MOVED = "moved", gettext_lazy("Moved out of the region")  # 迁出
    DECEASED = "deceased", gettext_lazy("The worker died")  # 建档职工去世
    INELIGIBLE = "ineligible", gettext_lazy("Found not to qualify")  # 核查不符合条件
    OTHER = "other", gettext_lazy("Other")  # 其他 (the note says what)


class ReviewReason(models.TextChoices):
    NONE = "", gettext_lazy("None")  # not due
    ANNUAL = "annual", gettext_lazy("Annual review")  # 年度复核
    CHANGE = "change", gettext_lazy("Change in the family")  # 家庭情况变化
    STANDARD = "standard", gettext_lazy("Dibao standard changed")  # 低保标准调整后类别变化


@dataclass(frozen=True)
class PolicyValues:
    """A region's hardship configuration on a date; defaults in docs/domain.md."""

    relative_multiple: Decimal = Decimal(
        "2.00"
    )  # 相对困难 line = multiple × 低保 (some places 1.5)
    tiered_help_multiple: Decimal = Decimal("1.20")  # 防困对象: below relative line × this
    publicity_days: int = 7  # 公示 length in calendar days
    gradual_exit_min_months: int = 1  # 渐退期 (campaign: 1–6 months)
    gradual_exit_max_months: int = 6
    gradual_exit_max_percent: int = 60  # monthly phase-out ≤ this % of the pre-exit standard
    spot_check_percent: int = 30  # share of the annual review that is spot-checked (at least)
    review_interval_months: int = 12  # at least one review a year
    retention_years: int = 10  # files kept this long after exit
    average_home_area_m2: Decimal = Decimal("40.00")  # local average housing area per person


DEFAULT_POLICY = PolicyValues()


# ---- Categories ---------------------------------------------------------------------------


def relative_limit_fen(dibao_fen: int, multiple: Decimal) -> int:
    """The smallest whole-分 income that is not below the relative line (dibao × multiple).

    `income < relative_limit_fen(...)` is exactly `income < dibao × multiple`, in integers,
    so the same comparison runs in Python and in SQL.
    """
    return math.ceil(Decimal(dibao_fen) * multiple)


def tiered_limit_fen(dibao_fen: int, policy: PolicyValues) -> int:
    """The smallest income that is not below relative line × tiered-help multiple."""
    return math.ceil(Decimal(dibao_fen) * policy.relative_multiple * policy.tiered_help_multiple)


def propose_category(
    *,
    per_capita_income_fen: int,
    dibao_fen: int,
    relative_multiple: Decimal = DEFAULT_POLICY.relative_multiple,
    is_on_dibao: bool = False,
    has_special_costs: bool = False,
    is_sudden: bool = False,
) -> str:
    """The category the rules propose; Category.NONE when the family is above the lines.

    深度 first (≤ 1 × 低保, or on 低保 with extra illness, school or disability costs), then
    意外致困 (a sudden cause marked by the caseworker and, after compensation, below the
    relative line), then 相对 (below multiple × 低保). The bulk re-assessment in
    services.reassessment_update is the same decision in SQL; a test keeps them equal.
    """
    if per_capita_income_fen <= dibao_fen or (is_on_dibao and has_special_costs):
        return Category.DEEP
    below_relative = per_capita_income_fen < relative_limit_fen(dibao_fen, relative_multiple)
    if below_relative and is_sudden:
        return Category.SUDDEN
    if below_relative:
        return Category.RELATIVE
    return Category.NONE


def is_tiered_help(
    *, per_capita_income_fen: int, dibao_fen: int, policy: PolicyValues = DEFAULT_POLICY
) -> bool:
    """防困对象: at or above the relative line but below it × the tiered-help multiple."""
    relative = relative_limit_fen(dibao_fen, policy.relative_multiple)
    return relative <= per_capita_income_fen < tiered_limit_fen(dibao_fen, policy)


def default_monthly_standard_fen(category: str, dibao_fen: int) -> int:
    """The suggested monthly living aid while filed (practice: 深度 ≤ 12 months of 低保 a year,
    相对 and 意外 ≤ 8 months), which the reviewer may change."""
    if category == Category.DEEP:
        return dibao_fen
    if category in (Category.RELATIVE, Category.SUDDEN):
        return dibao_fen * 8 // 12
    return 0


def sudden_income_fen(
    per_capita_income_fen: int, compensation_fen: int, household_size: int
) -> int:
    """Per-capita monthly income after a one-off compensation, insurance or aid payment,
    spread over the 12-month window like every other income."""
    if household_size <= 0:
        raise RuleViolation(_("The household has no members."), field="household")
    return per_capita_income_fen + compensation_fen // (household_size * 12)


# ---- Exclusions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    code: str  # homes, car, school, business, refused
    reason: str  # in the user's language, with the figures that decided it

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason}


def find_exclusions(
    *,
    homes_count: int,
    homes_area_m2: Decimal,
    household_size: int,
    owns_car: bool,
    child_in_costly_school: bool,
    controls_business: bool,
    refused_verification: bool,
    policy: PolicyValues = DEFAULT_POLICY,
) -> list[Exclusion]:
    """Facts that exclude a family whatever its income, each explained (docs/domain.md "Exclusions").

    Homes: two or more homes and a per-person area above the local average (equal is not above).
    """
    found = []
    size = max(household_size, 1)
    area_per_person = (Decimal(homes_area_m2) / size).quantize(Decimal("0.01"))
    if homes_count >= 2 and area_per_person > policy.average_home_area_m2:
        found.append(
            Exclusion(
                "homes",
                _(
                    "The family owns %(count)d homes with %(area)s m² per person, above the local average of %(average)s m²."
                )
                % {
                    "count": homes_count,
                    "area": area_per_person,
                    "average": policy.average_home_area_m2,
                },
            )
        )
    if owns_car:
        found.append(
            Exclusion(
                "car", _("The family owns or regularly uses a car (disability aids excepted).")
            )
        )
    if child_in_costly_school:
        found.append(
            Exclusion(
                "school",
                _(
                    "A child attends a high-fee private school or studies abroad at the family's cost."
                ),
            )
        )
    if controls_business:
        found.append(
            Exclusion(
                "business", _("A family member controls a company, owns shops or employs others.")
            )
        )
    if refused_verification:
        found.append(
            Exclusion("refused", _("The family refused verification or gave false information."))
        )
    return found


# ---- Gradual exit -------------------------------------------------------------------------


def gradual_exit_cap_fen(pre_exit_standard_fen: int, policy: PolicyValues = DEFAULT_POLICY) -> int:
    """The highest monthly phase-out amount: max % of the pre-exit standard, rounded down to 分."""
    return pre_exit_standard_fen * policy.gradual_exit_max_percent // 100


def validate_gradual_exit(
    months: int, monthly_fen: int, pre_exit_standard_fen: int, policy: PolicyValues = DEFAULT_POLICY
) -> None:
    """A phase-out of `months` months at `monthly_fen` a month, within the policy's limits.

    Campaign default: 1 to 6 months, at most 60% of the pre-exit monthly standard.
    """
    if not policy.gradual_exit_min_months <= months <= policy.gradual_exit_max_months:
        raise RuleViolation(
            _("The gradual exit must last %(min)d to %(max)d months.")
            % {"min": policy.gradual_exit_min_months, "max": policy.gradual_exit_max_months},
            field="gradual_exit_months",
        )
    if monthly_fen <= 0:
        raise RuleViolation(
            _("Enter the monthly amount of the gradual exit."), field="gradual_exit_monthly_fen"
        )
    cap = gradual_exit_cap_fen(pre_exit_standard_fen, policy)
    if monthly_fen > cap:
        raise RuleViolation(
            _(
                "The monthly amount may be at most %(percent)d%% of the pre-exit standard (%(cap)s yuan)."
            )
            % {"percent": policy.gradual_exit_max_percent, "cap": format_yuan(cap)},
            field="gradual_exit_monthly_fen",
        )


# ---- Dates --------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has none (1-31 → 2-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def next_review_on(filed_on: datetime.date, policy: PolicyValues = DEFAULT_POLICY) -> datetime.date:
    """At least one review a year: due `review_interval_months` after filing or the last review."""
    return add_months(filed_on, policy.review_interval_months)


def publicity_ends_on(
    starts_on: datetime.date, policy: PolicyValues = DEFAULT_POLICY
) -> datetime.date:
    """The last day of publicity: `publicity_days` calendar days including the first."""
    return starts_on + datetime.timedelta(days=policy.publicity_days - 1)


def gradual_exit_ends_on(exited_on: datetime.date, months: int) -> datetime.date:
    """The last day of a phase-out of `months` months starting on the exit date."""
    return add_months(exited_on, months) - datetime.timedelta(days=1)


def retention_ends_on(
    exited_on: datetime.date, policy: PolicyValues = DEFAULT_POLICY
) -> datetime.date:
    return add_months(exited_on, 12 * policy.retention_years)


# ---- Spot checks --------------------------------------------------------------------------


def spot_check_count(total: int, percent: int) -> int:
    """At least `percent` % of `total`, rounded up."""
    return -(-total * percent // 100)


def spot_check_key(file_id: int, *, year: int, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{year}:{file_id}".encode()).hexdigest()


def select_spot_checks(
    file_ids: Iterable[int], *, percent: int, year: int, seed: int = 0
) -> set[int]:
    """The files to spot-check in `year`: the same ≥ `percent` % for the same ids, year and seed.

    Each id's place comes from a hash of (seed, year, id), so re-running the draw picks the
    same files, a new year or seed picks others, and nobody can steer it by ordering the list.
    """
    ids = sorted(set(file_ids))
    wanted = spot_check_count(len(ids), percent)
    ranked = sorted(ids, key=lambda file_id: spot_check_key(file_id, year=year, seed=seed))
    return set(ranked[:wanted])


# ---- Money --------------------------------------------------------------------------------


def format_yuan(fen: int | None) -> str:
    """分 as 元 with two decimals and thousands separators: 123456 → "1,234.56"."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


@dataclass(frozen=True)
class Assessment:
    """What the visit found: the figures, the proposed category, exclusions and the tiered flag."""

    household_size: int
    per_capita_income_fen: int
    dibao_fen: int
    relative_limit_fen: int
    category: str
    is_tiered_help: bool
    exclusions: list[Exclusion] = field(default_factory=list)
    # Facts kept with the snapshot, so the bulk re-assessment decides in SQL what this decided.
    is_on_dibao: bool = False
    has_special_costs: bool = False

    @property
    def is_eligible(self) -> bool:
        return bool(self.category) and not self.exclusions
