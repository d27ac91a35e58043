"""Reads of the free breakfasts: daily counts per shop and per city, and the meal rows behind
each figure, scoped to the viewer's subtree (a meal belongs to the worker's union when it was
taken; its city is that union's city federation). A shop reads its own counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from nuanjia.core.actors import Actor
from nuanjia.members.models import Partner
from nuanjia.orgs.models import Org

from .models import Activity
from .partner_models import Meal
from .queries import scoped

# The longest span of days one counts page reads.
MAX_DAYS = 92


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    key: str  # the partner's id, or the city's code
    label: str
    count: int


def visible_meals(user: Actor, activity: Activity) -> QuerySet[Meal]:
    """The activity's meals of unions in the viewer's subtree."""
    return scoped(Meal.objects.filter(activity=activity), user)


def _between(rows: QuerySet[Meal], since: datetime.date, until: datetime.date) -> QuerySet[Meal]:
    return rows.filter(day__gte=since, day__lte=until)


def counts_per_shop(
    user: Actor, activity: Activity, since: datetime.date, until: datetime.date
) -> list[DayCount]:
    rows = (
        _between(visible_meals(user, activity), since, until)
        .values("day", "partner_id", "partner__name")
        .annotate(count=Count("id"))
        .order_by("-day", "partner__name")
    )
    return [
        DayCount(row["day"], str(row["partner_id"]), row["partner__name"], row["count"])
        for row in rows
    ]


def city_of(paths: dict[int, str]) -> dict[int, Org | None]:
    """Each union's city federation (the CITY on its path), None above or outside a city."""
    codes = {code for path in paths.values() for code in path.strip("/").split("/")}
    cities = {org.code: org for org in Org.objects.filter(code__in=codes, kind=Org.Kind.CITY)}
    found: dict[int, Org | None] = {}
    for pk, path in paths.items():
        found[pk] = next(
            (cities[code] for code in path.strip("/").split("/") if code in cities), None
        )
    return found


def counts_per_city(
    user: Actor, activity: Activity, since: datetime.date, until: datetime.date
) -> list[DayCount]:
    """Meals per day and city: counted per union in SQL, summed per city here (one query for
    the unions' paths), as queries.roll_up sums to the unions right below."""
    rows = list(
        _between(visible_meals(user, activity), since, until)
        .values_list("day", "org_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    paths = dict(
        Org.objects.filter(pk__in={org_id for _d, org_id, _n in rows}).values_list("pk", "path")
    )
    cities = city_of(paths)
    summed: dict[tuple[datetime.date, str], list[Any]] = {}
    for day, org_id, count in rows:
        city = cities.get(org_id)
        key = (day, city.code if city else "")
        entry = summed.setdefault(key, [city.name if city else "", 0])
        entry[1] += count
    return sorted(
        (DayCount(day, code, label, count) for (day, code), (label, count) in summed.items()),
        key=lambda row: (-row.day.toordinal(), row.key),
    )


def meal_rows(
    user: Actor,
    activity: Activity,
    *,
    day: datetime.date | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    partner: str = "",
    city: str = "",
) -> QuerySet[Meal]:
    """The meals a figure adds up: of one day (or span), one shop (its id) or one city (its
    code; "-" for meals of unions outside any city)."""
    rows = visible_meals(user, activity)
    if day is not None:
        rows = rows.filter(day=day)
    if since is not None:
        rows = rows.filter(day__gte=since)
    if until is not None:
        rows = rows.filter(day__lte=until)
    if partner:
        rows = rows.filter(partner_id=int(partner)) if partner.isdigit() else rows.none()
    if city == "-":
        paths = dict(Org.objects.filter(pk__in=rows.values("org_id")).values_list("pk", "path"))
        rows = rows.filter(org_id__in=[pk for pk, town in city_of(paths).items() if not town])
    elif city:
        town = Org.objects.filter(code=city, kind=Org.Kind.CITY).first()
        rows = rows.filter(org__path__startswith=town.path) if town else rows.none()
    return rows.select_related("worker", "org", "partner", "outlet").order_by("-day", "pk")


def shop_counts(partner: Partner, since: datetime.date, until: datetime.date) -> list[DayCount]:
    """A shop's own meals per day and outlet."""
    rows = (
        Meal.objects.filter(partner=partner, day__gte=since, day__lte=until)
        .values("day", "outlet_id", "outlet__name")
        .annotate(count=Count("id"))
        .order_by("-day", "outlet__name")
    )
    return [
        DayCount(row["day"], str(row["outlet_id"] or ""), row["outlet__name"] or "", row["count"])
        for row in rows
    ]


def outlet_count(partner: Partner, outlet_id: Any, day: datetime.date) -> int:
    """Meals at one outlet of the shop on `day` (the scan page's counter)."""
    rows = Meal.objects.filter(partner=partner, day=day)
    if outlet_id:
        rows = rows.filter(outlet_id=outlet_id)
    return rows.count()
