"""Staff pages of statistics, and the registry's Excel import and export."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    imported_context,
    owned_error_sheet,
)
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, rules
from ..imports import STATION_SHEET, export_stations, import_stations, write_station_template
from ..imports_tallies import TALLY_SHEET, import_tallies, write_tally_template
from ..models import Station
from ..tiles import allow_tiles, tile_map
from .registry import DEFAULT_STATS_DAYS, _xlsx

# ---- statistics ---------------------------------------------------------------------------


def _period(request) -> tuple[datetime.date, datetime.date]:
    today = clock.today()
    last = today - datetime.timedelta(days=1)
    first = last - datetime.timedelta(days=DEFAULT_STATS_DAYS - 1)
    try:
        if request.GET.get("from"):
            first = datetime.date.fromisoformat(request.GET["from"])
        if request.GET.get("to"):
            last = datetime.date.fromisoformat(request.GET["to"])
    except ValueError:
        pass
    if last < first:
        first, last = last, first
    if (last - first).days > 366:
        first = last - datetime.timedelta(days=366)
    return first, last


@requires(Perm.VIEW_BUSINESS)
def statistics_view(request):
    first, last = _period(request)
    region = request.GET.get("region", "").strip()
    if not region.isdigit() or len(region) > 6:
        region = ""
    stats = queries.statistics(request.user, first, last, region_prefix=region)
    dead = queries.dead_stations(request.user)
    return allow_tiles(
        render(
            request,
            "stations/statistics.html",
            {
                "stats": stats,
                "region": region,
                "dead": dead[:100],
                "dead_count": dead.count(),
                "day_bars": _bars(stats.per_day, stats.max_day),
                "hour_bars": _bars(stats.hours, stats.max_hour),
                "service_bars": _bars(
                    stats.services, max((n for _s, n in stats.services), default=0)
                ),
                "map": _stations_map(stats),
            },
        )
    )


def _stations_map(stats) -> dict | None:
    """The busiest stations of the period on a city-scale tile map, when tiles are set."""
    if not getattr(settings, "STATIONS_MAP_TILES", "") or not stats.per_station:
        return None
    ids = [row["station_id"] for row in stats.per_station[:50]]
    points = [station.gcj02 for station in Station.objects.filter(pk__in=ids)]
    lat = sum(point[0] for point in points) / len(points)
    lng = sum(point[1] for point in points) / len(points)
    return tile_map(lat, lng, points=points, zoom=11)


def _bars(pairs, top: int) -> list[dict]:
    """Rows for the SVG bar charts: label, value and the bar's length in percent."""
    rows = []
    for label, value in pairs:
        width = round(100 * value / top, 1) if top else 0
        rows.append({"label": label, "value": value, "width": width, "top": round(100 - width, 1)})
    return rows


@requires(Perm.VIEW_BUSINESS)
def coverage_view(request):
    """The share of a sample of worker locations with an open station within 1 km."""
    form = forms.CoverageForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            points = _parse_points(form.cleaned_data["points"], form.cleaned_data["datum"])
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            result = queries.coverage(points)
    return render(request, "stations/coverage.html", {"form": form, "result": result})


MAX_POINTS = 5_000


def _parse_points(text: str, datum: str) -> list[tuple[float, float, str]]:
    points = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [part for part in line.replace("，", ",").replace("\t", ",").split(",")]
        parts = [part.strip() for part in parts if part.strip()]
        if not parts:
            continue
        try:
            lat, lng = float(parts[0]), float(parts[1])
            lat, lng = rules.check_coordinates(lat, lng)
        except (ValueError, IndexError):
            raise RuleViolation(
                _("Line %(line)d: write a latitude and a longitude, e.g. 34.75, 113.62.")
                % {"line": number},
                field="points",
            ) from None
        except RuleViolation as error:
            raise RuleViolation(
                _("Line %(line)d: %(message)s") % {"line": number, "message": error.message},
                field="points",
            ) from None
        lat, lng = rules.to_wgs84(lat, lng, datum)
        points.append((lat, lng, parts[2] if len(parts) > 2 else ""))
        if len(points) > MAX_POINTS:
            raise RuleViolation(
                _("At most %(max)d locations at a time.") % {"max": MAX_POINTS}, field="points"
            )
    if not points:
        raise RuleViolation(_("Enter at least one location."), field="points")
    return points


# ---- import and export --------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def import_view(request):
    form = forms.StationImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": STATION_SHEET.columns}
    context |= imported_context(
        request,
        form,
        lambda upload, **how: import_stations(
            upload, by=request.user, datum=form.cleaned_data["datum"], **how
        ),
    )
    return render(request, "stations/import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def import_errors_view(request, import_token: str):
    return owned_error_sheet(
        request, import_token, filename="驿站导入错误.xlsx", what="station import error sheet"
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def template_view(request):
    return _xlsx(write_station_template, "驿站导入模板.xlsx")


@requires(Perm.VIEW_BUSINESS)
def tally_import_view(request):
    """A union's tally sheet: keepers' day counts of every station of its subtree at once."""
    form = forms.TallyImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": TALLY_SHEET.columns}
    context |= imported_context(
        request, form, lambda upload, **how: import_tallies(upload, by=request.user, **how)
    )
    return render(request, "stations/tally_import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def tally_template_view(request):
    return _xlsx(write_tally_template, "驿站来访统计模板.xlsx")


@requires(Perm.VIEW_BUSINESS)
@require_GET
def export_view(request):
    datum = request.GET.get("datum", rules.WGS84)
    if datum not in rules.DATUMS:
        datum = rules.WGS84
    return _xlsx(
        lambda buffer: export_stations(request.user, buffer, datum=datum),
        f"驿站-{rules.DATUM_NAMES[datum]}.xlsx",
    )
