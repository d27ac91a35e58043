"""Staff pages of the station registry: list, detail, create and change, closures, photos, signs; station grants' steps."""

from __future__ import annotations

import datetime
import io

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    XLSX_CONTENT_TYPE,
)
from nuanjia.core.workflow_pages import StepPage, apply_rule_error, run_step_button, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import get_scoped_or_404, scope, visible_orgs
from nuanjia.orgs.rules import Perm

from .. import forms, queries, rules, services
from ..models import Closure, Station, StationGrant, StationPhoto
from ..signs import station_sign_pdf
from ..tiles import allow_tiles, tile_map
from ..workflow import GRANT_FLOW, GrantStep

PAGE_SIZE = 50
DEFAULT_STATS_DAYS = 30


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
    page = queries.STATION_LIST.page(stations, request.GET)
    return render(
        request,
        "stations/station_list.html",
        {
            "page": page,
            "statuses": Station.Status.choices,
            "status": status,
            "q": query,
            "query": page.query,
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
            apply_rule_error(form, error)
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
            apply_rule_error(form, error)
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


# Each step a button on the station page posts (approve and pay confirm; cancel says why).
GRANT_STEPS = step_pages(
    [
        StepPage(GRANT_FLOW, GrantStep.APPROVE, django_forms.Form),
        StepPage(GRANT_FLOW, GrantStep.PAY, django_forms.Form),
        StepPage(GRANT_FLOW, GrantStep.WITHDRAW, forms.CancelForm, is_danger=True),
        StepPage(GRANT_FLOW, GrantStep.CANCEL, forms.CancelForm, is_danger=True),
    ]
)


def _grant_step(request, station_grant_id: int, step: str | None = None) -> HttpResponse:
    """One step on a station grant, through the workflow engine; a refused role or scope is
    a 403 with its audit record, a refused rule a message on the station page. Without a
    step, the cancel button's: withdraw a proposed grant, cancel an approved one."""
    grant = queries.get_station_grant_for(request.user, station_grant_id, write=True)
    page = GRANT_STEPS[step or services.cancel_step(grant)]
    return run_step_button(
        request, page, grant, back=lambda: redirect("stations:detail", station_id=grant.station_id)
    )


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
    return _grant_step(request, station_grant_id)
