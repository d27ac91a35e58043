"""疗休养 trip pages for staff: an activity's trips (places, taken, left, the union's quota), a
trip's page (per union figures, the nominations with their step and attendance buttons, places,
closing and cancelling, its Excel list), nominating an enrolled worker (searched by name or
the last 4 of the ID), and the subtree's nominations (the approvers' queue)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt, saved
from nuanjia.core.listexport import ListExport, column
from nuanjia.core.workflow_pages import ReasonForm, StepPage, offered_pages, run_step_button
from nuanjia.core.workflow_pages import step_pages as _step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Worker
from nuanjia.people.queries import worker_match

from .. import queries, queries_trips, services
from ..models import Enrolment, PartnerContract
from ..rules import NominationStatus, NominationStep, RosterStatus, TripStatus
from ..tabs import activity_context
from ..workflow import NOMINATION_FLOW

PAGE_SIZE = 50
DATE = django_forms.DateInput(attrs={"type": "date"})

TRIP_EXPORT = ListExport(
    "campaigns.trip_nominations",
    gettext_lazy("Trip list"),
    (
        column(gettext_lazy("Trip"), "trip.name"),
        column(gettext_lazy("Leaves on"), "trip.starts_on"),
        column(gettext_lazy("Returns on"), "trip.ends_on"),
        column(gettext_lazy("Name"), "worker.name"),
        column(gettext_lazy("ID number"), "worker.id_number_masked"),
        column(gettext_lazy("Union"), "org.name"),
        column(gettext_lazy("Status"), "get_status_display"),
        column(gettext_lazy("Nominated at"), "created_at"),
    ),
)


class TripForm(django_forms.Form):
    contract = django_forms.ModelChoiceField(
        label=gettext_lazy("Travel partner"), queryset=PartnerContract.objects.none()
    )
    name = django_forms.CharField(label=gettext_lazy("Name"), max_length=100)
    place = django_forms.CharField(label=gettext_lazy("Destination"), max_length=100)
    starts_on = django_forms.DateField(label=gettext_lazy("Leaves on"), widget=DATE)
    ends_on = django_forms.DateField(label=gettext_lazy("Returns on"), widget=DATE)
    places = django_forms.IntegerField(label=gettext_lazy("Places"), min_value=1)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = PartnerContract.objects.filter(activity=activity, is_active=True)
        self.fields["contract"].queryset = contracts.select_related("partner")  # type: ignore[attr-defined]
        self.fields["contract"].label_from_instance = lambda c: c.partner.name  # type: ignore[attr-defined]


def _may_organise(request, activity) -> bool:
    return services.may_act_for(request.user, activity.org)


@requires(Perm.VIEW_BUSINESS)
def trips_view(request, activity_id: int):
    """The activity's trips with their places; the organising union sets up new ones."""
    activity = queries.get_activity_for(request.user, activity_id)
    return render(
        request,
        "campaigns/trips/trips.html",
        activity_context(
            activity,
            "trips",
            trips=queries_trips.activity_trips(request.user, activity),
            unions=queries_trips.union_rows(request.user, activity=activity),
            own=queries_trips.own_quota(activity, request.user.org),
            may_organise=_may_organise(request, activity),
        ),
    )


@requires(Perm.VIEW_BUSINESS)
def trip_new_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id, write=request.method == "POST")
    form = TripForm(request.POST or None, activity=activity)
    trip = saved(
        request,
        form,
        lambda: services.create_trip(
            activity,
            form.cleaned_data["contract"],
            name=form.cleaned_data["name"],
            place=form.cleaned_data["place"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            places=form.cleaned_data["places"],
            by=request.user,
        ),
        _("The trip has been set up."),
    )
    if trip is not None:
        return redirect("campaigns:trip", trip_id=trip.pk)
    return render(
        request, "campaigns/trips/trip_form.html", activity_context(activity, "trips", form=form)
    )


NOMINATION_STEPS = _step_pages(
    [
        StepPage(NOMINATION_FLOW, NominationStep.APPROVE, django_forms.Form),
        StepPage(NOMINATION_FLOW, NominationStep.REFUSE, ReasonForm, is_danger=True),
        StepPage(NOMINATION_FLOW, NominationStep.WITHDRAW, ReasonForm, is_danger=True),
    ]
)


def _nomination_rows(request, nominations):
    """Each nomination with the step buttons the viewer may press and whether the viewer
    may record the attendance now."""
    may_record = services.may_act_for
    rows = []
    for nomination in nominations:
        rows.append(
            {
                "nomination": nomination,
                "steps": offered_pages(NOMINATION_STEPS, nomination, request.user),
                "may_mark": nomination.status == NominationStatus.APPROVED
                and nomination.trip.starts_on <= clock.today()
                and may_record(request.user, nomination.org),
            }
        )
    return rows


def _filtered_nominations(request, trip):
    status = request.GET.get("status", "")
    return queries_trips.trip_nominations(request.user, trip, status), {"status": status}


@requires(Perm.VIEW_BUSINESS)
def trip_detail_view(request, trip_id: int):
    trip = queries_trips.get_trip_for(request.user, trip_id)
    nominations, filters = _filtered_nominations(request, trip)
    page = Paginator(nominations, PAGE_SIZE).get_page(request.GET.get("page"))
    activity = trip.activity
    return render(
        request,
        "campaigns/trips/trip_detail.html",
        activity_context(
            activity,
            "trips",
            trip=trip,
            unions=queries_trips.union_rows(request.user, trip),
            page=page,
            rows=_nomination_rows(request, page),
            status=filters["status"],
            statuses=NominationStatus.choices,
            own=queries_trips.own_quota(activity, request.user.org),
            may_organise=_may_organise(request, activity),
            may_nominate=trip.status == TripStatus.OPEN
            and services.may_act_for(request.user, request.user.org, services.NOMINATOR_ROLES),
        ),
    )


@requires(Perm.VIEW_BUSINESS)
def trip_export_view(request, trip_id: int):
    trip = queries_trips.get_trip_for(request.user, trip_id)
    nominations, filters = _filtered_nominations(request, trip)
    return TRIP_EXPORT.download(request, nominations, {"trip": trip.pk, **filters})


def _back_to_trip(trip):
    return redirect("campaigns:trip", trip_id=trip.pk)


def _on_trip(request, trip_id: int, act, done: str):
    """A POST action on a trip in the viewer's reach: `act(trip)` with `done` as its message
    (a refusal shown instead); then back to the trip."""
    trip = queries_trips.get_trip_for(request.user, trip_id, write=True)
    attempt(request, lambda: act(trip), done)
    return _back_to_trip(trip)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def trip_places_view(request, trip_id: int):
    places = request.POST.get("places", "")
    return _on_trip(
        request,
        trip_id,
        lambda trip: services.change_trip_places(
            trip, int(places) if places.isdigit() else -1, by=request.user
        ),
        _("The trip's places have been changed."),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def trip_close_view(request, trip_id: int):
    return _on_trip(
        request,
        trip_id,
        lambda trip: services.close_trip(
            trip, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("The trip takes no more nominations."),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def trip_cancel_view(request, trip_id: int):
    return _on_trip(
        request,
        trip_id,
        lambda trip: services.cancel_trip(
            trip, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("The trip has been cancelled; the waiting nominations gave their places back."),
    )


def _candidates(request, trip, text: str):
    """Workers on an approved list of the activity at the viewer's union or below, matching
    the search (name, pinyin, last 4 of the ID or phone), without a live nomination here."""
    condition = worker_match(text)
    if condition is None:
        return []
    rows = (
        queries.scoped(Enrolment.objects.select_related("worker", "org"), request.user)
        .filter(activity=trip.activity, roster__status=RosterStatus.APPROVED)
        .filter(worker__in=Worker.objects.filter(condition))
        .exclude(
            worker__in=trip.nominations.exclude(status=NominationStatus.WITHDRAWN).values("worker")
        )
        .order_by("worker__name", "pk")
    )
    return rows[:PAGE_SIZE]


@requires(Perm.VIEW_BUSINESS)
def trip_nominate_view(request, trip_id: int):
    """Search the union's enrolled workers; nominate one for the trip (POST `worker`)."""
    trip = queries_trips.get_trip_for(request.user, trip_id, write=request.method == "POST")
    if request.method == "POST":
        row = (
            queries.scoped(Enrolment.objects.select_related("worker"), request.user)
            .filter(activity=trip.activity, worker_id=request.POST.get("worker") or None)
            .first()
            if (request.POST.get("worker") or "").isdigit()
            else None
        )
        if row is None:
            messages.error(request, _("Choose a worker from the search."))
        elif attempt(
            request,
            lambda: services.nominate(
                trip,
                row.worker,
                request.user.org,
                by=request.user,
                note=request.POST.get("note", ""),
            ),
            _("%(name)s has been nominated for approval.") % {"name": row.worker.name},
        ):
            return _back_to_trip(trip)
    text = request.GET.get("q", "").strip()
    return render(
        request,
        "campaigns/trips/nominate.html",
        activity_context(
            trip.activity,
            "trips",
            trip=trip,
            q=text,
            candidates=_candidates(request, trip, text),
            own=queries_trips.own_quota(trip.activity, request.user.org),
        ),
    )


@requires(Perm.VIEW_BUSINESS)
def nominations_view(request):
    """The subtree's nominations: by status (waiting: the approvers' queue), or the approved
    ones of trips back home whose attendance is still to be recorded."""
    if request.GET.get("attendance"):
        nominations = queries_trips.attendance_to_record(request.user)
    else:
        nominations = queries_trips.visible_nominations(request.user)
    status = request.GET.get("status", "")
    if status in NominationStatus.values:
        nominations = nominations.filter(status=status)
    page = Paginator(nominations.order_by("trip__starts_on", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/trips/nominations.html",
        {
            "page": page,
            "rows": _nomination_rows(request, page),
            "status": status,
            "statuses": NominationStatus.choices,
            "attendance": bool(request.GET.get("attendance")),
            "query": f"status={status}",
        },
    )


def _nomination_step(request, nomination_id: int, step: str):
    nomination = queries_trips.get_nomination_for(request.user, nomination_id, write=True)
    back = request.POST.get("back", "")
    return run_step_button(
        request,
        NOMINATION_STEPS[step],
        nomination,
        back=lambda: (
            redirect("campaigns:nominations")
            if back == "queue"
            else redirect("campaigns:trip", trip_id=nomination.trip_id)
        ),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def nomination_approve_view(request, nomination_id: int):
    return _nomination_step(request, nomination_id, NominationStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def nomination_refuse_view(request, nomination_id: int):
    return _nomination_step(request, nomination_id, NominationStep.REFUSE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def nomination_withdraw_view(request, nomination_id: int):
    return _nomination_step(request, nomination_id, NominationStep.WITHDRAW)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def nomination_attendance_view(request, nomination_id: int):
    nomination = queries_trips.get_nomination_for(request.user, nomination_id, write=True)
    went = request.POST.get("attended") == "1"
    try:
        services.mark_trip_attendance(nomination, attended=went, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded: went.") if went else _("Recorded: did not go."))
    if request.POST.get("back") == "queue":
        return redirect("campaigns:nominations")
    return redirect("campaigns:trip", trip_id=nomination.trip_id)
