"""A travel partner's phone pages under /p/campaigns/ (合作机构端): its trips with the people
approved for them — each name in full only where the worker's member account consented for
this partner, else masked — the same list as an Excel file, and marking who went once a trip
has left. Everything is the signed-in partner's own; another partner's trip answers 404."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import XLSX_CONTENT_TYPE
from nuanjia.core.listexport import ListExport, column
from nuanjia.members.auth import partner_page

from .. import queries_trips, services

PARTNER_EXPORT = ListExport(
    "campaigns.partner_trip_list",
    gettext_lazy("Trip list"),
    (
        column(gettext_lazy("Trip"), "trip_name"),
        column(gettext_lazy("Leaves on"), "starts_on"),
        column(gettext_lazy("Returns on"), "ends_on"),
        column(gettext_lazy("Number"), "number"),
        column(gettext_lazy("Name"), "name"),
        column(gettext_lazy("Union"), "org_name"),
        column(gettext_lazy("Status"), "status_label"),
    ),
)


def _partner(request):
    return request.partner_user.partner


@partner_page
def partner_trips_view(request):
    partner = _partner(request)
    people = queries_trips.partner_people(partner)
    trips = list(queries_trips.partner_trips(partner))
    for trip in trips:
        trip.people = [person for person in people if person.trip_id == trip.pk]  # type: ignore[attr-defined]
    return render(request, "campaigns/trips/partner_trips.html", {"trips": trips})


@partner_page
def partner_trip_view(request, trip_id: int):
    partner = _partner(request)
    trip = queries_trips.get_partner_trip(partner, trip_id)
    if trip is None:
        raise Http404
    return render(
        request,
        "campaigns/trips/partner_trip.html",
        {"trip": trip, "people": queries_trips.partner_people(partner, trip)},
    )


@partner_page
def partner_trips_export_view(request):
    """The partner's trip list as a sheet, masked as on the page; the download is audited
    with the partner person's label."""
    user = request.partner_user
    people = queries_trips.partner_people(user.partner)
    output = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
    counted = PARTNER_EXPORT.write(output, people)
    record_event(
        user.partner,
        "campaigns.trip_list_read",
        actor_label=user.actor_label,
        changes={"rows": counted.written, "named": sum(p.name_shown for p in people)},
    )
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"{PARTNER_EXPORT.title}-{timezone.localdate().isoformat()}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@partner_page
@require_POST
def partner_attendance_view(request, nomination_id: int):
    user = request.partner_user
    nomination = queries_trips.partner_nominations(user.partner).filter(pk=nomination_id).first()
    if nomination is None:
        raise Http404
    went = request.POST.get("attended") == "1"
    try:
        services.mark_trip_attendance(nomination, attended=went, partner_user=user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded: went.") if went else _("Recorded: did not go."))
    return redirect("campaigns:partner_trip", trip_id=nomination.trip_id)
