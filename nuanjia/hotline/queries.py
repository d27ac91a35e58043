"""Reads of tickets used by more than one caller: scoped lists and objects, routing, the
caller lookup of the agent desk, to-do filters, answer templates and the KPIs."""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from nuanjia.core import schedule
from nuanjia.core.cache import TTLCache, from_plain_row, plain_row
from nuanjia.core.lists import ListSpec, Sort
from nuanjia.core.sealed_phones import phone_lookup
from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.queries import get_scoped_or_404, scope, within
from nuanjia.people.models import Employer
from nuanjia.people.queries import search_workers
from nuanjia.relief.rules import Status as GrantStatus
from nuanjia.standards import regions

from . import rules
from .models import AnswerTemplate, FastTrack, Ticket
from .rules import Satisfaction, Status

_routes = TTLCache("hotline.routes", ttl=3600, depends_on=("orgs.org",))


# The ticket list (page and API): newest received first (index received_at, id), or oldest.
TICKET_LIST = ListSpec(
    "hotline.tickets",
    {
        "newest": Sort(("-received_at",), gettext_lazy("Newest first")),
        "oldest": Sort(("received_at",), gettext_lazy("Oldest first")),
    },
)


def visible_tickets(user) -> QuerySet[Ticket]:
    return scope(Ticket.objects.select_related("org", "escalated_to", "holder"), user)


def mine_q(user) -> Q:
    """我的工单: the open tickets `user` has taken."""
    return Q(holder=user, status__in=rules.OPEN_STATUSES)


def get_ticket_for(user, pk, *, write: bool = False) -> Ticket:
    return get_scoped_or_404(visible_tickets(user), user, write=write, pk=pk)


def visible_fast_tracks(user) -> QuerySet[FastTrack]:
    return scope(FastTrack.objects.select_related("ticket", "grant", "worker"), user)


# ---- Routing ------------------------------------------------------------------------------


def _administrative_org(region_code: str) -> Org | None:
    """The county union of a region code, else its city's, else the province's. The row's
    values are cached (core.cache, dropped on any edit of a union), and each call gets a
    fresh instance of its own."""
    values = _routes.get(region_code, lambda: _administrative_org_values(region_code))
    return from_plain_row(Org, values) if values is not None else None


def _administrative_org_values(region_code: str) -> dict | None:
    candidates = regions.fallback_chain(region_code)
    found = {
        org.region_code: org
        for org in Org.objects.filter(
            region_code__in=candidates, kind__in=Org.ADMINISTRATIVE_KINDS, is_active=True
        ).order_by("depth")
    }
    org = next((found[code] for code in candidates if code in found), None)
    if org is None:
        org = Org.objects.filter(parent__isnull=True).first()
    return plain_row(org) if org is not None else None


def clear_route_cache() -> None:
    _routes.clear()


def region_known(region_code: str) -> bool:
    return Org.objects.filter(region_code=region_code, kind__in=Org.ADMINISTRATIVE_KINDS).exists()


def match_employer(name: str) -> Employer | None:
    """The employer record of an exactly typed name, when there is exactly one."""
    name = name.strip()
    if not name:
        return None
    found = list(Employer.objects.filter(name=name).select_related("union")[:2])
    return found[0] if len(found) == 1 else None


def proposed_org(region_code: str, employer: Employer | None = None) -> Org | None:
    """Who should handle it: the employer's grassroots union, else the county union of the
    place (then its city, then the province)."""
    if employer is not None and employer.union is not None and employer.union.is_active:
        return employer.union
    return _administrative_org(region_code)


def place_choices() -> list[tuple[str, str]]:
    """Cities and counties for the public form, as (region code, "city · county")."""
    rows = Org.objects.filter(
        kind__in=(Org.Kind.CITY, Org.Kind.COUNTY), is_active=True
    ).values_list("region_code", "name", "kind", "parent__name")
    choices = {}
    for code, name, kind, parent in rows.order_by("path"):
        if code and code not in choices:
            choices[code] = name if kind == Org.Kind.CITY else f"{parent} · {name}"
    return list(choices.items())


# ---- The agent desk -----------------------------------------------------------------------


def caller_lookup(user, phone: str, *, limit: int = 5, ticket_limit: int = 10) -> dict:
    """Worker records and earlier tickets of a phone number, within the user's scope, the
    most recent ticket first. The number is matched through its blind index (phones are
    sealed, core.sealed_phones); a ticket linked to one of the number's worker records counts
    too (the caller rang from another phone then). `more`: further tickets exist."""
    digits = "".join(char for char in phone if char.isdigit())
    if len(digits) < 7:
        return {"workers": [], "tickets": [], "more": False}
    workers = list(search_workers(user, phone).select_related("employer")[:limit])
    tickets = list(
        visible_tickets(user)
        .filter(phone_lookup("caller_phone", phone) | Q(worker__in=[w.pk for w in workers]))
        .order_by("-received_at", "-id")[: ticket_limit + 1]
    )
    return {
        "workers": workers,
        "tickets": tickets[:ticket_limit],
        "more": len(tickets) > ticket_limit,
    }


def templates_for(user, kind: str = "") -> QuerySet[AnswerTemplate]:
    """Answer templates of the user's union and the unions above it."""
    org = getattr(user, "org", None)
    if org is None:
        return AnswerTemplate.objects.none()
    templates = AnswerTemplate.objects.filter(org__code__in=org.ancestor_codes(), is_active=True)
    if kind:
        templates = templates.filter(Q(kind=kind) | Q(kind=""))
    return templates


# ---- To-do and queues ---------------------------------------------------------------------


def _overdue_stages(now: datetime.datetime) -> dict[str, Q]:
    """Each deadline a ticket can miss, as the condition of having missed it now."""
    return {
        "first_contact": Q(status__in=rules.BEFORE_CONTACT_STATUSES, first_contact_due_at__lt=now),
        "resolution": Q(
            status__in=rules.RESOLVING_STATUSES, paused_at__isnull=True, resolution_due_at__lt=now
        ),
        "callback": Q(status=Status.ANSWERED, callback_due_at__lt=now),
    }


def overdue_q(now: datetime.datetime) -> Q:
    first, *rest = _overdue_stages(now).values()
    for condition in rest:
        first |= condition
    return first


def overdue_by_stage() -> dict[str, float]:
    """Tickets past each deadline, province-wide (the operator's gauge)."""
    counts = Ticket.objects.aggregate(
        **{stage: Count("pk", filter=q) for stage, q in _overdue_stages(timezone.now()).items()}
    )
    return {stage: float(count) for stage, count in counts.items()}


SWEEP_JOB = "hotline.sweep_deadlines"


def escalations_as_of() -> datetime.datetime | None:
    """Escalations for lateness are made by the nightly sweep (hotline.jobs), so the count of
    tickets escalated to a union is as fresh as its last run (None: it never ran)."""
    return schedule.last_finished(SWEEP_JOB)


QUEUES = {
    # key: (condition, roles that act on it)
    "to_classify": (Q(status=Status.RECEIVED), rules.AGENT),
    "to_dispatch": (Q(status=Status.CLASSIFIED), rules.AGENT),
    "to_accept": (Q(status=Status.DISPATCHED), rules.HANDLERS),
    "in_progress": (Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS)), rules.HANDLERS),
    "to_call_back": (Q(status=Status.ANSWERED), rules.AGENT),
    "to_close": (Q(status=Status.CALLED_BACK), rules.AGENT),
}


# ---- KPIs ---------------------------------------------------------------------------------


def kpis(user, start: datetime.date, end: datetime.date, org: Org | None = None) -> dict:
    """Figures of the tickets received from `start` to `end` (inclusive) in the user's
    scope (or the subtree of `org` inside it)."""
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    finish = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    tickets = visible_tickets(user).filter(received_at__gte=begin, received_at__lt=finish)
    if org is not None:
        tickets = tickets.filter(within(org.path, "org__path"))
    by_kind = {
        row["kind"]: row["n"] for row in tickets.order_by().values("kind").annotate(n=Count("pk"))
    }
    handling = ExpressionWrapper(F("answered_at") - F("received_at"), output_field=DurationField())
    totals = tickets.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        on_time=Count("pk", filter=Q(answered_at__isnull=False, is_late=False)),
        called_back=Count("pk", filter=~Q(satisfaction="")),
        satisfied=Count(
            "pk", filter=Q(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))
        ),
        average_handling=Avg(handling, filter=Q(answered_at__isnull=False)),
    )
    fast = FastTrack.objects.filter(
        ticket__in=tickets.values("pk"), is_cancelled=False, days_to_payment__isnull=False
    ).aggregate(count=Count("pk"), average=Avg("days_to_payment"))

    def rate(part, whole):
        return round(100 * part / whole, 1) if whole else None

    average = totals["average_handling"]
    return {
        "total": totals["total"],
        "by_kind": [(label, by_kind.get(value, 0), value) for value, label in rules.Kind.choices],
        "closed": totals["closed"],
        "answered": totals["answered"],
        "on_time_rate": rate(totals["on_time"], totals["answered"]),
        "satisfaction_rate": rate(totals["satisfied"], totals["called_back"]),
        "called_back": totals["called_back"],
        "average_handling_hours": round(average.total_seconds() / 3600, 1) if average else None,
        "fast_track_count": fast["count"],
        "fast_track_average_days": round(fast["average"], 1)
        if fast["average"] is not None
        else None,
    }


def fast_tracks_for(ticket: Ticket) -> list[FastTrack]:
    return list(ticket.fast_tracks.select_related("grant", "proposed_by", "approved_by"))


# What each step on a ticket's advance relief waits for: its grant proposed (to approve),
# or paid with the paperwork still open.
FAST_TRACK_WAITING = {
    "approve": lambda item: item.grant.status == GrantStatus.PROPOSED and not item.is_cancelled,
    "paperwork": lambda item: item.grant.status == GrantStatus.PAID and not item.paperwork_done_on,
}


def fast_track_waiting(ticket: Ticket, stage: str) -> FastTrack | None:
    """The ticket's first advance relief waiting for `stage` ("approve", "paperwork")."""
    waiting = FAST_TRACK_WAITING[stage]
    return next((item for item in fast_tracks_for(ticket) if waiting(item)), None)


def fast_track_proposers(ticket: Ticket, *, limit: int = 5) -> list[Staff]:
    """Who may propose advance relief for the ticket: active caseworkers of its union or of
    the unions above it (whose scope holds it), the nearest first."""
    codes = ticket.org.ancestor_codes()
    people = Staff.objects.filter(
        is_active=True,
        org__code__in=codes,
        role_assignments__role__in=rules.FAST_TRACK_PROPOSERS,
    ).distinct()

    def nearest_first(person: Staff) -> tuple[int, str]:
        assert person.org is not None  # the query asks for accounts of these unions
        return -codes.index(person.org.code), person.username

    return sorted(people, key=nearest_first)[:limit]
