"""Lookups of the dated regional tables: the row in force on a date for a region, nearest
region first (county, city, province), and the rows a user sees and may change.

`in_force` serves every table keyed by (region_code, effective_on): the 低保 standards and
minimum wages here, and the policies, caps and fast-track figures of the apps above.
"""

from __future__ import annotations

import datetime
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404, visible_orgs

from . import regions
from .models import DibaoStandard, MinimumWage, RegionalAmount

T = TypeVar("T", bound=Model)


def in_force(rows: type[T] | QuerySet[T], region_code: str, on: datetime.date) -> T | None:
    """The latest row effective on or before `on` of the nearest region that has one."""
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    chain = regions.fallback_chain(region_code)
    latest: dict[str, T] = {}
    candidates = queryset.filter(region_code__in=chain, effective_on__lte=on).order_by(
        "-effective_on", "-pk"
    )
    for row in candidates:
        latest.setdefault(row.region_code, row)  # type: ignore[attr-defined]
    return next((latest[code] for code in chain if code in latest), None)


def dibao_for(region_code: str, on: datetime.date) -> DibaoStandard | None:
    """The 低保 standard in force for a region on a date."""
    return in_force(DibaoStandard, region_code, on)


def minimum_wage_for(region_code: str, on: datetime.date) -> MinimumWage | None:
    """The monthly minimum wage in force for a region on a date."""
    return in_force(MinimumWage, region_code, on)


def dibao_fen_for(region_code: str, on: datetime.date) -> int | None:
    standard = dibao_for(region_code, on)
    return standard.monthly_fen if standard is not None else None


def minimum_wage_fen_for(region_code: str, on: datetime.date) -> int | None:
    wage = minimum_wage_for(region_code, on)
    return wage.monthly_fen if wage is not None else None


# ---- What a user sees and may change -------------------------------------------------------


def region_org(region_code: str) -> Org | None:
    """The union of a region (province, city or county) by its code, if there is one."""
    return Org.objects.filter(code=region_code, kind__in=Org.ADMINISTRATIVE_KINDS).first()


def user_region_org(user) -> Org | None:
    """The city or province union whose standards the user may set, or None."""
    org = getattr(user, "org", None)
    if org is None or org.kind not in (Org.Kind.PROVINCE, Org.Kind.CITY):
        return None
    return org


def _region_codes_in(user) -> QuerySet:
    return visible_orgs(user).filter(kind__in=Org.ADMINISTRATIVE_KINDS).values("region_code")


def editable_standards(user, model: type[Model] = DibaoStandard) -> QuerySet:
    """Rows of the regions in the user's subtree (the rows they may change)."""
    return model._default_manager.filter(region_code__in=_region_codes_in(user))


def applicable_standards(user, model: type[Model] = DibaoStandard) -> QuerySet:
    """Rows that apply to the user's regions: their subtree's and those the user's own region
    falls back to (its city, the province)."""
    org = getattr(user, "org", None)
    if org is None:
        return model._default_manager.none()
    return model._default_manager.filter(
        Q(region_code__in=_region_codes_in(user))
        | Q(region_code__in=regions.fallback_chain(org.region_code))
    )


def get_standard_for(user, pk, model: type[Model] = DibaoStandard) -> RegionalAmount:
    """One row the user may change, or 404 (and an audited denial)."""
    return get_scoped_or_404(editable_standards(user, model), user, write=True, pk=pk)
