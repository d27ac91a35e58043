"""The registry facts people offers: occupation, new-form worker, honours, age, gender,
membership, owning union, member's union, region and employer.

Each compiles to a condition that is true or false on every row (never NULL), so `not`
is exact. Facts about other rows (occupation tags, honours) are EXISTS subqueries: the
worker is never joined to rows that would repeat it, so no query needs DISTINCT.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within
from nuanjia.standards import regions

from ..honour_models import FIRST_HONOUR_YEAR, Honour, HonourKind, HonourLevel
from ..models import Employer, Gender, OccupationTag, Worker
from .registry import Context, Fact, Op, ValueKind, register_fact

# "New-form worker" (新就业形态劳动者) is this occupation tag (migration 0003 seeds it).
NEW_FORM_TAG = "新就业形态"
OLDEST_AGE = 150


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes the 28th in a common year, so
    someone born on 29 February turns a year older on 1 March."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _values(op: Op, value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _exists(condition: Q, op: Op) -> Q:
    """Has a row matching (in / is / yes / gte / lte), or has none (not_in / no)."""
    return ~condition if op in (Op.NOT_IN, Op.NO) else condition


# ---- Occupation and new-form worker ---------------------------------------------------------


def _with_tags(names: list[str]) -> Q:
    through = Worker.occupations.through.objects.filter(
        worker_id=OuterRef("pk"), occupationtag__name__in=names
    )
    return Q(Exists(through))


def _occupation(op: Op, value: Any, context: Context) -> Q:
    return _exists(_with_tags(_values(op, value)), op)


def _new_form(op: Op, value: Any, context: Context) -> Q:
    return _exists(_with_tags([NEW_FORM_TAG]), op)


def _occupation_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in OccupationTag.objects.values_list("name", flat=True)]


# ---- Honours ----------------------------------------------------------------------------------


def _honours(op: Op, **lookup: Any) -> Q:
    return _exists(Q(Exists(Honour.objects.filter(worker_id=OuterRef("pk"), **lookup))), op)


def _honour_kind(op: Op, value: Any, context: Context) -> Q:
    return _honours(op, kind__in=_values(op, value))


def _honour_level(op: Op, value: Any, context: Context) -> Q:
    return _honours(op, level__in=_values(op, value))


def _honour_year(op: Op, value: Any, context: Context) -> Q:
    return _honours(op, **{"year__gte" if op == Op.GTE else "year__lte": value})


# ---- The worker's own columns -----------------------------------------------------------------


def _age(op: Op, value: Any, context: Context) -> Q:
    """Age on context.on from the birth date: at least N ⇔ born on or before N years ago;
    at most N ⇔ born after N + 1 years ago. No birth date: no age condition holds."""
    low, high = {Op.GTE: (value, None), Op.LTE: (None, value)}.get(op) or tuple(value)
    condition = Q(birth_date__isnull=False)
    if low is not None:
        condition &= Q(birth_date__lte=years_before(context.on, low))
    if high is not None:
        condition &= Q(birth_date__gt=years_before(context.on, high + 1))
    return condition


def _gender(op: Op, value: Any, context: Context) -> Q:
    return _exists(Q(gender__in=_values(op, value)), op)


def _member(op: Op, value: Any, context: Context) -> Q:
    """A member now: as Worker.is_member, in a union and not merged into another record."""
    return _exists(Q(union__isnull=False, merged_into__isnull=True), op)


def _joined_on(op: Op, value: Any, context: Context) -> Q:
    low, high = value if op == Op.BETWEEN else [value, value]
    condition = Q(joined_union_on__isnull=False)
    if op in (Op.GTE, Op.BETWEEN):
        condition &= Q(joined_union_on__gte=datetime.date.fromisoformat(low))
    if op in (Op.LTE, Op.BETWEEN):
        condition &= Q(joined_union_on__lte=datetime.date.fromisoformat(high))
    return condition


def _subtree(code: str) -> Any:
    org = Org.objects.filter(code=code).values_list("path", flat=True).first()
    if org is None:  # a stored rule naming a union since removed
        raise RuleViolation(_("No union has the code “%(value)s”.") % {"value": code}, field="rule")
    return Org.objects.filter(within(org)).values("pk")


def _owning_union(op: Op, value: Any, context: Context) -> Q:
    return Q(org__in=_subtree(value))


def _member_union(op: Op, value: Any, context: Context) -> Q:
    return Q(union__isnull=False, union__in=_subtree(value))


def _region(op: Op, value: Any, context: Context) -> Q:
    return regions.prefix_range(regions.prefix(value), "region_code")


def _employer(op: Op, value: Any, context: Context) -> Q:
    employers = Employer.objects.filter(credit_code__in=_values(op, value)).values("pk")
    return _exists(Q(employer__isnull=False, employer__in=employers), op)


def _choices(enum: Any) -> Any:
    return lambda: [(str(value), str(label)) for value, label in enum.choices if value]


CHOICE_OPS = (Op.IN, Op.NOT_IN)

PEOPLE_FACTS = (
    Fact(
        "occupation",
        gettext_lazy("Occupation"),
        CHOICE_OPS,
        ValueKind.CHOICE,
        _occupation,
        choices=_occupation_choices,
    ),
    Fact(
        "new_form_worker",
        gettext_lazy("New-form worker"),
        (Op.YES, Op.NO),
        ValueKind.BOOL,
        _new_form,
    ),
    Fact(
        "honour_kind",
        gettext_lazy("Holds an honour"),
        CHOICE_OPS,
        ValueKind.CHOICE,
        _honour_kind,
        choices=_choices(HonourKind),
    ),
    Fact(
        "honour_level",
        gettext_lazy("Holds an honour of level"),
        CHOICE_OPS,
        ValueKind.CHOICE,
        _honour_level,
        choices=_choices(HonourLevel),
    ),
    Fact(
        "honour_year",
        gettext_lazy("Holds an honour awarded in"),
        (Op.GTE, Op.LTE),
        ValueKind.INT,
        _honour_year,
        minimum=FIRST_HONOUR_YEAR,
        maximum=2100,
    ),
    Fact(
        "age",
        gettext_lazy("Age"),
        (Op.GTE, Op.LTE, Op.BETWEEN),
        ValueKind.INT,
        _age,
        minimum=0,
        maximum=OLDEST_AGE,
        unit=gettext_lazy(" years"),
    ),
    Fact(
        "gender",
        gettext_lazy("Gender"),
        CHOICE_OPS,
        ValueKind.CHOICE,
        _gender,
        choices=_choices(Gender),
    ),
    Fact("member", gettext_lazy("Union member"), (Op.YES, Op.NO), ValueKind.BOOL, _member),
    Fact(
        "joined_union_on",
        gettext_lazy("Joined the union on"),
        (Op.GTE, Op.LTE, Op.BETWEEN),
        ValueKind.DATE,
        _joined_on,
    ),
    Fact(
        "owning_union",
        gettext_lazy("Registered with union"),
        (Op.WITHIN,),
        ValueKind.ORG,
        _owning_union,
    ),
    Fact(
        "member_union", gettext_lazy("Member of union"), (Op.WITHIN,), ValueKind.ORG, _member_union
    ),
    Fact("region", gettext_lazy("Region"), (Op.WITHIN,), ValueKind.REGION, _region),
    Fact(
        "employer_credit_code",
        gettext_lazy("Employer's credit code"),
        CHOICE_OPS,
        ValueKind.CREDIT_CODE,
        _employer,
    ),
)


def register_people_facts() -> None:
    for fact in PEOPLE_FACTS:
        register_fact(fact)
