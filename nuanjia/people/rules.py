"""Pure rules about people, no database: household income, ages, search keys, duplicate scores, roles.

Every threshold is an argument with a documented default, so a caller can pass the figure
configured for a region and date (the dated standards tables live in the hardship app).
"""

import datetime
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from nuanjia.core.idnumbers import age_on
from nuanjia.core.phones import normalize_phone
from nuanjia.core.pinyin import name_reading_keys
from nuanjia.orgs.rules import Role

# ---- Who may do what (besides seeing business data, which every business role may) ----------

# 经办人 register workers and households, record consents and ask for transfers.
REGISTER_ROLES = frozenset({Role.CASEWORKER})
# The owning union's caseworkers and reviewers accept or decline a transfer of its record.
DECIDE_TRANSFER_ROLES = frozenset({Role.CASEWORKER, Role.REVIEWER})
# 审核人/审批人 review possible duplicates: merge, keep apart, undo a merge.
REVIEW_DUPLICATE_ROLES = frozenset({Role.REVIEWER, Role.APPROVER})

# ---- Ages ------------------------------------------------------------------------------------

CHILD_AGE_BELOW = 14  # PIPL: data of a child under 14 is sensitive and needs a guardian's consent


@dataclass(frozen=True)
class WorkingAge:
    """Working age for imputing income: from `from_age` up to (not including) the statutory
    retirement age. Defaults are the long-standing 60 for men and 55 for women workers; the
    2025 reform raises them step by step, so a region passes its own figures."""

    from_age: int = 16
    retirement_age_male: int = 60
    retirement_age_female: int = 55

    def retirement_age(self, gender: str) -> int:
        # Gender unknown: take the lower age, so fewer people are imputed an income they may
        # not have; the error falls in the family's favour.
        if gender == "male":
            return self.retirement_age_male
        return (
            min(self.retirement_age_male, self.retirement_age_female)
            if gender != "female"
            else self.retirement_age_female
        )


DEFAULT_WORKING_AGE = WorkingAge()


def is_child(birth_date: datetime.date | None, on: datetime.date) -> bool:
    """Under 14 on `on` (儿童个人信息). Unknown birth date: not known to be a child."""
    return birth_date is not None and age_on(birth_date, on) < CHILD_AGE_BELOW


def is_working_age(
    birth_date: datetime.date | None,
    gender: str,
    on: datetime.date,
    working_age: WorkingAge = DEFAULT_WORKING_AGE,
) -> bool:
    """From 16 up to the day before the statutory retirement age. Unknown birth date: False."""
    if birth_date is None:
        return False
    age = age_on(birth_date, on)
    return working_age.from_age <= age < working_age.retirement_age(gender)


# ---- Household income (人均月收入) ------------------------------------------------------------

INCOME_FIELDS = (
    "wage_income_fen",
    "business_income_fen",
    "property_income_fen",
    "transfer_income_fen",
    "other_income_fen",
)
COST_FIELDS = (
    "illness_cost_fen",
    "disability_cost_fen",
    "school_cost_fen",
    "housing_cost_fen",
    "other_cost_fen",
)
MONTHS = 12


class MemberFacts(Protocol):
    """What the income rule reads from a household member (a HouseholdMember fits)."""

    birth_date: datetime.date | None
    gender: str
    school_stage: str
    is_able_bodied: bool
    is_employed: bool
    wage_income_fen: int
    business_income_fen: int
    property_income_fen: int
    transfer_income_fen: int
    other_income_fen: int
    illness_cost_fen: int
    disability_cost_fen: int
    school_cost_fen: int
    housing_cost_fen: int
    other_cost_fen: int


@dataclass(frozen=True)
class MemberIncome:
    """One member's part of the household figure, 12-month totals in 分."""

    member: Any
    recorded_income_fen: int  # what was recorded, all five sources
    counted_income_fen: (
        int  # what counts: the recorded income, or the imputed minimum wage if higher
    )
    costs_fen: int  # deductible costs
    is_imputed: bool  # able-bodied jobless adult of working age, not a student
    is_child: bool  # under 14


@dataclass(frozen=True)
class HouseholdIncome:
    """The per-capita monthly income and how it was reached, for showing the working."""

    members: tuple[MemberIncome, ...]
    household_size: int
    income_fen: int  # counted 12-month income of the whole household
    costs_fen: int  # deductible 12-month costs
    net_fen: int  # income − costs, never below 0
    per_capita_monthly_fen: int  # net ÷ size ÷ 12, rounded half up to the fen
    minimum_wage_fen: int  # the monthly minimum wage used for imputation
    imputed_fen: int = field(default=0)  # how much of income_fen is imputed rather than recorded


def recorded_income_fen(member: MemberFacts) -> int:
    return sum(int(getattr(member, name) or 0) for name in INCOME_FIELDS)


def costs_fen(member: MemberFacts) -> int:
    return sum(int(getattr(member, name) or 0) for name in COST_FIELDS)


def is_imputed(
    member: MemberFacts, on: datetime.date, working_age: WorkingAge = DEFAULT_WORKING_AGE
) -> bool:
    """An able-bodied adult of working age, neither employed nor a student, is imputed the
    local minimum wage: the household is measured on what it could earn, not on idleness."""
    return (
        bool(member.is_able_bodied)
        and not member.is_employed
        and not member.school_stage
        and is_working_age(member.birth_date, getattr(member, "gender", "") or "", on, working_age)
    )


def divide_half_up(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator rounded half up, for numerator ≥ 0 and denominator > 0, exactly."""
    return (2 * numerator + denominator) // (2 * denominator)


def household_income(
    members: Iterable[MemberFacts],
    *,
    minimum_wage_fen: int,
    on: datetime.date,
    working_age: WorkingAge = DEFAULT_WORKING_AGE,
) -> HouseholdIncome:
    """Per-capita monthly income per docs/domain.md ("The income test"), over 12-month totals.

    (wages + business + property + transfers + other income − illness, disability, schooling,
    housing and other unavoidable costs) ÷ household size ÷ 12, in integer 分, rounded half up.

    - Union aid received counts: it is recorded as transfer income. Small festival gifts
      (节日慰问品) are not income and are not recorded; the member form says so.
    - An imputed member (see `is_imputed`) counts the monthly minimum wage × 12, or their
      recorded income when that is higher.
    - Costs above income give 0, never a negative income.
    """
    if minimum_wage_fen < 0:
        raise ValueError("the minimum wage cannot be negative")
    rows = []
    for member in members:
        recorded = recorded_income_fen(member)
        imputed = is_imputed(member, on, working_age)
        counted = max(recorded, minimum_wage_fen * MONTHS) if imputed else recorded
        rows.append(
            MemberIncome(
                member,
                recorded,
                counted,
                costs_fen(member),
                imputed,
                is_child(member.birth_date, on),
            )
        )
    if not rows:
        raise ValueError("a household has at least one member")
    income = sum(row.counted_income_fen for row in rows)
    costs = sum(row.costs_fen for row in rows)
    net = max(0, income - costs)
    return HouseholdIncome(
        members=tuple(rows),
        household_size=len(rows),
        income_fen=income,
        costs_fen=costs,
        net_fen=net,
        per_capita_monthly_fen=divide_half_up(net, len(rows) * MONTHS),
        minimum_wage_fen=minimum_wage_fen,
        imputed_fen=sum(row.counted_income_fen - row.recorded_income_fen for row in rows),
    )


def per_capita_monthly_income_fen(
    members: Iterable[MemberFacts],
    *,
    minimum_wage_fen: int,
    on: datetime.date,
    working_age: WorkingAge = DEFAULT_WORKING_AGE,
) -> int:
    """The household's per-capita monthly income in 分 (see `household_income`)."""
    return household_income(
        members, minimum_wage_fen=minimum_wage_fen, on=on, working_age=working_age
    ).per_capita_monthly_fen


def yuan_to_fen(yuan: Decimal) -> int:
    """A 元 amount as integer 分, rounded half up to the fen."""
    return int((Decimal(yuan) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


# ---- Search keys ------------------------------------------------------------------------------

NAME_KEY_LENGTH = 50
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTERS = re.compile(r"[a-z]+")
_LAST4 = re.compile(r"[0-9]{3}[0-9X]")


def normalize_name_key(text: str | None) -> str:
    """The form names and search text are compared in: NFKC, lower-case, without spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).lower().split())


def name_keys(name: str | None) -> list[str]:
    """Every suffix of the normalized name, longest first: "张三丰" → ["张三丰", "三丰", "丰"],
    then its other pinyin keys: every reading, the given name alone (郭长顺 → guochangshun,
    changshun, zhangshun, cs, zs …; the most common full pinyin and initials are the worker's
    own name_pinyin and name_initials columns).

    "The name contains x" is then "a key starts with x", which an index answers; typed
    letters search these keys too (search_plan's name_contains), so any reading finds.
    """
    return name_suffix_keys(name) + reading_keys(name)


def name_suffix_keys(name: str | None) -> list[str]:
    """Every suffix of the normalized name, longest first (the import writes these in SQL)."""
    normalized = normalize_name_key(name)
    keys: list[str] = []
    for start in range(len(normalized)):
        key = normalized[start : start + NAME_KEY_LENGTH]
        if key not in keys:
            keys.append(key)
    return keys


def reading_keys(name: str | None) -> list[str]:
    """The name's other pinyin keys (core.pinyin.name_reading_keys) that are not suffix keys
    already. Every suffix ends with the name's last character, so only a name not ending in
    a Chinese character can have such a suffix; only a long name can make a key too long
    (a reading has at most 6 letters). Checked cheaply: the import calls this for every row."""
    keys = name_reading_keys(name)
    if not keys:
        return keys
    text = str(name or "").rstrip()
    if len(text) * 6 > NAME_KEY_LENGTH:
        keys = list(dict.fromkeys(key[:NAME_KEY_LENGTH] for key in keys))
    if not _CJK.match(text[-1:]):
        suffixes = set(name_suffix_keys(name))
        keys = [key for key in keys if key not in suffixes]
    return keys


@dataclass(frozen=True)
class SearchPlan:
    """Which index-backed branches one search text uses; None means the branch is off."""

    name_contains: str | None = None  # a prefix of WorkerNameKey.key
    pinyin_prefix: str | None = None  # a prefix of Worker.name_pinyin and of Worker.name_initials
    # Phones are sealed (core.sealed_phones): only a whole number or its last 4 can be found.
    phone: str | None = None  # a whole number, through Worker.phone_index
    phone_last4: str | None = None  # 4 digits, through Worker.phone_last4_index
    id_last4: str | None = None  # Worker.id_last4, exactly

    @property
    def is_empty(self) -> bool:
        return not (
            self.name_contains
            or self.pinyin_prefix
            or self.phone
            or self.phone_last4
            or self.id_last4
        )


def search_plan(text: str | None) -> SearchPlan:
    """Read what the user typed: Chinese → name; letters → pinyin or initials (and a Latin
    name); digits → a whole phone number, or 4 of them → the last 4 of a phone or ID number."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not raw:
        return SearchPlan()
    key = normalize_name_key(raw)
    if _CJK.search(raw):
        return SearchPlan(name_contains=key)
    compact = key.upper()
    if _LAST4.fullmatch(compact) and compact.endswith("X"):
        return SearchPlan(id_last4=compact)
    phone = normalize_phone(raw)
    if phone.isascii() and phone.isdigit() and len(phone) == 4:
        return SearchPlan(phone_last4=phone, id_last4=phone)
    if phone.isascii() and phone.replace("-", "").isdigit() and len(phone) >= 3:
        return SearchPlan(phone=phone)
    if _LETTERS.fullmatch(key):
        return SearchPlan(name_contains=key, pinyin_prefix=key)
    return SearchPlan(name_contains=key)


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """[low, high) such that a string starts with `prefix` exactly when low ≤ it < high
    (code-point order: SQLite's BINARY and PostgreSQL's C collation)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


# ---- Possible duplicates (疑似重复) -------------------------------------------------------------

# Weights of the four facts; they sum to 1, so a score is between 0 and 1.
NAME_WEIGHT = Decimal("0.35")  # the strongest single sign, but names repeat (张伟)
BIRTH_DATE_WEIGHT = Decimal("0.30")  # rarely mistyped; with the name, near-unique in a province
PHONE_WEIGHT = Decimal("0.20")  # people change numbers and share family phones
ADDRESS_WEIGHT = Decimal("0.15")  # free text, written many ways
# A pair at or above this is queued for review: same name and birth date (0.65), a homophone
# name with the same birth date (0.315 + 0.30), or phone + birth date + a close address.
DUPLICATE_THRESHOLD = Decimal("0.60")
# When both records carry (different) ID numbers they are usually two people; only a pair
# that also shares a phone or address is queued, as a likely mistyped ID.
BOTH_HAVE_ID_THRESHOLD = Decimal("0.75")
# Name similarity: the same characters; the same pinyin (章/张 typed by ear); else difflib's
# ratio on pinyin, scaled down because near-pinyin names are often different people.
SAME_PINYIN_SIMILARITY = Decimal("0.9")
NEAR_PINYIN_SCALE = Decimal("0.7")
# Addresses in one city share a long prefix (河南省郑州市惠济区…), so a ratio below 0.5 is noise:
# similarity = (ratio − 0.5) ÷ 0.5, floored at 0.
ADDRESS_NOISE_FLOOR = Decimal("0.5")
TYPO_SIMILARITY = Decimal("0.5")  # a birth date or phone one typing slip away


@dataclass(frozen=True)
class PersonFacts:
    name: str
    name_pinyin: str
    birth_date: datetime.date | None
    phone: str
    address: str
    has_id_number: bool


def _ratio(left: str, right: str) -> Decimal:
    return Decimal(
        str(round(difflib.SequenceMatcher(None, left, right, autojunk=False).ratio(), 3))
    )


def name_similarity(left: PersonFacts, right: PersonFacts) -> tuple[Decimal, str]:
    a, b = normalize_name_key(left.name), normalize_name_key(right.name)
    if a and a == b:
        return Decimal(1), "same"
    if left.name_pinyin and left.name_pinyin == right.name_pinyin:
        return SAME_PINYIN_SIMILARITY, "same_pinyin"
    if left.name_pinyin and right.name_pinyin:
        ratio = _ratio(left.name_pinyin, right.name_pinyin)
        return (ratio * NEAR_PINYIN_SCALE).quantize(Decimal("0.001")), "similar"
    return Decimal(0), "different"


def birth_date_similarity(
    left: datetime.date | None, right: datetime.date | None
) -> tuple[Decimal, str]:
    if left is None or right is None:
        return Decimal(0), "unknown"
    if left == right:
        return Decimal(1), "same"
    parts_equal = (left.year == right.year) + (left.month == right.month) + (left.day == right.day)
    swapped = left.year == right.year and left.month == right.day and left.day == right.month
    if parts_equal == 2 or swapped:
        return TYPO_SIMILARITY, "typo"
    return Decimal(0), "different"


def phone_similarity(left: str, right: str) -> tuple[Decimal, str]:
    if not left or not right:
        return Decimal(0), "unknown"
    if left == right:
        return Decimal(1), "same"
    if len(left) == len(right) and sum(a != b for a, b in zip(left, right, strict=True)) == 1:
        return TYPO_SIMILARITY, "typo"
    return Decimal(0), "different"


def address_similarity(left: str, right: str) -> tuple[Decimal, str]:
    a, b = normalize_name_key(left), normalize_name_key(right)
    if not a or not b:
        return Decimal(0), "unknown"
    ratio = _ratio(a, b)
    similarity = max(Decimal(0), (ratio - ADDRESS_NOISE_FLOOR) / (1 - ADDRESS_NOISE_FLOOR))
    return similarity.quantize(Decimal("0.001")), "same" if a == b else "similar"


@dataclass(frozen=True)
class DuplicateScore:
    score: Decimal  # 0 to 1, three decimals
    reasons: dict[
        str, dict[str, str]
    ]  # per fact: {"match": same|same_pinyin|similar|typo|…, "similarity": "0.850"}
    is_candidate: bool  # at or above the threshold that applies


def duplicate_score(left: PersonFacts, right: PersonFacts) -> DuplicateScore:
    """Weighted similarity of name, birth date, phone and address (weights above)."""
    parts = {
        "name": (NAME_WEIGHT, name_similarity(left, right)),
        "birth_date": (BIRTH_DATE_WEIGHT, birth_date_similarity(left.birth_date, right.birth_date)),
        "phone": (PHONE_WEIGHT, phone_similarity(left.phone, right.phone)),
        "address": (ADDRESS_WEIGHT, address_similarity(left.address, right.address)),
    }
    score = sum(
        (weight * similarity for weight, (similarity, _match) in parts.values()), Decimal(0)
    )
    score = min(Decimal(1), score).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    threshold = (
        BOTH_HAVE_ID_THRESHOLD
        if left.has_id_number and right.has_id_number
        else DUPLICATE_THRESHOLD
    )
    reasons = {
        fact: {"match": match, "similarity": str(similarity)}
        for fact, (_weight, (similarity, match)) in parts.items()
    }
    return DuplicateScore(score=score, reasons=reasons, is_candidate=score >= threshold)


def ordered_pair(first_id: int, second_id: int) -> tuple[int, int]:
    """A pair is stored with the smaller id first (the table's check constraint)."""
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def shown_fields(values: Sequence[str]) -> str:
    return "、".join(values)
