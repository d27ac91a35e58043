"""Figures per city and period (关爱 enterprises): rent relief granted (元, tenants, months)
from approved reliefs, fee rebates due and returned (应收尽返 = returned / due), each city's
cell opening the rows behind it; the same table as Excel.

A relief counts in the year of its lease months relieved; a rebate in the year of its period.
Due = the live rebates (staged, approved, in a batch, paid or failed) plus the rebates that
could not be staged for want of the union's account (each collection once); returned = paid."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum

from nuanjia.orgs.models import Org

from .models import Rebate, RebateExceptionRow, ReliefLine
from .queries import scoped
from .rules import LIVE_REBATE, RebateException, RebateStatus, ReliefStatus


@dataclass
class CityRow:
    city_code: str
    city: str
    relief_fen: int = 0
    tenants: int = 0
    months: int = 0
    due_fen: int = 0
    returned_fen: int = 0
    firms_rebated: int = 0
    firms_helped: int = 0
    help_fen: int = 0
    workers_reached: int = 0
    checkups: int = 0
    open_findings: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> int | None:
        """应收尽返: returned as a whole percentage of due (None when nothing is due)."""
        if not self.due_fen:
            return None
        return self.returned_fen * 100 // self.due_fen


def _cities() -> dict[str, Org]:
    return {org.path: org for org in Org.objects.filter(kind=Org.Kind.CITY)}


def _city_of(path: str, cities: dict[str, Org]) -> Org | None:
    parts = [part for part in path.split("/") if part]
    return cities.get("/" + "/".join(parts[:2]) + "/") if len(parts) >= 2 else None


def _rows(user: Any, queryset: Any, *fields: str) -> Any:
    return queryset if user is None else scoped(queryset, user, *fields)


def _year(year: int | None, field_name: str) -> Q:
    if year is None:
        return Q()
    return Q(**{f"{field_name}__gte": datetime.date(year, 1, 1),
                f"{field_name}__lte": datetime.date(year, 12, 31)})  # fmt: skip


def _relief_by_city(user: Any, year: int | None, table: dict[str, CityRow], cities) -> None:
    lines = _rows(user, ReliefLine.objects.filter(relief__status=ReliefStatus.APPROVED),
                  "relief__org", "relief__payer")  # fmt: skip
    found = (
        lines.filter(_year(year, "month__starts_on"))
        .values("relief__org__path")
        .annotate(total=Sum("relief_fen"), months=Count("pk"),
                  tenants=Count("relief__lease__tenant", distinct=True))
    )  # fmt: skip
    for row in found:
        city = _city_of(row["relief__org__path"], cities)
        if city is not None:
            entry = table.setdefault(city.code, CityRow(city.code, city.name))
            entry.relief_fen += row["total"] or 0
            entry.months += row["months"]
            entry.tenants += row["tenants"]


def _rebates_by_city(user: Any, year: int | None, table: dict[str, CityRow], cities) -> None:
    rebates = _rows(user, Rebate.objects.filter(status__in=LIVE_REBATE), "org")
    found = rebates.filter(_year(year, "period_start")).values("org__path").annotate(
        due=Sum("amount_fen"), firms=Count("firm", distinct=True),
        paid=Sum("amount_fen", filter=Q(status=RebateStatus.PAID)),
    )  # fmt: skip
    for row in found:
        city = _city_of(row["org__path"], cities)
        if city is not None:
            entry = table.setdefault(city.code, CityRow(city.code, city.name))
            entry.due_fen += row["due"] or 0
            entry.returned_fen += row["paid"] or 0
            entry.firms_rebated += row["firms"]
    unpayable = (
        _rows(user, RebateExceptionRow.objects.filter(reason=RebateException.NO_UNION_ACCOUNT), "org")
        .filter(_year(year, "collection__period_start"))
        .exclude(collection__in=Rebate.objects.filter(status__in=LIVE_REBATE).values("collection"))
        .values_list("collection_id", "org__path", "amount_fen")
    )  # fmt: skip
    seen: set[int] = set()
    for collection, path, amount in unpayable:
        city = _city_of(path, cities)
        if collection in seen or city is None:
            continue
        seen.add(collection)
        table.setdefault(city.code, CityRow(city.code, city.name)).due_fen += amount


def _helps_by_city(user: Any, year: int | None, table: dict[str, CityRow], cities) -> None:
    from .models import FirmHelp
    from .rules import HelpStatus

    helps = _rows(user, FirmHelp.objects.filter(status=HelpStatus.PAID), "org", "firm__org")
    found = helps.filter(_year(year, "helped_on")).values("firm__org__path").annotate(
        total=Sum("amount_fen"), workers=Sum("workers_reached"), firms=Count("firm", distinct=True)
    )  # fmt: skip
    for row in found:
        city = _city_of(row["firm__org__path"], cities)
        if city is not None:
            entry = table.setdefault(city.code, CityRow(city.code, city.name))
            entry.help_fen += row["total"] or 0
            entry.workers_reached += row["workers"] or 0
            entry.firms_helped += row["firms"]


def _checkups_by_city(user: Any, year: int | None, table: dict[str, CityRow], cities) -> None:
    from .models import CheckUp, Finding

    checkups = _rows(user, CheckUp.objects.all(), "org").filter(_year(year, "checked_on"))
    for row in checkups.values("org__path").annotate(n=Count("pk")):
        city = _city_of(row["org__path"], cities)
        if city is not None:
            table.setdefault(city.code, CityRow(city.code, city.name)).checkups += row["n"]
    findings = _rows(user, Finding.objects.filter(closed_on__isnull=True), "org")
    findings = findings.filter(_year(year, "checkup__checked_on"))
    for row in findings.values("org__path").annotate(n=Count("pk")):
        city = _city_of(row["org__path"], cities)
        if city is not None:
            table.setdefault(city.code, CityRow(city.code, city.name)).open_findings += row["n"]


def city_figures(user: Any, year: int | None = None) -> list[CityRow]:
    cities = _cities()
    table: dict[str, CityRow] = {}
    _checkups_by_city(user, year, table, cities)
    _relief_by_city(user, year, table, cities)
    _helps_by_city(user, year, table, cities)
    _rebates_by_city(user, year, table, cities)
    return [table[code] for code in sorted(table)]


def rebate_report(user: Any, year: int | None = None) -> list[CityRow]:
    return [row for row in city_figures(user, year) if row.due_fen or row.returned_fen]


def province_relief_total(user: Any = None, year: int | None = None) -> int:
    return sum(row.relief_fen for row in city_figures(user, year))
