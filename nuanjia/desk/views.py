"""The home page (我的待办), the auditor's pages and the health check."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import CharField, Exists, F, Func, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core import homepanels, todo, workdays
from nuanjia.core.audit_names import EVENT_NAMES, event_choices, event_name
from nuanjia.core.audit_verification import verify_audit_chain
from nuanjia.core.calendar import may_edit_calendar
from nuanjia.core.db_router import replica_is_real, replica_status
from nuanjia.core.listexport import ListExport, column
from nuanjia.core.lists import ListSpec, Sort, counted_by
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import get_scoped_or_404, within
from nuanjia.orgs.rules import Perm


def home_view(request):
    user = request.user
    context = {
        "todo_items": todo.items_for(user),
        "roles": user.role_labels(),
        "has_roles": bool(user.roles),
        # Deadlines count working days: say when a year's holiday schedule is missing.
        "schedule_warnings": workdays.schedule_warnings(timezone.localdate()),
        "can_enter_calendar": may_edit_calendar(user),
        "panels": homepanels.panels_for(user),  # e.g. a leader's figures (reports)
    }
    return render(request, "desk/home.html", context)


def visible_audit_events(user):
    """The audit trail of the user's org subtree (by the org recorded on each event), read
    newest first along the id order without sorting the subtree's range (issue 25).

    For the root union (the province) every recorded org is in the subtree: the condition
    is "an org is recorded and no other root exists" (as `orgs.queries.under`), which no
    index serves, so both databases walk the id order and stop at the page's rows. Below
    it, SQLite would seek the (org_path, id) range and sort all of it for the page; it is
    given the path as an expression (`org_path || ''`) it checks row by row while walking
    the id order (or the action index, itself in id order, for a filtered page) instead;
    its capped count still seeks the range (`counted_by`). PostgreSQL keeps the range (a
    top-N sort of the subtree's entries)."""
    org = user.org
    if org is None:
        return AuditEvent.objects.none()
    if org.parent_id is None:
        other_roots = Org.objects.filter(parent__isnull=True).exclude(pk=org.pk)
        walked = Q(~Exists(other_roots), ~Q(org_path="")) | within(org.path, "org_path")
        return AuditEvent.objects.filter(walked)
    if connection.vendor != "sqlite":
        return AuditEvent.objects.filter(within(org.path, "org_path"))
    path = Func(F("org_path"), template="(%(expressions)s || '')", output_field=CharField())
    events = AuditEvent.objects.alias(walked_path=path).filter(within(org.path, "walked_path"))
    return counted_by(events, within(org.path, "org_path"))  # the count seeks the range


def _day_bound(value: str, end: bool):
    day = parse_date(value or "")
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


AUDIT_EXPORT = ListExport("desk.audit", _lazy("Audit trail"), (
    column("#", "pk"), column(_lazy("Time"), lambda event: timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")),
    column(_lazy("Actor"), "actor_label"), column(_lazy("Event type"), lambda event: event_name(event.action)),
    column(_lazy("Object"), "object_label"), column(_lazy("IP address"), "ip"),
    column(_lazy("Result"), lambda event: _("OK") if event.success else _("Failed")),
))  # fmt: skip
# Newest first by id (the primary key index; ids only grow), or oldest first.
AUDIT_LIST = ListSpec(
    "desk.audit",
    {
        "newest": Sort(("-id",), _lazy("Newest first")),
        "oldest": Sort(("id",), _lazy("Oldest first")),
    },
)
AUDIT_FILTERS = ("actor", "action", "object", "result", "since", "until")


def _filtered_events(request):
    """The auditor's events the list's filters select, newest first."""
    events = visible_audit_events(request.user)
    filters = {key: request.GET.get(key, "").strip() for key in AUDIT_FILTERS}
    if filters["actor"]:
        events = events.filter(actor_label__icontains=filters["actor"])
    if filters["action"] in EVENT_NAMES:
        events = events.filter(action=filters["action"])
    elif filters["action"]:  # a code without a name, or a prefix such as "login."
        events = events.filter(action__startswith=filters["action"])
    if filters["object"]:
        events = events.filter(object_label__icontains=filters["object"])
    if filters["result"] in {"ok", "failed"}:
        events = events.filter(success=filters["result"] == "ok")
    if since := _day_bound(filters["since"], end=False):
        events = events.filter(at__gte=since)
    if until := _day_bound(filters["until"], end=True):
        events = events.filter(at__lte=until)
    return events.order_by("-id"), filters


@requires(Perm.VIEW_AUDIT)
def audit_list_view(request):
    events, filters = _filtered_events(request)
    page = AUDIT_LIST.page(events, request.GET)
    return render(
        request,
        "desk/audit_list.html",
        {
            "page": page,
            "query": page.query,
            "filters": filters,
            "event_types": event_choices(),
        },
    )


@requires(Perm.VIEW_AUDIT)
def audit_export_view(request):
    """The filtered audit trail as xlsx: every event the filters select."""
    events, filters = _filtered_events(request)
    return AUDIT_EXPORT.response(request, events, filters)


@require_POST
@requires(Perm.VIEW_AUDIT)
def audit_verify_view(request):
    """`nuanjia audit verify` from the auditor's page: walk the whole chain, show the result."""
    check = verify_audit_chain(by=request.user)
    if check.is_intact:
        messages.success(
            request,
            _("The audit chain is intact: %(count)d events checked.") % {"count": check.events},
        )
    else:
        where = {"chain": check.chain, "seq": check.broken_at, "reason": check.reason}
        if check.event_id is None:
            message = _("Audit chain %(chain)s is broken at its no. %(seq)d (%(reason)s).")
        else:
            message = _(
                "Audit chain %(chain)s is broken at its no. %(seq)d, event #%(id)d (%(reason)s)."
            )
        messages.error(request, message % {**where, "id": check.event_id})
    return redirect("desk:audit_list")


@requires(Perm.VIEW_AUDIT)
def audit_detail_view(request, event_id: int):
    event = get_scoped_or_404(visible_audit_events(request.user), request.user, pk=event_id)
    return render(request, "desk/audit_detail.html", {"event": event})


@login_not_required
def healthz_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


_MIGRATED: list[bool] = []  # [True] once this process saw every migration applied


def _readiness_checks() -> dict[str, str]:
    """Each thing this process needs before it takes traffic: "ok", or what is wrong."""
    from django.db.migrations.executor import MigrationExecutor

    from nuanjia.core.redisconn import redis_client, redis_url

    checks = {}
    try:
        if _MIGRATED:  # this code's migrations stay applied: after that a query will do
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            waiting = []
        else:  # loading the migration graph costs far more than a probe should, every time
            executor = MigrationExecutor(connection)
            waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
            _MIGRATED.extend([True] if not waiting else [])
        checks["database"] = "ok" if not waiting else f"{len(waiting)} migrations not applied"
    except Exception as error:  # the database is down or refuses us
        checks["database"] = f"unreachable: {type(error).__name__}"
    if redis_url():
        try:
            redis_client().ping()
            checks["redis"] = "ok"
        except Exception as error:
            checks["redis"] = f"unreachable: {type(error).__name__}"
    return checks


@login_not_required
def readyz_view(request):
    """Ready for traffic: the database answers with every migration applied, Redis (when
    configured) answers; 503 naming what is not. With a read replica, its state and lag
    (core.db_router), which do not make the node unready."""
    checks = _readiness_checks()
    ready = all(value == "ok" for value in checks.values())
    answer: dict = {"status": "ready" if ready else "not ready", "checks": checks}
    if replica_is_real():  # reads fall back to the primary: a replica down is not unready
        answer["replica"] = replica_status()
    if ready:  # the monthly partitions after this one, per table (PostgreSQL; ADR 0023)
        from nuanjia.core.partitions import partitions_ahead

        ahead = partitions_ahead()
        if ahead:
            answer["partitions_ahead"] = {table: int(count) for table, count in ahead.items()}
    return JsonResponse(answer, status=200 if ready else 503)


@login_not_required
def metrics_view(request):
    """The business gauges for Prometheus: from the machine itself or with the metrics token."""
    from nuanjia.core.observability import may_read_metrics, metrics_text

    if not may_read_metrics(request):
        return HttpResponse(status=404)
    return HttpResponse(metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")
