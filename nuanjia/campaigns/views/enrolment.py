"""Enrolment pages: the rule, the preview per union and the enrol button (with the confirm
page when the count moved), a run's progress, and the lists (名单) with their rows, export
and approval steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt
from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column
from nuanjia.core.workflow_pages import NoteForm, ReasonForm, StepPage, step_pages
from nuanjia.members.queues import StaffQueue
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import get_scoped_or_404, visible_orgs
from nuanjia.orgs.rules import Perm
from nuanjia.people import eligibility
from nuanjia.people.eligibility_forms import RuleBuilder
from nuanjia.people.queries import get_worker_for

from .. import queries, services, tasks
from ..models import Enrolment, EnrolmentRun, Roster
from ..rules import ENROL_CHUNK, RosterStatus, RosterStep
from ..tabs import activity_context
from ..workflow import ROSTER_FLOW

PAGE_SIZE = 50
# Runs up to this many rows are done while the page waits; longer ones in the background.
INLINE_ROWS = ENROL_CHUNK


ROSTER_STEPS = step_pages(
    [
        StepPage(ROSTER_FLOW, RosterStep.SUBMIT, NoteForm),
        StepPage(ROSTER_FLOW, RosterStep.APPROVE, NoteForm),
        StepPage(ROSTER_FLOW, RosterStep.RETURN, ReasonForm, is_danger=True),
    ]
)


def _union(request, activity) -> Any:
    """The union the page previews at: ?org=<code> in the viewer's subtree, else their own."""
    code = request.GET.get("org") or request.POST.get("org") or request.user.org.code
    org = visible_orgs(request.user).filter(code=code).first()
    if org is None or not org.path.startswith(activity.org.path):
        org = request.user.org if request.user.org.path.startswith(activity.org.path) else None
    return org


def _builder(request, activity) -> RuleBuilder | None:
    """The rule builder for the organising union's planners (bound on a POST), else None;
    a rule deeper than the builder shows is changed through the API."""
    if not services.may_act_for(request.user, activity.org):
        return None
    if request.method == "POST":
        return RuleBuilder(request.POST)
    rule = eligibility.parse_rule(activity.rule) if activity.rule else None
    if rule is not None and not RuleBuilder.fits(rule):
        return None
    return RuleBuilder(rule=rule)


@requires(Perm.VIEW_BUSINESS)
def enrolment_view(request, activity_id: int):
    """GET: the rule, the preview at a union (?preview=1&org=…), the runs and the lists.
    POST: a new rule from the builder (organising union's planners)."""
    activity = queries.get_activity_for(request.user, activity_id, write=request.method == "POST")
    builder = _builder(request, activity)
    if request.method == "POST":
        if builder is None:
            raise PermissionDenied
        if builder.is_valid() and attempt(
            request,
            lambda: services.change_rule(activity, builder.rule_data(), by=request.user),
            _("The rule has been saved."),
        ):
            return redirect("campaigns:enrolment", activity_id=activity.pk)
    org = _union(request, activity)
    preview = (
        services.preview(activity, org) if org is not None and "preview" in request.GET else None
    )
    rosters = queries.scoped(Roster.objects.filter(activity=activity), request.user)
    runs = queries.scoped(EnrolmentRun.objects.filter(activity=activity), request.user)[:10]
    return render(
        request,
        "campaigns/enrolment.html",
        activity_context(
            activity,
            "enrolment",
            org=org,
            preview=preview,
            builder=builder,
            rule_text=services.enrolment.describe(activity.rule)[0],
            rosters=rosters.select_related("org"),
            runs=runs.select_related("org", "started_by"),
            may_enrol=org is not None and services.may_act_for(request.user, org),
            unions=_unions_to_preview(request, activity, org),
        ),
    )


def _unions_to_preview(request, activity, org) -> list[Any]:
    """The viewer's union, the one previewed and the unions right below it (the select)."""
    own = request.user.org
    shown = [own] if own.path.startswith(activity.org.path) else []
    if org is not None and org != own:
        shown.append(org)
    below = visible_orgs(request.user).filter(parent=org or own, is_active=True).order_by("code")
    return shown + list(below[:200])


def _start(request, activity, org, expected: int) -> HttpResponse:
    run = services.start_run(activity, org, by=request.user, expected=expected)
    if expected <= INLINE_ROWS:
        run = services.continue_run(run, by=request.user)
        messages.success(request, _("%(count)d people added to the list.") % {"count": run.added})
    else:
        tasks.enrol_task.enqueue(run.pk, request.user.pk)
        messages.success(request, _("The run has started; its progress is shown below."))
    return redirect(reverse("campaigns:enrolment", args=[activity.pk]) + f"?org={org.code}")


@requires(Perm.VIEW_BUSINESS)
@require_POST
def enrol_view(request, activity_id: int):
    """Enrol what the preview showed; when the count moved since, say so and ask again."""
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    org = _union(request, activity)
    if org is None:
        raise Http404
    preview = services.preview(activity, org)
    expected = request.POST.get("expected", "")
    if expected != str(preview.total) or request.POST.get("rule_hash") != preview.rule_hash:
        return render(
            request,
            "campaigns/enrol_confirm.html",
            activity_context(
                activity,
                "enrolment",
                org=org,
                preview=preview,
                shown=int(expected) if expected.isdigit() else None,
                difference=preview.total - int(expected) if expected.isdigit() else None,
            ),
        )
    try:
        return _start(request, activity, org, preview.total)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("campaigns:enrolment", activity_id=activity.pk)


@requires(Perm.VIEW_BUSINESS)
def run_progress_view(request, run_id: int):
    run = get_scoped_or_404(
        queries.scoped(EnrolmentRun.objects.select_related("org"), request.user),
        request.user,
        pk=run_id,
    )
    return render(request, "campaigns/_run_progress.html", {"run": run})


@requires(Perm.VIEW_BUSINESS)
@require_POST
def run_resume_view(request, run_id: int):
    run = get_scoped_or_404(
        queries.scoped(EnrolmentRun.objects.all(), request.user),
        request.user,
        write=True,
        pk=run_id,
    )
    if run.status == EnrolmentRun.Status.RUNNING and services.may_act_for(request.user, run.org):
        tasks.enrol_task.enqueue(run.pk, request.user.pk)
        messages.success(request, _("The run goes on from where it stopped."))
    return redirect("campaigns:enrolment", activity_id=run.activity_id)


# ---- lists -------------------------------------------------------------------------------


def visible_rosters(user):
    return queries.scoped(Roster.objects.select_related("activity__campaign", "org"), user)


def get_roster_for(user, pk, *, write: bool = False) -> Roster:
    return get_scoped_or_404(visible_rosters(user), user, write=write, pk=pk)


ROSTER_EXPORT = ListExport(
    name="campaigns.roster",
    title=gettext_lazy("Enrolment list"),
    columns=(
        column(gettext_lazy("Name"), "worker.name"),
        column(gettext_lazy("ID number"), "worker.id_number_masked"),
        column(gettext_lazy("Union"), "org.name"),
        column(gettext_lazy("Region code"), "region_code"),
        column(gettext_lazy("Added by"), lambda row: _("rule") if row.run_id else _("hand")),
    ),
    limit=CSV_ABOVE_ROWS,
)


class RosterQueue(StaffQueue):
    def detail_view(self, request, **ids: int) -> HttpResponse:
        from nuanjia.core.workflow_pages import offered_pages

        roster = self.get_for(request.user, ids[self.id_name])
        rows = roster.enrolments.select_related("worker", "org").order_by("worker_id")
        return render(request, "campaigns/roster_detail.html", {
            "item": roster, "roster": roster, "activity": roster.activity,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "events": roster.events.select_related("by"),
            "statuses": RosterStatus.choices,
            "steps": offered_pages(self.steps, roster, request.user),
            "may_change": roster.status == RosterStatus.DRAFT
            and services.may_act_for(request.user, roster.org),
        })  # fmt: skip


ROSTER_QUEUE = RosterQueue(
    name="roster",
    url="campaigns/lists/",
    template="campaigns/roster",
    statuses=RosterStatus,
    waiting=RosterStatus.SUBMITTED,
    visible=visible_rosters,
    get_for=get_roster_for,
    steps=ROSTER_STEPS,
    namespace="campaigns",
)


@requires(Perm.VIEW_BUSINESS)
def roster_export_view(request, roster_id: int):
    roster = get_roster_for(request.user, roster_id)
    rows = roster.enrolments.select_related("worker", "org").order_by("worker_id")
    filters = {"roster": roster.pk}
    return ROSTER_EXPORT.download(request, rows, filters)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def roster_add_view(request, roster_id: int):
    roster = get_roster_for(request.user, roster_id, write=True)
    worker_id = request.POST.get("worker", "")
    if not worker_id.isdigit():
        messages.error(request, _("Give the worker's registry number."))
        return redirect("campaigns:roster_detail", roster_id=roster.pk)
    worker = get_worker_for(request.user, int(worker_id))
    attempt(
        request,
        lambda: services.add_by_hand(
            roster.activity,
            roster.org,
            worker,
            by=request.user,
            reason=request.POST.get("reason", ""),
        ),
        _("The worker has been added to the list."),
    )
    return redirect("campaigns:roster_detail", roster_id=roster.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def roster_remove_view(request, enrolment_id: int):
    row = get_scoped_or_404(
        queries.scoped(
            Enrolment.objects.select_related("roster"), request.user, org_field="roster__org"
        ),
        request.user,
        write=True,
        pk=enrolment_id,
    )
    attempt(
        request,
        lambda: services.remove_from_list(
            row, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("The worker has been taken off the list."),
    )
    return redirect("campaigns:roster_detail", roster_id=row.roster_id)
