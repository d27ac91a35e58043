"""Reads of stations: scoped lists and fetches, the nearest search and the statistics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock, schedule
from nuanjia.core.cache import TTLCache
from nuanjia.core.lists import ListSpec, Sort
from nuanjia.funds.sources import SourceLabel
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404, scope

from . import rules
from .models import (
    HOUR_FIELDS,
    Closure,
    DayTally,
    Facility,
    Service,
    Station,
    StationDay,
    StationFacility,
    StationGrant,
    Visit,
)
from .services import is_open_at, may_keep

DEFAULT_RADIUS_M = 5_000
MAX_RADIUS_M = 50_000
MAX_K = 50
FIRST_RING_M = 1_500  # the search widens from here (×3) until it has k stations or the radius
DEAD_DAYS = 30
COVERAGE_M = 1_000


# The station registry list (page and API): by station code (unique index).
STATION_LIST = ListSpec("stations.stations", {"code": Sort(("code",), gettext_lazy("By code"))})


def visible_stations(user) -> QuerySet[Station]:
    return scope(Station.objects.select_related("org"), user)


# The visit list (API, 站点到访): newest first (per station the (station, at) order).
VISIT_LIST = ListSpec("stations.visits", {"newest": Sort(("-at",), gettext_lazy("Newest first"))})


def visible_visits(user) -> QuerySet[Visit]:
    """Visits (到访) of the stations in the user's subtree."""
    return scope(Visit.objects.select_related("station"), user, org_field="station__org")


def visible_station_grants(user) -> QuerySet[StationGrant]:
    """Construction and upkeep grants of the stations in the user's subtree."""
    return scope(StationGrant.objects.select_related("station", "org"), user)


def get_station_grant_for(user, pk, *, write: bool = False) -> StationGrant:
    return get_scoped_or_404(visible_station_grants(user), user, write=write, pk=pk)


def paid_station_grant_ids():
    """The station grants paid, each with exactly one spend (`nuanjia funds check`)."""
    paid = StationGrant.objects.filter(status=StationGrant.Status.PAID)
    return paid.values_list("pk", flat=True).iterator()


def station_grant_labels(ids: list[int]) -> dict[int, SourceLabel]:
    """How the ledger's pages name the station grants behind postings: the station and the
    kind of grant, linked to the station's page (where its grants are listed)."""
    grants = StationGrant.objects.filter(pk__in=ids).select_related("station")
    return {
        grant.pk: SourceLabel(
            _("Station grant · %(station)s %(kind)s")
            % {"station": grant.station.name, "kind": grant.get_kind_display()},
            reverse("stations:detail", args=[grant.station_id]) + "#grants",
        )
        for grant in grants
    }


def get_station_for(user, pk, *, write: bool = False) -> Station:
    """A station in the user's subtree (404 otherwise); with write=True also one they may
    keep (404 too, so nothing tells a reader that the station exists)."""
    station = get_scoped_or_404(visible_stations(user), user, write=write, pk=pk)
    if write and not may_keep(user, station):
        get_scoped_or_404(Station.objects.none(), user, write=True, pk=pk)
    return station


def public_station(code: str) -> Station | None:
    """The station a QR code names, for the public check-in page (any status)."""
    return Station.objects.filter(code=code.upper()).select_related("org").first()


def mask_of(codes) -> int:
    """The facility bit mask of facility codes (unknown codes are refused by the caller)."""
    facilities = Facility.objects.filter(code__in=list(codes))
    return sum(facility.mask for facility in facilities)


@dataclass
class Nearby:
    station: Station
    distance_m: float
    is_open: bool = True
    facilities: list[str] = field(default_factory=list)

    @property
    def gcj02(self) -> tuple[float, float]:
        return self.station.gcj02


def _in_cells(lat: float, lng: float, radius_m: float) -> Q:
    condition = Q()
    for first, last in rules.cell_ranges(lat, lng, radius_m):
        condition |= Q(cell__gte=first, cell__lte=last)
    return condition


def nearest(
    lat: float,
    lng: float,
    *,
    k: int = 10,
    radius_m: float = DEFAULT_RADIUS_M,
    facility_mask: int = 0,
    at: datetime.datetime | None = None,
    open_only: bool = True,
) -> list[Nearby]:
    """The k nearest listed stations around a WGS-84 point, within `radius_m`, having every
    facility of `facility_mask`, open at `at` (now by default) unless `open_only` is False.

    The grid cells covering a ring are read through the cell index; the ring widens ×3 from
    FIRST_RING_M until k stations are within it or it reaches the radius, so a dense city
    reads a few cells and an empty county a few more. Distances are haversine.
    """
    k = max(1, min(int(k), MAX_K))
    radius_m = max(50.0, min(float(radius_m), MAX_RADIUS_M))
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)  # a wall-clock time is Asia/Shanghai
    day = timezone.localtime(at).date()
    ring = min(FIRST_RING_M, radius_m)
    while True:
        rows = _candidates(lat, lng, ring, facility_mask)
        found = []
        for row in rows:
            distance = rules.haversine_m(lat, lng, row[1], row[2])
            if distance <= ring:
                found.append((distance, row))
        found.sort(key=lambda pair: pair[0])
        results = _open_ones(found, k, at, day, open_only)
        if len(results) >= k or ring >= radius_m:
            break
        ring = min(ring * 3, radius_m)
    if not results:
        return []
    stations = Station.objects.in_bulk([pk for pk, _distance in results])
    names = _facility_names()
    counts = {
        (station_id, name): quantity
        for station_id, name, quantity in StationFacility.objects.filter(
            station_id__in=list(stations), quantity__isnull=False
        ).values_list("station_id", "facility__name", "quantity")
    }
    return [
        Nearby(
            stations[pk],
            distance,
            facilities=[
                f"{name} {counts[pk, name]}" if (pk, name) in counts else name
                for bit, name in names
                if stations[pk].facility_mask & (1 << bit)
            ],
        )
        for pk, distance in results
    ]


def _candidates(lat: float, lng: float, ring: float, facility_mask: int) -> list[tuple]:
    """(pk, lat, lng, always_open, closed_on_holidays) of listed, open stations in the ring's
    cells having the facilities: read from the covering cell index alone."""
    queryset = Station.objects.filter(
        _in_cells(lat, lng, ring), status=Station.Status.OPEN, is_published=True
    )
    if facility_mask:
        queryset = queryset.annotate(has=F("facility_mask").bitand(facility_mask)).filter(
            has=facility_mask
        )
    rows = queryset.order_by().values_list("pk", "lat", "lng", "always_open", "closed_on_holidays")
    return list(rows)


def _open_ones(found, k, at, day, open_only) -> list[tuple[int, float]]:
    """The first k of the sorted candidates open at `at`. Dated closures, and the weekly
    hours of stations that are not open around the clock, are read for the candidates in
    batches, nearest first, so a long list costs only the batches it needs."""
    if not open_only:
        return [(row[0], distance) for distance, row in found[:k]]
    local = timezone.localtime(at)
    holiday = None
    results: list[tuple[int, float]] = []
    batch = max(4 * k, 40)
    for offset in range(0, len(found), batch):
        chunk = found[offset : offset + batch]
        ids = [row[0] for _distance, row in chunk]
        closed = set(
            Closure.objects.filter(
                station_id__in=ids, starts_on__lte=day, ends_on__gte=day
            ).values_list("station_id", flat=True)
        )
        part_time = [row[0] for _distance, row in chunk if not row[3]]
        hours = (
            dict(Station.objects.filter(pk__in=part_time).values_list("pk", "weekly_hours"))
            if part_time
            else {}
        )
        for distance, (pk, _lat, _lng, _always, closed_on_holidays) in chunk:
            if pk in closed:
                continue
            if closed_on_holidays:
                if holiday is None:
                    holiday = rules.is_statutory_holiday(day)
                if holiday:
                    continue
            if pk in hours and not rules.WeeklyHours.from_json(hours[pk]).is_open_at(local):
                continue
            results.append((pk, distance))
            if len(results) == k:
                return results
    return results


_facility_names_cache = TTLCache(
    "stations.facility_names", ttl=3600, depends_on=("stations.facility",)
)


def _facility_names() -> list[tuple[int, str]]:
    """(bit, name) of the active facilities (core.cache: dropped when the checklist is edited)."""
    return _facility_names_cache.get(
        "active",
        lambda: list(Facility.objects.filter(is_active=True).values_list("bit", "name")),
    )


def station_is_open_now(station: Station) -> bool:
    return is_open_at(station, timezone.now())


# --- statistics -----------------------------------------------------------------------------

SERVICE_FIELDS = tuple(Service.values)

ROLLUP_JOB = "stations.nightly_rollup"


def statistics_as_of() -> datetime.datetime | None:
    """The statistics read the daily rollup (StationDay), which the nightly job rebuilds: they
    are as fresh as its last successful run (None: it never ran)."""
    return schedule.last_finished(ROLLUP_JOB)


def station_days(user, first: datetime.date, last: datetime.date) -> QuerySet[StationDay]:
    return scope(StationDay.objects.filter(on__range=(first, last)), user)


@dataclass
class Statistics:
    first: datetime.date
    last: datetime.date
    total: int
    per_day: list[tuple[datetime.date, int]]
    per_station: list[dict]
    per_region: list[dict]
    per_city: list[dict]
    hours: list[tuple[int, int]]
    services: list[tuple[str, int]]
    as_of: datetime.datetime | None = None  # the rollup's last run ("数据截至"), None: never

    @property
    def busiest_hour(self) -> int | None:
        best = max(self.hours, key=lambda pair: pair[1], default=None)
        return best[0] if best and best[1] else None

    @property
    def max_day(self) -> int:
        return max((count for _day, count in self.per_day), default=0)

    @property
    def max_hour(self) -> int:
        return max((count for _hour, count in self.hours), default=0)


def statistics(
    user, first: datetime.date, last: datetime.date, *, region_prefix: str = ""
) -> Statistics:
    """Visits in [first, last] of the stations in the user's subtree, from the daily rollup;
    `region_prefix` narrows to a city ("4101") or a district ("410108")."""
    days = station_days(user, first, last)
    if region_prefix:
        days = days.filter(region_code__startswith=region_prefix)
    sums = {name: Sum(name) for name in ("visits", *SERVICE_FIELDS, *HOUR_FIELDS)}
    totals = days.aggregate(**sums)
    per_day = dict(days.values_list("on").annotate(n=Sum("visits")).order_by())
    calendar = []
    day = first
    while day <= last:
        calendar.append((day, per_day.get(day, 0)))
        day += datetime.timedelta(days=1)
    per_station = list(
        days.values("station_id", "station__code", "station__name", "region_code")
        .annotate(visits=Sum("visits"))
        .order_by("-visits", "station__code")[:200]
    )
    per_region = list(
        days.values("region_code").annotate(visits=Sum("visits")).order_by("region_code")
    )
    per_city = list(days.values("city_code").annotate(visits=Sum("visits")).order_by("city_code"))
    names = region_names(
        {row["region_code"] for row in per_region} | {row["city_code"] for row in per_city}
    )
    for row in per_region:
        row["name"] = names.get(row["region_code"], "")
    for row in per_city:
        row["name"] = names.get(row["city_code"], "")
    labels = dict(Service.choices)
    return Statistics(
        first=first,
        last=last,
        total=totals["visits"] or 0,
        per_day=calendar,
        per_station=per_station,
        per_region=per_region,
        per_city=per_city,
        hours=[(hour, totals[name] or 0) for hour, name in enumerate(HOUR_FIELDS)],
        services=[(str(labels[name]), totals[name] or 0) for name in SERVICE_FIELDS],
        as_of=statistics_as_of(),
    )


def region_names(codes) -> dict[str, str]:
    """The city or county federation's name of each region code, without 总工会 (one query)."""
    orgs = Org.objects.filter(
        region_code__in=list(codes), kind__in=[Org.Kind.CITY, Org.Kind.COUNTY]
    ).values_list("region_code", "name")
    return {code: name.removesuffix("总工会") for code, name in orgs}


def dead_stations(user, *, days: int = DEAD_DAYS) -> QuerySet[Station]:
    """Open stations in scope with no check-in and no keeper's count in the last `days` days."""
    since = clock.today() - datetime.timedelta(days=days)
    visits = Visit.objects.filter(station=OuterRef("pk"), on__gte=since)
    tallies = DayTally.objects.filter(station=OuterRef("pk"), on__gte=since, visits__gt=0)
    return (
        visible_stations(user)
        .filter(status=Station.Status.OPEN)
        .filter(~Exists(visits), ~Exists(tallies))
        .order_by("region_code", "code")
    )


@dataclass
class Coverage:
    points: int
    covered: int
    per_region: list[tuple[str, int, int]]

    @property
    def share(self) -> float:
        return self.covered / self.points if self.points else 0.0


def coverage(points: list[tuple[float, float, str]], *, within_m: float = COVERAGE_M) -> Coverage:
    """The share of sample worker locations (WGS-84, with a region label) that have an open,
    listed station within `within_m` metres (any host union: a worker may use any)."""
    covered = 0
    regions: dict[str, list[int]] = {}
    for lat, lng, region in points:
        hit = bool(nearest(lat, lng, k=1, radius_m=within_m, open_only=False))
        covered += hit
        counts = regions.setdefault(region, [0, 0])
        counts[0] += 1
        counts[1] += hit
    return Coverage(
        points=len(points),
        covered=covered,
        per_region=[(region, n, c) for region, (n, c) in sorted(regions.items())],
    )
