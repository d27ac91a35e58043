"""Public phone pages: the nearest open station and the QR check-in (no sign-in, rate-limited)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nuanjia.core.errors import RuleViolation

from .. import forms, queries, ratelimit, rules, services
from ..models import Facility
from ..tiles import allow_tiles, tile_map
from .registry import distance_label, navigate_url

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
