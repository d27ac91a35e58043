"""The union's figures per city and year, counted from the rows in the user's scope: members
enrolled (covered), contributions received, claims by state, workers paid and the amounts
paid. Each figure of workers paid opens the claims behind it (`paid_rows`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from nuanjia.orgs.models import Org

from .models import Claim
from .queries import visible_claims, visible_enrolments
from .rules import ClaimStatus, EnrolmentStatus


@dataclass
class CityYear:
    city_code: str
    city: str
    year: int
    members: int = 0
    contributions_fen: int = 0
    claims: dict[str, int] = field(default_factory=dict)
    workers_paid: int = 0
    paid_fen: int = 0

    @property
    def claim_labels(self) -> list[tuple[str, int]]:
        """The claims by state, labelled, in the order of the states."""
        return [
            (str(label), self.claims[value])
            for value, label in ClaimStatus.choices
            if self.claims.get(value)
        ]


def city_names(codes: set[str]) -> dict[str, str]:
    return dict(
        Org.objects.filter(
            kind__in=(Org.Kind.CITY, Org.Kind.PROVINCE), region_code__in=codes
        ).values_list("region_code", "name")
    )


def figures(user: Any) -> list[CityYear]:
    cells: dict[tuple[str, int], CityYear] = {}

    def cell(code: str, year: int) -> CityYear:
        return cells.setdefault((code, year), CityYear(code, "", year))

    enrolled = (
        visible_enrolments(user).filter(status=EnrolmentStatus.ACTIVE).annotate(year=ExtractYear("starts_on"))
        .values("city_code", "year").annotate(n=Count("pk"), paid=Sum("paid_fen")).order_by()
    )  # fmt: skip
    for row in enrolled:
        found = cell(row["city_code"], row["year"])
        found.members, found.contributions_fen = row["n"], row["paid"] or 0
    claims = (
        visible_claims(user).annotate(year=ExtractYear("service_on")).values("city_code", "year", "status")
        .annotate(n=Count("pk")).order_by()
    )  # fmt: skip
    for row in claims:
        cell(row["city_code"], row["year"]).claims[row["status"]] = row["n"]
    paid = (
        visible_claims(user).filter(status=ClaimStatus.PAID).annotate(year=ExtractYear("paid_on"))
        .values("city_code", "year").annotate(workers=Count("worker", distinct=True), fen=Sum("approved_fen"))
        .order_by()
    )  # fmt: skip
    for row in paid:
        found = cell(row["city_code"], row["year"])
        found.workers_paid, found.paid_fen = row["workers"], row["fen"] or 0
    names = city_names({code for code, _year in cells})
    for (code, _year), found in cells.items():
        found.city = names.get(code, code)
    return sorted(cells.values(), key=lambda c: (-c.year, c.city_code))


def paid_rows(user: Any, city_code: str, year: int) -> QuerySet[Claim]:
    """The paid claims behind a city's and year's figure of workers paid."""
    if not 2000 <= year <= 2100:
        return Claim.objects.none()
    return (
        visible_claims(user)
        .filter(status=ClaimStatus.PAID, city_code=city_code, paid_on__year=year)
        .order_by("pk")
    )


def totals(rows: list[CityYear]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        total["members"] += row.members
        total["contributions_fen"] += row.contributions_fen
        total["workers_paid"] += row.workers_paid
        total["paid_fen"] += row.paid_fen
    return dict(total)
