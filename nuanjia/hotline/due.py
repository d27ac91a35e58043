"""The time left to a ticket's next deadline, for lists and the API: seconds, a state for the
colour (ok, soon, overdue; paused while the clock stops) and the same figure as words, so the
colour is never the only signal. Pure: the ticket's fields and the time are passed in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import rules
from .rules import Status

OK, SOON, OVERDUE, PAUSED = "ok", "soon", "overdue", "paused"
# Under this much time left a deadline is "soon": a day for the day-counted deadlines
# (resolution, call-back), an hour for first contact (counted in working hours).
SOON_BEFORE = {
    "first_contact": datetime.timedelta(hours=1),
    "resolution": datetime.timedelta(days=1),
    "callback": datetime.timedelta(days=1),
}
HOUR, DAY = 3600, 86400


@dataclass(frozen=True)
class DueIn:
    stage: str  # "first_contact", "resolution", "callback"
    due_at: datetime.datetime | None
    seconds: int | None  # negative when past; None while paused
    state: str  # ok, soon, overdue, paused

    @property
    def text(self) -> str:
        if self.state == PAUSED or self.seconds is None:
            return _("clock stopped: waiting for the caller")
        late = self.seconds < 0
        left = abs(self.seconds)
        if left >= DAY:
            count = left // DAY
            return (ngettext("overdue by %(count)d day", "overdue by %(count)d days", count)
                    if late else ngettext("%(count)d day left", "%(count)d days left", count)
                    ) % {"count": count}  # fmt: skip
        if left >= HOUR:
            count = left // HOUR
            return (ngettext("overdue by %(count)d hour", "overdue by %(count)d hours", count)
                    if late else ngettext("%(count)d hour left", "%(count)d hours left", count)
                    ) % {"count": count}  # fmt: skip
        count = max(1, left // 60)
        return (ngettext("overdue by %(count)d minute", "overdue by %(count)d minutes", count)
                if late else ngettext("%(count)d minute left", "%(count)d minutes left", count)
                ) % {"count": count}  # fmt: skip


def next_deadline(ticket) -> tuple[str, datetime.datetime | None]:
    """The deadline the ticket's status is running against (the same stages as
    `Ticket.overdue_stages`): first contact, else resolution, else call-back."""
    if ticket.status in rules.BEFORE_CONTACT_STATUSES and ticket.first_contact_due_at:
        return "first_contact", ticket.first_contact_due_at
    if ticket.status in rules.RESOLVING_STATUSES:
        return "resolution", ticket.resolution_due_at
    if ticket.status == Status.ANSWERED:
        return "callback", ticket.callback_due_at
    return "", None


def due_in(ticket, now: datetime.datetime) -> DueIn | None:
    """Time left to the ticket's next deadline, None when none runs (called back, closed)."""
    stage, due_at = next_deadline(ticket)
    if not stage or due_at is None:
        return None
    if stage == "resolution" and ticket.paused_at is not None:
        return DueIn(stage, due_at, None, PAUSED)
    seconds = int((due_at - now).total_seconds())
    if seconds < 0:
        state = OVERDUE
    elif seconds < SOON_BEFORE[stage].total_seconds():
        state = SOON
    else:
        state = OK
    return DueIn(stage, due_at, seconds, state)
