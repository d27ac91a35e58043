"""Station pages: the staff registry, a station with its closures, photos and counts, the
printable QR sign, statistics and coverage, import/export; and the two public phone pages
(nearest open station, check-in from the QR code), which need no sign-in and are rate-limited.
Every write goes through services."""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    XLSX_CONTENT_TYPE,
    error_sheet_path,
    error_sheet_response,
    result_context,
)
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import get_scoped_or_404, scope, visible_orgs
from nuanjia.orgs.rules import Perm

from . import forms, queries, ratelimit, rules, services
from .imports import STATION_SHEET, export_stations, import_stations, write_station_template
from .models import Closure, Facility, Station, StationGrant, StationPhoto
from .signs import station_sign_pdf
from .tiles import allow_tiles, tile_map
from .workflow import GRANT_FLOW, GrantStep

PAGE_SIZE = 50
DEFAULT_STATS_DAYS = 30


def _apply_error(form, error: RuleViolation) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _xlsx(write, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    write(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _keepable_orgs(user):
    return visible_orgs(user).filter(is_active=True)


# ---- the registry -------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def station_list_view(request):
    stations = queries.visible_stations(request.user)
    status = request.GET.get("status", "")
    if status in Station.Status.values:
        stations = stations.filter(status=status)
    grants = request.GET.get("grants", "")
    if grants in StationGrant.Status.values:
        stations = stations.filter(grants__status=grants).distinct()
    if query := request.GET.get("q", "").strip():
        stations = stations.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(address__icontains=query)
        )
    page = Paginator(stations.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "stations/station_list.html",
        {
            "page": page,
            "statuses": Station.Status.choices,
            "status": status,
            "q": query,
            "query": query_string.urlencode(),
            "may_keep": services.may_keep(request.user, request.user.org)
            if request.user.org
            else False,
        },
    )


@requires(Perm.VIEW_BUSINESS)
def station_new_view(request):
    form = forms.StationForm(
        request.POST or None,
        orgs=_keepable_orgs(request.user),
        initial={"is_published": True, "region_code": request.user.org.region_code},
    )
    if request.method == "POST" and form.is_valid():
        try:
            station = services.create_station(form.station_fields(), by=request.user)
        except RuleViolation as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The station has been registered."))
            return redirect("stations:detail", station_id=station.pk)
    return render(request, "stations/station_form.html", {"form": form})


@requires(Perm.VIEW_BUSINESS)
def station_edit_view(request, station_id: int):
    station = queries.get_station_for(request.user, station_id, write=True)
    form = forms.StationForm(
        request.POST or None,
        orgs=_keepable_orgs(request.user),
        initial=forms.StationForm.initial_for(station),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_station(station, form.station_fields(), by=request.user)
        except RuleViolation as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The station has been saved."))
            return redirect("stations:detail", station_id=station.pk)
    return render(request, "stations/station_form.html", {"form": form, "station": station})


@requires(Perm.VIEW_BUSINESS)
def station_detail_view(request, station_id: int):
    station = queries.get_station_for(request.user, station_id)
    today = clock.today()
    recent = list(station.days.filter(on__gte=today - datetime.timedelta(days=30)).order_by("-on"))
    gcj = station.gcj02
    return allow_tiles(
        render(
            request,
            "stations/station_detail.html",
            {
                "station": station,
                "facilities": station.facility_rows.select_related("facility").order_by(
                    "facility__sort_order"
                ),
                "closures": station.closures.filter(ends_on__gte=today),
                "photos": station.photos.all(),
                "days": recent,
                "is_open_now": queries.station_is_open_now(station),
                "standard": [
                    (label, item in station.standard_checks)
                    for item, label in rules.STANDARD_ITEMS.items()
                ],
                "level": rules.standard_level(station.standard_checks),
                "coordinates": {
                    rules.DATUM_NAMES[datum]: station.in_datum(datum) for datum in rules.DATUMS
                },
                "navigate_url": navigate_url(station),
                "gcj": gcj,
                "map": tile_map(gcj[0], gcj[1]),
                "may_keep": services.may_keep(request.user, station),
                "status_form": forms.StatusForm(),
                "closure_form": forms.ClosureForm(),
                "tally_form": forms.TallyForm(initial={"on": today - datetime.timedelta(days=1)}),
                "photo_form": forms.PhotoForm(),
                "checkin_url": public_checkin_url(request, station),
                "grants": station.grants.select_related(
                    "proposed_by", "approved_by"
                ).prefetch_related("events__by"),
                "grant_form": forms.GrantForm(),
                "roles": set(request.user.roles),
            },
        )
    )


def _keeper_post(request, station_id: int, form_class, action) -> HttpResponse:
    station = queries.get_station_for(request.user, station_id, write=True)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(station, form.cleaned_data)
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
    return redirect("stations:detail", station_id=station.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def station_status_view(request, station_id: int):
    return _keeper_post(
        request,
        station_id,
        forms.StatusForm,
        lambda station, data: services.set_station_status(
            station, data["status"], by=request.user, reason=data["reason"]
        ),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def closure_add_view(request, station_id: int):
    return _keeper_post(
        request,
        station_id,
        forms.ClosureForm,
        lambda station, data: services.add_closure(station, by=request.user, **data),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def closure_remove_view(request, closure_id: int):
    closure = get_scoped_or_404(
        scope(
            Closure.objects.select_related("station__org"), request.user, org_field="station__org"
        ),
        request.user,
        write=True,
        pk=closure_id,
    )
    station = queries.get_station_for(request.user, closure.station_id, write=True)
    try:
        services.remove_closure(closure, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    return redirect("stations:detail", station_id=station.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def tally_view(request, station_id: int):
    return _keeper_post(
        request,
        station_id,
        forms.TallyForm,
        lambda station, data: services.record_tally(station, by=request.user, **data),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def photo_add_view(request, station_id: int):
    return _keeper_post(
        request,
        station_id,
        forms.PhotoForm,
        lambda station, data: services.add_photo(
            station, data["image"], caption=data["caption"], by=request.user
        ),
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def photo_file_view(request, photo_id: int):
    photo = get_scoped_or_404(
        scope(StationPhoto.objects.all(), request.user, org_field="station__org"),
        request.user,
        pk=photo_id,
    )
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = photo.image.name.rsplit(".", 1)[-1].lower()
    content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        extension, "application/octet-stream"
    )
    return FileResponse(handle, content_type=content_type)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def sign_view(request, station_id: int):
    """The printable A4 sign (PDF) with the station's check-in QR code."""
    station = queries.get_station_for(request.user, station_id)
    pdf = station_sign_pdf(station, public_checkin_url(request, station))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{station.code}-驿站标牌.pdf"
    )
    return response


def public_checkin_url(request, station: Station) -> str:
    """The URL the QR code carries: STATIONS_PUBLIC_URL when set (the address phones reach
    from outside), else this server's own address."""
    path = reverse("stations:checkin", args=[station.code])
    base = getattr(settings, "STATIONS_PUBLIC_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def navigate_url(station: Station) -> str:
    """A link that opens the phone's map app (高德 web URI, which hands over to the app when
    installed) at the station, in GCJ-02 as Chinese map apps expect."""
    from urllib.parse import urlencode

    lat, lng = station.gcj02
    query = urlencode(
        {
            "position": f"{lng:.6f},{lat:.6f}",
            "name": station.name,
            "coordinate": "gaode",
            "callnative": "1",
        }
    )
    return f"https://uri.amap.com/marker?{query}"


def distance_label(metres: float) -> str:
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


# ---- construction and upkeep grants ---------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
@require_POST
def grant_new_view(request, station_id: int):
    return _keeper_post(
        request,
        station_id,
        forms.GrantForm,
        lambda station, data: services.propose_station_grant(
            station,
            kind=data["kind"],
            amount_fen=data["amount"],
            purpose=data["purpose"],
            by=request.user,
        ),
    )


def _grant_for(user, pk) -> StationGrant:
    return queries.get_station_grant_for(user, pk, write=True)


def _grant_step(request, station_grant_id: int, step: str, **fields) -> HttpResponse:
    """One step on a station grant, through the workflow engine; a refused role or scope is
    a 403 with its audit record, a refused rule a message on the station page."""
    grant = _grant_for(request.user, station_grant_id)
    try:
        GRANT_FLOW.take_step(grant, step, by=request.user, where=request.path, **fields)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": GRANT_FLOW.label_step(step)})
    return redirect("stations:detail", station_id=grant.station_id)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def grant_approve_view(request, station_grant_id: int):
    return _grant_step(request, station_grant_id, GrantStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def grant_pay_view(request, station_grant_id: int):
    return _grant_step(request, station_grant_id, GrantStep.PAY)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def grant_cancel_view(request, station_grant_id: int):
    grant = _grant_for(request.user, station_grant_id)
    step = services.cancel_step(grant)
    return _grant_step(request, station_grant_id, step, note=request.POST.get("reason", ""))


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
            _apply_error(form, error)
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
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_stations(
            upload,
            by=request.user,
            mode=form.cleaned_data["mode"],
            datum=form.cleaned_data["datum"],
            file_name=upload.name,
        )
        context |= result_context(result, owner_id=request.user.pk)
    return render(request, "stations/import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def import_errors_view(request, import_token: str):
    path = error_sheet_path(import_token, owner_id=request.user.pk)
    return error_sheet_response(
        request, path, filename="驿站导入错误.xlsx", what="station import error sheet"
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def template_view(request):
    return _xlsx(write_station_template, "驿站导入模板.xlsx")


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


# ---- public phone pages -------------------------------------------------------------------


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _when(text: str) -> datetime.datetime | None:
    """A local date and time from the page's "when" field; None (now) when empty."""
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise RuleViolation(
            _("Enter a date and time, or leave it empty for now."), field="at"
        ) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_not_required
@require_GET
def nearest_view(request):
    """The public phone page: the nearest open stations, with distance and a navigate link.

    The page's script fills in the phone's location (WGS-84 from the browser); without
    script, coordinates can be typed. No map tiles are needed."""
    facilities = list(Facility.objects.filter(is_active=True))
    chosen = [code for code in request.GET.getlist("facility") if code]
    context = {
        "facilities": facilities,
        "chosen": chosen,
        "lat": request.GET.get("lat", ""),
        "lng": request.GET.get("lng", ""),
        "radius": request.GET.get("radius", "5"),
        "at": request.GET.get("at", ""),
    }
    lat, lng = _float(request.GET.get("lat")), _float(request.GET.get("lng"))
    if lat is not None and lng is not None:
        if not ratelimit.allow(request, "search", *ratelimit.SEARCH_LIMIT):
            context["error"] = _("Too many searches from your network; try again in a minute.")
            return render(request, "stations/nearest.html", context, status=429)
        known = {facility.code: facility for facility in facilities}
        try:
            lat, lng = rules.check_coordinates(lat, lng)
            unknown = [code for code in chosen if code not in known]
            if unknown:
                raise RuleViolation(
                    _("Unknown facility “%(name)s”.") % {"name": unknown[0]}, field="facility"
                )
            radius_km = _float(context["radius"]) or 5
            at = _when(request.GET.get("at", ""))
            results = queries.nearest(
                lat,
                lng,
                k=10,
                radius_m=radius_km * 1000,
                facility_mask=sum(known[code].mask for code in chosen),
                at=at,
            )
        except RuleViolation as error:
            context["error"] = error.message
            return render(request, "stations/nearest.html", context, status=400)
        context["results"] = [
            {
                "item": item,
                "navigate_url": navigate_url(item.station),
                "distance": distance_label(item.distance_m),
            }
            for item in results
        ]
        context["searched"] = True
        context["map"] = tile_map(
            *rules.wgs84_to_gcj02(lat, lng), points=[r.gcj02 for r in results]
        )
    return allow_tiles(render(request, "stations/nearest.html", context))


@login_not_required
def checkin_view(request, station_code: str):
    """The page a station's QR code opens. A closed (or shut at this hour) station says so
    and logs nothing."""
    station = queries.public_station(station_code)
    if station is None:
        # A worker scanned a sign whose code is wrong or gone: a phone page, not the staff 404.
        return render(request, "stations/not_found.html", status=404)
    now = timezone.now()
    is_open = services.is_open_at(station, now)
    form = forms.CheckInForm(request.POST or None)
    context = {
        "station": station,
        "is_open": is_open,
        "form": form,
        "facilities": station.facility_rows.select_related("facility").order_by(
            "facility__sort_order"
        ),
        "navigate_url": navigate_url(station),
    }
    if request.method == "POST":
        if not ratelimit.allow(request, "checkin", *ratelimit.CHECKIN_LIMIT):
            context["error"] = _("Too many check-ins from your network; try again later.")
            return render(request, "stations/checkin.html", context, status=429)
        if is_open and form.is_valid():
            try:
                services.check_in(
                    station,
                    services=form.cleaned_data["services"],
                    card_or_phone=form.cleaned_data["card_or_phone"],
                    client=ratelimit.client_identity(request),
                    at=now,
                )
            except RuleViolation as error:
                if error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    context["error"] = error.message
            else:
                done = render(request, "stations/checkin_done.html", context)
                return ratelimit.remember_client(request, done)
    return ratelimit.remember_client(request, render(request, "stations/checkin.html", context))
