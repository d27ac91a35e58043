"""The 24-hour roster: shifts, gap detection and swaps (调班).

A gap is a stretch of time in which fewer people are on duty on a line than its minimum
(none at all, or too few). `find_gaps` reads only (line, start, end) of the shifts that touch
the window — one range scan on (line, starts_at), shifts being at most 24 hours — and sweeps
their start and end points once per line (bench/services.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.permissions import staff_of

from ..models import Helper, Line, Shift, Swap
from ..rules import MAX_GAP_DAYS, MAX_SHIFT, SwapStatus, SwapStep
from ..workflow import SWAP_FLOW
from .common import aware, require_manager


@dataclass(frozen=True)
class Gap:
    line_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    on_duty: int  # the fewest people on duty during the gap

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


def sweep(
    line_id: int, minimum: int, spans: Iterable[tuple[Any, Any]], first: Any, last: Any
) -> list[Gap]:
    """The gaps of one line in [first, last) given its shifts' (start, end) spans."""
    points: list[tuple[Any, int]] = [(first, 0), (last, 0)]
    for start, end in spans:
        start, end = max(start, first), min(end, last)
        if start < end:
            points.append((start, 1))
            points.append((end, -1))
    points.sort()
    gaps: list[Gap] = []
    count, index, total = 0, 0, len(points)
    while index < total:
        moment = points[index][0]
        while index < total and points[index][0] == moment:
            count += points[index][1]
            index += 1
        if index >= total or moment >= last:
            break
        following = points[index][0]
        if count < minimum and following > moment:
            if gaps and gaps[-1].ends_at == moment:
                gaps[-1] = Gap(line_id, gaps[-1].starts_at, following, min(count, gaps[-1].on_duty))
            else:
                gaps.append(Gap(line_id, moment, following, count))
    return gaps


def find_gaps(
    lines: Iterable[Line], first: datetime.datetime, last: datetime.datetime
) -> dict[int, list[Gap]]:
    """The gaps of each line in [first, last), by line id (a line without gaps maps to [])."""
    minimum = {line.pk: line.min_on_duty for line in lines}
    spans: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    rows = Shift.objects.filter(
        line_id__in=list(minimum), starts_at__gt=first - MAX_SHIFT, starts_at__lt=last,
        ends_at__gt=first,
    ).values_list("line_id", "starts_at", "ends_at")  # fmt: skip
    for line_id, start, end in rows.order_by().iterator(chunk_size=5000):
        spans[line_id].append((start, end))
    return {pk: sweep(pk, need, spans[pk], first, last) for pk, need in minimum.items()}


def window(
    days: int, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, datetime.datetime]:
    if not 1 <= days <= MAX_GAP_DAYS:
        raise RuleViolation(
            _("Look from 1 to %(days)d days ahead.") % {"days": MAX_GAP_DAYS}, field="days"
        )
    start = (now or timezone.now()).replace(second=0, microsecond=0)
    return start, start + datetime.timedelta(days=days)


@transaction.atomic
def add_shift(helper: Helper, starts_at: Any, ends_at: Any, *, by: Actor) -> Shift:
    require_manager(by, helper.org)
    start, end = aware(starts_at, "starts_at"), aware(ends_at, "ends_at")
    if end <= start:
        raise RuleViolation(_("The shift ends after it starts."), field="ends_at")
    if end - start > MAX_SHIFT:
        raise RuleViolation(_("A shift lasts at most 24 hours."), field="ends_at")
    if not helper.is_active:
        raise RuleViolation(_("This person is no longer active."), field="helper")
    if Shift.objects.filter(helper=helper, starts_at__lt=end, ends_at__gt=start).exists():
        raise RuleViolation(_("This person is on another shift then."), field="starts_at")
    shift = Shift.objects.create(
        line=helper.line, org=helper.org, helper=helper, starts_at=start, ends_at=end,
        minutes=int((end - start).total_seconds() // 60), created_by=staff_of(by),
    )  # fmt: skip
    record_event(shift, "counselling.shift_added", by=by, changes={
        "helper": helper.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat(),
    })  # fmt: skip
    return shift


@transaction.atomic
def remove_shift(shift: Shift, *, by: Actor) -> None:
    require_manager(by, shift.org)
    if shift.swaps.filter(status=SwapStatus.PROPOSED).exists():
        raise RuleViolation(_("A swap of this shift waits for a decision."), field="shift")
    record_event(shift, "counselling.shift_removed", by=by, changes={
        "helper": shift.helper_id, "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
    })  # fmt: skip
    shift.swaps.all().delete()
    shift.delete()


@transaction.atomic
def propose_swap(
    shift: Shift, taker: Helper, *, reason: str = "", by: Actor | None = None,
    volunteer: Helper | None = None,
) -> Swap:  # fmt: skip
    """A volunteer (signed in on /p/, `volunteer`) or a caseworker for them (`by`) proposes
    to hand `shift` to `taker`, another active person of the same line."""
    if volunteer is not None:
        if volunteer.pk != shift.helper_id:
            raise RuleViolation(_("Only the person on the shift proposes its swap."), field="shift")
    else:
        require_manager(by, shift.org)
    if shift.ends_at <= timezone.now():
        raise RuleViolation(_("This shift is over."), field="shift")
    if taker.line_id != shift.line_id or not taker.is_active or taker.pk == shift.helper_id:
        raise RuleViolation(_("Choose another active person of this line."), field="taker")
    if shift.swaps.filter(status=SwapStatus.PROPOSED).exists():
        raise RuleViolation(_("A swap of this shift waits for a decision."), field="shift")
    swap = Swap.objects.create(
        shift=shift, org=shift.org, taker=taker, giver=shift.helper,
        reason=one_line(reason, "reason", 200), proposed_by=staff_of(by) if by else None,
    )  # fmt: skip
    label = f"volunteer {volunteer.pk}" if volunteer is not None else ""
    SWAP_FLOW.record(swap, "propose", "", by=by, note=swap.reason, actor_label=label, changes={
        "shift": shift.pk, "giver": shift.helper_id, "taker": taker.pk,
    })  # fmt: skip
    return swap


@SWAP_FLOW.handler(SwapStep.APPROVE)
@transaction.atomic
def approve_swap(swap: Swap, *, by: Actor, note: str = "") -> Swap:
    with SWAP_FLOW.moving(swap, SwapStep.APPROVE, by=by, note=note) as move:
        shift = Shift.objects.select_for_update().get(pk=move.obj.shift_id)
        if shift.helper_id != move.obj.giver_id:
            raise RuleViolation(_("The shift has changed hands since."), field="shift")
        busy = Shift.objects.filter(
            helper_id=move.obj.taker_id, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at
        )
        if busy.exists():
            raise RuleViolation(_("The other person is on another shift then."), field="taker")
        shift.helper_id = move.obj.taker_id
        shift.save(update_fields=["helper", "updated_at"])
        move.changes["shift_helper"] = [move.obj.giver_id, move.obj.taker_id]
    return move.obj


@SWAP_FLOW.handler(SwapStep.REFUSE)
@transaction.atomic
def refuse_swap(swap: Swap, *, by: Actor, reason: str = "", note: str = "") -> Swap:
    with SWAP_FLOW.moving(swap, SwapStep.REFUSE, by=by, note=reason or note) as move:
        pass
    return move.obj
