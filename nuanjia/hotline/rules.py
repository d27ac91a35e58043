"""Pure rules of 12351 tickets, no database: kinds, classes, the roles of the line and of
the unions, default deadlines, ticket numbers and the working-hours
arithmetic (office hours on Chinese working days; the calendar itself is passed in)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.rules import Role

NUMBER_PREFIX = "12351"
DESCRIPTION_MAX = 2000  # characters a caller may leave; longer is refused, never cut
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)  # same phone, same text: merged


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")  # 电话: an agent took the call
    WEB = "web", _("Web")  # 网页: the public page
    MINIPROGRAM = "miniprogram", _("Mini-program")  # 小程序: the public API
    VISIT = "visit", _("Walk-in")  # 来访: at a union's desk


class Kind(models.TextChoices):
    CONSULT = "consult", _("Enquiry")  # 咨询
    HELP = "help", _("Help and relief")  # 帮扶救助
    COMPLAINT = "complaint", _("Complaint (incl. unpaid wages)")  # 信访投诉 (含欠薪)
    LEGAL = "legal", _("Legal aid")  # 法律援助
    PSYCH = "psych", _("Psychological counselling")  # 心理咨询
    MEMBERSHIP = "membership", _("Joining and member services")  # 入会与会员服务
    SUGGESTION = "suggestion", _("Suggestion")  # 意见建议


class TicketClass(models.TextChoices):
    GENERAL = "general", _("General")  # 一般
    DIFFICULT = "difficult", _("Difficult")  # 难点
    COMPLEX = "complex", _("Especially complex")  # 特别复杂


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASIC = "basic", _("Basically satisfied")  # 基本满意
    UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意: reopens or escalates


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")  # 受理: taken, not yet classified
    CLASSIFIED = "classified", _("Classified")  # 分类: kind and class set, deadlines running
    DISPATCHED = "dispatched", _("Dispatched")  # 派单: sent to the responsible union
    ACCEPTED = "accepted", _("Accepted")  # 签收: the union has taken it (first contact)
    IN_PROGRESS = "in_progress", _("In progress")  # 办理
    ANSWERED = "answered", _("Answered")  # 反馈: the caller was given the answer
    CALLED_BACK = "called_back", _("Called back")  # 回访: satisfaction recorded
    CLOSED = "closed", _("Closed")  # 结案: final


class Step(models.TextChoices):
    CLASSIFY = "classify", _("Classify")
    DISPATCH = "dispatch", _("Dispatch")
    ACCEPT = "accept", _("Accept the ticket")
    START = "start", _("Start handling")
    RETURN = "return", _("Return to the dispatcher")
    TRANSFER = "transfer", _("Transfer")
    PAUSE = "pause", _("Pause: waiting for the caller")
    RESUME = "resume", _("Resume")
    ANSWER = "answer", _("Give the answer")
    CALL_BACK = "call_back", _("Record the call-back")
    CLOSE = "close", _("Close the ticket")


# Timeline entries: every TicketEvent.action, as shown to people.
ACTION_LABELS = {
    "received": _("Received"),
    "merged": _("Duplicate submission merged"),
    "classified": _("Classified"),
    "dispatched": _("Dispatched"),
    "accepted": _("Accepted"),
    "started": _("Started handling"),
    "returned": _("Returned"),
    "transferred": _("Transferred"),
    "paused": _("Paused: waiting for the caller"),
    "resumed": _("Resumed"),
    "answered": _("Answered"),
    "called_back": _("Called back"),
    "closed": _("Closed"),
    "escalated": _("Escalated"),
    "note": _("Note"),
    "attached": _("File attached"),
    "worker_linked": _("Worker record linked"),
    "fast_track_proposed": _("Advance relief proposed"),
    "fast_track_approved": _("Advance relief approved"),
    "fast_track_paid": _("Advance relief paid"),
    "fast_track_paperwork": _("Advance relief paperwork completed"),
    "taken": _("Taken"),
    "released": _("Released"),
    "reassigned": _("Reassigned"),
}

OPEN_STATUSES = frozenset(set(Status) - {Status.CLOSED})
# Statuses in which the resolution clock runs (until the answer is given).
RESOLVING_STATUSES = frozenset(
    {Status.RECEIVED, Status.CLASSIFIED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS}
)
# Statuses in which the union has not made first contact yet.
BEFORE_CONTACT_STATUSES = frozenset({Status.RECEIVED, Status.CLASSIFIED, Status.DISPATCHED})

AGENT = frozenset({Role.HOTLINE_AGENT})
HANDLERS = frozenset({Role.HOTLINE_AGENT, Role.CASEWORKER, Role.REVIEWER, Role.APPROVER})
# Agents run the line (intake, classification, dispatch, call-back, closing); the
# responsible union's staff accept, handle, return or transfer and answer. The lifecycle
# itself (which step from where, by whom) is declared in hotline.workflow.
INTAKE_ROLES = AGENT | {Role.CASEWORKER}  # a walk-in is taken at any union's desk
# 一事一议、先行救助: who opens the advance grant from a ticket, and who approves it.
# The proposer is a caseworker: relief's propose step belongs to that role.
FAST_TRACK_PROPOSERS = frozenset({Role.CASEWORKER})
FAST_TRACK_APPROVERS = frozenset({Role.APPROVER})


class HoldAction(models.TextChoices):
    TAKE = "take", _("Take")  # 认领
    RELEASE = "release", _("Release")  # 释放
    REASSIGN = "reassign", _("Reassign")  # 改派


# Who may hand a ticket held by one person to another (改派): the union's approver.
HOLD_SUPERVISORS = frozenset({Role.APPROVER})


# ---- Deadlines --------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    """How long each stage may take: first contact in working hours, resolution and the
    call-back in working days (counted from the day of receipt, resp. of the answer)."""

    first_contact_hours: int
    resolution_days: int
    callback_days: int


# Defaults like 12345: enquiries and help 3 working days, complaints 13, call-back the next
# working day; harder classes get more time. First contact within 4 working hours.
_DAYS: dict[str, tuple[int, int, int]] = {
    Kind.CONSULT: (3, 5, 10),
    Kind.HELP: (3, 5, 10),
    Kind.COMPLAINT: (13, 20, 30),
    Kind.LEGAL: (13, 20, 30),
    Kind.PSYCH: (3, 5, 10),
    Kind.MEMBERSHIP: (3, 5, 10),
    Kind.SUGGESTION: (13, 20, 30),
}
_CLASS_INDEX: dict[str, int] = {
    TicketClass.GENERAL: 0,
    TicketClass.DIFFICULT: 1,
    TicketClass.COMPLEX: 2,
}
DEFAULT_FIRST_CONTACT_HOURS = 4
URGENT_FIRST_CONTACT_HOURS = 1


def default_deadlines(kind: str, ticket_class: str, *, is_urgent: bool = False) -> Deadlines:
    days = _DAYS.get(kind, _DAYS[Kind.CONSULT])[_CLASS_INDEX.get(ticket_class, 0)]
    hours = URGENT_FIRST_CONTACT_HOURS if is_urgent else DEFAULT_FIRST_CONTACT_HOURS
    return Deadlines(first_contact_hours=hours, resolution_days=days, callback_days=1)


@dataclass(frozen=True)
class OfficeHours:
    """The hours of a working day in which deadlines count (local time, Asia/Shanghai)."""

    opens: datetime.time = datetime.time(8, 30)
    closes: datetime.time = datetime.time(17, 30)

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Parse "08:30-17:30"; raises ValueError on anything else."""
        start, end = (part.strip() for part in text.split("-"))
        opens = datetime.time.fromisoformat(start)
        closes = datetime.time.fromisoformat(end)
        if closes <= opens:
            raise ValueError("office hours must close after they open")
        return cls(opens, closes)

    @property
    def minutes(self) -> int:
        return (self.closes.hour * 60 + self.closes.minute) - (
            self.opens.hour * 60 + self.opens.minute
        )


IsWorkday = Callable[[datetime.date], bool]


def _at(day: datetime.date, time: datetime.time, tz: datetime.tzinfo | None) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=tz)


def closing_time(
    day: datetime.date, office: OfficeHours, tz: datetime.tzinfo | None
) -> datetime.datetime:
    return _at(day, office.closes, tz)


def add_working_minutes(
    start: datetime.datetime, minutes: int, office: OfficeHours, is_workday: IsWorkday
) -> datetime.datetime:
    """The moment `minutes` of office time after `start` (aware; the result is in its zone).

    Time outside office hours and on days off does not count; a deadline that ends exactly
    at closing time stays on that day (17:30, not the next morning)."""
    tz = start.tzinfo
    current = start
    remaining = max(0, minutes)
    for _guard in range(3660):
        day = current.date()
        if is_workday(day):
            opens, closes = _at(day, office.opens, tz), _at(day, office.closes, tz)
            current = max(current, opens)
            if current < closes:
                available = int((closes - current).total_seconds() // 60)
                if remaining <= available:
                    return current + datetime.timedelta(minutes=remaining)
                remaining -= available
        current = _at(day + datetime.timedelta(days=1), office.opens, tz)
    raise ValueError("no working time found")


def working_minutes_between(
    start: datetime.datetime, end: datetime.datetime, office: OfficeHours, is_workday: IsWorkday
) -> int:
    """Office minutes from `start` to `end` (0 when `end` ≤ `start`)."""
    if end <= start:
        return 0
    tz = start.tzinfo
    end = end.astimezone(tz)
    total = 0
    day = start.date()
    while day <= end.date():
        if is_workday(day):
            opens, closes = _at(day, office.opens, tz), _at(day, office.closes, tz)
            lower, upper = max(start, opens), min(end, closes)
            if upper > lower:
                total += int((upper - lower).total_seconds() // 60)
        day += datetime.timedelta(days=1)
    return total


# ---- Numbers, duplicates ------------------------------------------------------------------


def ticket_number(day: datetime.date, sequence: int) -> str:
    """12351-20261128-0001: the day of receipt and that day's sequence (at least 4 digits)."""
    return f"{NUMBER_PREFIX}-{day:%Y%m%d}-{sequence:04d}"


def duplicate_key(phone_index: str, description: str) -> str:
    """What makes two submissions the same request: the phone and the text, ignoring case,
    spaces and punctuation differences of whitespace. The phone comes as its blind index
    (Ticket.caller_phone_index), so the key cannot be reversed to the number by hashing
    every phone with the stored text."""
    text = "".join(description.split()).casefold()
    return hashlib.sha256(f"{phone_index}\n{text}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FastTrackValues:
    """Advance relief (一事一议、先行救助) limits: cap as a multiple of the local 低保 (None: the
    fixed cap only), the fixed cap, and working days to complete the paperwork after payment."""

    dibao_multiple: Decimal | None = Decimal("5")
    cap_fen: int = 500_000  # 5000元, relief's per-occasion cap of 先行救助 by default
    paperwork_days: int = 10

    def cap_for(self, dibao_fen: int | None) -> int:
        if self.dibao_multiple is None or not dibao_fen:
            return self.cap_fen
        return min(self.cap_fen, int(self.dibao_multiple * dibao_fen))


def cause_key(text: str) -> str:
    """The normalised cause of an advance relief, for the once-a-year rule."""
    return "".join(text.split()).casefold()[:100]
