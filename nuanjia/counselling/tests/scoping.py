"""Out-of-scope psychological-help rows for the scoping walker (tests/test_scoping.py
`other_county`): a 开封 line with a volunteer and qualification, a shift with a proposed
swap, a high-risk session with sealed notes, a class with attendance — every text carrying
the marker."""

import datetime

from django.utils import timezone

from nuanjia.core import crypto
from nuanjia.counselling.models import (
    Attendance,
    Event,
    Helper,
    Line,
    Qualification,
    Session,
    Shift,
    Swap,
)


def counselling_rows(union, marker: str) -> dict[str, int]:
    line = Line.objects.create(org=union, name=marker, phone="0371-0000")
    giver = Helper.objects.create(line=line, org=union, kind="volunteer", name=marker[:50])
    taker = Helper.objects.create(line=line, org=union, kind="volunteer", name=f"{marker}二"[:50])
    Qualification.objects.create(helper=giver, kind=marker[:50], number=marker[:50], issuer=marker)
    start = timezone.now() + datetime.timedelta(days=1)
    shift = Shift.objects.create(
        line=line, org=union, helper=giver, starts_at=start,
        ends_at=start + datetime.timedelta(hours=8), minutes=480,
    )  # fmt: skip
    swap = Swap.objects.create(shift=shift, org=union, taker=taker, giver=giver, reason=marker)
    session = Session.objects.create(
        line=line, org=union, helper=giver, channel="call", started_at=timezone.now(),
        minutes=10, risk="high", notes_encrypted=crypto.encrypt(marker),
        follow_up_due_at=timezone.now() + datetime.timedelta(hours=24),
    )  # fmt: skip
    event = Event.objects.create(
        org=union, kind="class", series=marker[:50], title=marker, held_at=timezone.now()
    )
    Attendance.objects.create(event=event, name=marker[:50], workplace=marker)
    return {
        "help_line_id": line.pk, "helper_id": giver.pk, "shift_id": shift.pk, "swap_id": swap.pk,
        "session_id": session.pk, "class_id": event.pk,
    }  # fmt: skip
