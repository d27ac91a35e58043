"""Classes (心灵护航) and columns (职工心灵夜话) as events with their attendance."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import Attendance, Event
from ..rules import EventKind
from .common import aware, require_manager


@transaction.atomic
def create_event(
    org: Org, *, kind: str, series: str, title: str, held_at: Any, by: Actor, place: str = ""
) -> Event:
    require_manager(by, org)
    if kind not in EventKind.values:
        raise RuleViolation(_("Choose class or column."), field="kind")
    event = Event.objects.create(
        org=org, kind=kind,
        series=one_line(series, "series", 50, required_message=_("Enter the series, e.g. 心灵护航.")),
        title=one_line(title, "title", 100, required_message=_("Enter the title.")),
        held_at=aware(held_at, "held_at"), place=one_line(place, "place", 100),
        created_by=staff_of(by),
    )  # fmt: skip
    record_event(event, "counselling.event_created", by=by, changes={
        "kind": kind, "series": event.series, "title": event.title,
        "held_at": event.held_at.isoformat(),
    })  # fmt: skip
    return event


@transaction.atomic
def add_attendance(event: Event, *, name: str, by: Actor, workplace: str = "") -> Attendance:
    require_manager(by, event.org)
    clean = one_line(name, "name", 50, required_message=_("Enter the person's name."))
    place = one_line(workplace, "workplace", 100)
    if Attendance.objects.filter(event=event, name=clean, workplace=place).exists():
        raise RuleViolation(_("This person is on the list already."), field="name")
    row = Attendance.objects.create(event=event, name=clean, workplace=place)
    Event.objects.filter(pk=event.pk).update(updated_at=row.created_at)
    record_event(event, "counselling.attended", by=by, changes={"attendance": row.pk})
    return row
