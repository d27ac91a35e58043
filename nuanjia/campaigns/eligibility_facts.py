"""The facts campaigns add to people's eligibility catalogue: whether the worker was already
helped in this campaign (a visit, goods handed to them by name, a place attended), and their
last free health check (a place attended in a health-check activity of any campaign, or a
check a hospital's list recorded)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from nuanjia.people.eligibility import Context, Fact, Op, ValueKind, register_fact

from .models import Booking, Handout, HealthCheckRecord, Visit
from .rules import ActivityKind, BookingStatus, VisitStatus


def _helped(op: Op, value: Any, context: Context) -> Q:
    """Helped in the rule's campaign; with no campaign (a rule checked on its own), nobody."""
    if context.campaign_id is None:
        helped = Q(pk__in=[])
    else:
        campaign = context.campaign_id
        helped = (
            Q(Exists(Visit.objects.filter(
                worker=OuterRef("pk"), activity__campaign_id=campaign, status=VisitStatus.DONE
            )))
            | Q(Exists(Handout.objects.filter(
                worker=OuterRef("pk"), activity__campaign_id=campaign, returned=False
            )))
            | Q(Exists(Booking.objects.filter(
                worker=OuterRef("pk"), activity__campaign_id=campaign, status=BookingStatus.DONE
            )))
        )  # fmt: skip
    return ~helped if op == Op.NO else helped


def _checks() -> Any:
    return Booking.objects.filter(
        worker=OuterRef("pk"),
        activity__kind=ActivityKind.HEALTH_CHECK,
        status=BookingStatus.DONE,
    )


def _records() -> Any:
    return HealthCheckRecord.objects.filter(worker=OuterRef("pk"))


def _checked_after(day: datetime.date, *, inclusive: bool) -> Q:
    """A check done after `day` (or on it): a booking done then (its done_on, or the day it
    was closed for a place marked attended without one) or a hospital's imported record."""
    after = "gte" if inclusive else "gt"
    done = Q(**{f"done_on__{after}": day}) | Q(
        done_on__isnull=True, **{f"closed_at__date__{after}": day}
    )
    return Q(Exists(_checks().filter(done))) | Q(
        Exists(_records().filter(**{f"checked_on__{after}": day}))
    )


def _last_check(op: Op, value: Any, context: Context) -> Q:
    """`gte` day: checked on or after it; `lte` day: not checked after it (never included)."""
    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    if op == Op.LTE:
        return ~_checked_after(day, inclusive=False)
    return _checked_after(day, inclusive=True)


def _ever_checked(op: Op, value: Any, context: Context) -> Q:
    checked = Q(Exists(_checks())) | Q(Exists(_records()))
    return ~checked if op == Op.NO else checked


CAMPAIGN_FACTS = (
    Fact(
        "helped_in_campaign",
        gettext_lazy("Already helped in this campaign"),
        (Op.YES, Op.NO),
        ValueKind.BOOL,
        _helped,
        app="campaigns",
        help_text=gettext_lazy("A visit, goods handed out by name, or a place attended."),
    ),
    Fact(
        "health_checked",
        gettext_lazy("Had a free health check"),
        (Op.YES, Op.NO),
        ValueKind.BOOL,
        _ever_checked,
        app="campaigns",
    ),
    Fact(
        "last_health_check",
        gettext_lazy("Last free health check"),
        (Op.GTE, Op.LTE),
        ValueKind.DATE,
        _last_check,
        app="campaigns",
        help_text=gettext_lazy("On or before a day includes people never checked."),
    ),
)


def register_campaign_facts() -> None:
    for fact in CAMPAIGN_FACTS:
        register_fact(fact)
