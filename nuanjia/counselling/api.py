"""Psychological help in the API (/api/v1/counselling/): lines, their counsellors and
volunteers with qualifications, the roster with its gaps and swaps (one POST per step),
sessions (the notes only on one session's answer, for its counsellor and a supervisor; never
on a list), follow-ups, classes and columns with attendance."""

import datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import get_staff_for
from nuanjia.orgs.rules import Perm

from . import queries, services
from .models import Session, Swap
from .rules import GAP_DAYS, Channel, EventKind, HelperKind, Risk, SwapStep
from .workflow import SWAP_FLOW

router = Router(tags=["counselling"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class CounsellingLineOut(Schema):
    id: int
    name: str
    phone: str
    org: str = Field(alias="org.code")
    min_on_duty: int
    follow_up_hours: int
    supervisor_id: int | None
    is_active: bool


class CounsellingLineIn(Schema):
    name: str = Field(..., max_length=100)
    phone: str = Field("", max_length=20)
    min_on_duty: int = Field(1, ge=1, le=50)
    follow_up_hours: int = Field(24, ge=1, le=168)
    supervisor_id: int | None = None


@router.get("/lines", response=list[CounsellingLineOut], summary="Help lines in scope")
@paginate(Pages, page_size=100)
def line_list(request):
    _guard(request)
    return queries.visible_lines(request.user)


@router.post("/lines", response={201: CounsellingLineOut, **ERROR_RESPONSES},
             summary="Set up a help line for the caller's union")  # fmt: skip
def line_create(request, payload: CounsellingLineIn):
    _guard(request)
    data = payload.dict()
    supervisor_id = data.pop("supervisor_id")
    supervisor = get_staff_for(request.user, supervisor_id) if supervisor_id else None
    line = services.create_line(request.user.org, by=request.user, supervisor=supervisor, **data)
    return Status(201, line)


@router.get("/lines/{help_line_id}", response={200: CounsellingLineOut, 404: ErrorOut},
            summary="One help line")  # fmt: skip
def line_detail(request, help_line_id: int):
    _guard(request)
    return queries.get_line_for(request.user, help_line_id)


class CounsellingQualificationOut(Schema):
    kind: str
    number: str
    issuer: str
    valid_until: datetime.date | None


class CounsellingHelperOut(Schema):
    id: int
    line_id: int
    kind: str
    name: str
    phone_masked: str
    is_active: bool
    signs_in: bool
    qualifications: list[CounsellingQualificationOut]

    @staticmethod
    def resolve_signs_in(helper) -> bool:
        return helper.account_id is not None

    @staticmethod
    def resolve_qualifications(helper) -> list:
        return list(helper.qualifications.all())


class CounsellingHelperIn(Schema):
    kind: Annotated[str, OneOf(HelperKind)]
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20)


class CounsellingQualificationIn(Schema):
    kind: str = Field(..., max_length=50)
    number: str = Field(..., max_length=50)
    issuer: str = Field(..., max_length=100)
    valid_until: str | None = Field(None, description="YYYY-MM-DD")


@router.get("/lines/{help_line_id}/helpers", response=list[CounsellingHelperOut],
            summary="A line's counsellors and volunteers")  # fmt: skip
@paginate(Pages, page_size=100)
def helper_list(request, help_line_id: int):
    _guard(request)
    line = queries.get_line_for(request.user, help_line_id)
    return (
        queries.visible_helpers(request.user).filter(line=line).prefetch_related("qualifications")
    )


@router.post("/lines/{help_line_id}/helpers", response={201: CounsellingHelperOut, **ERROR_RESPONSES},
             summary="Register a counsellor or volunteer on a line")  # fmt: skip
def helper_create(request, help_line_id: int, payload: CounsellingHelperIn):
    _guard(request)
    line = queries.get_line_for(request.user, help_line_id, write=True)
    return Status(201, services.add_helper(line, by=request.user, **payload.dict()))


def _day(value: str | None, field: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise services.RuleViolation("请填写日期，例如 2027-12-31。", field=field) from None


@router.post("/helpers/{helper_id}/qualifications",
             response={201: CounsellingHelperOut, **ERROR_RESPONSES},
             summary="Record a qualification (kind, number, issuer, valid until)")  # fmt: skip
def qualification_create(request, helper_id: int, payload: CounsellingQualificationIn):
    _guard(request)
    helper = queries.get_helper_for(request.user, helper_id, write=True)
    data = payload.dict()
    data["valid_until"] = _day(data["valid_until"], "valid_until")
    services.add_qualification(helper, by=request.user, **data)
    return Status(201, helper)


@router.post("/helpers/{helper_id}/account", response={201: CounsellingHelperOut, **ERROR_RESPONSES},
             summary="Let a volunteer sign in on the partner pages by phone")  # fmt: skip
def account_open(request, helper_id: int):
    _guard(request)
    helper = queries.get_helper_for(request.user, helper_id, write=True)
    services.open_account(helper, by=request.user)
    return Status(201, helper)


# ---- roster ----------------------------------------------------------------------------------


class CounsellingShiftOut(Schema):
    id: int
    line_id: int
    helper_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime


class CounsellingShiftIn(Schema):
    helper_id: int
    starts_at: str = Field(..., description="ISO date and time, e.g. 2026-05-11T03:00")
    ends_at: str = Field(..., description="ISO date and time")


class CounsellingGapOut(Schema):
    line_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    on_duty: int


@router.get("/lines/{help_line_id}/shifts", response=list[CounsellingShiftOut],
            summary="A line's shifts from a day on")  # fmt: skip
@paginate(Pages, page_size=200)
def shift_list(request, help_line_id: int, since: datetime.date | None = None):
    _guard(request)
    line = queries.get_line_for(request.user, help_line_id)
    shifts = queries.visible_shifts(request.user).filter(line=line)
    return shifts.filter(starts_at__date__gte=since) if since else shifts


@router.post("/lines/{help_line_id}/shifts", response={201: CounsellingShiftOut, **ERROR_RESPONSES},
             summary="Add a shift to a line's roster")  # fmt: skip
def shift_create(request, help_line_id: int, payload: CounsellingShiftIn):
    _guard(request)
    line = queries.get_line_for(request.user, help_line_id, write=True)
    helper = queries.get_helper_for(request.user, payload.helper_id, write=True)
    if helper.line_id != line.pk:
        raise services.RuleViolation("此人不在该热线名册中。", field="helper_id")
    return Status(
        201, services.add_shift(helper, payload.starts_at, payload.ends_at, by=request.user)
    )


@router.delete("/shifts/{shift_id}", response={204: None, **ERROR_RESPONSES},
               summary="Remove a shift")  # fmt: skip
def shift_delete(request, shift_id: int):
    _guard(request)
    services.remove_shift(
        queries.get_shift_for(request.user, shift_id, write=True), by=request.user
    )
    return Status(204, None)


@router.get("/lines/{help_line_id}/gaps", response={200: list[CounsellingGapOut], **ERROR_RESPONSES},
            summary="Gaps in a line's roster in the coming days")  # fmt: skip
def gap_list(request, help_line_id: int, days: int = GAP_DAYS):
    _guard(request)
    line = queries.get_line_for(request.user, help_line_id)
    first, last = services.window(days)
    return services.find_gaps([line], first, last)[line.pk]


class CounsellingSwapOut(Schema):
    id: int
    shift_id: int
    giver_id: int
    taker_id: int
    status: str
    reason: str
    steps: list[str] = []
    events: list[EventOut] = []

    @staticmethod
    def resolve_events(swap) -> list:
        return list(swap.events.select_related("by"))


class CounsellingSwapIn(Schema):
    taker_id: int
    reason: str = Field("", max_length=200)


def _swap(request, swap: Swap) -> Swap:
    swap.refresh_from_db()
    swap.steps = SWAP_FLOW.steps_for(swap, request.user)  # type: ignore[attr-defined]
    return swap


@router.get("/swaps", response=list[CounsellingSwapOut], summary="Shift swaps in scope")
@paginate(Pages, page_size=100)
def swap_list(request):
    _guard(request)
    return queries.visible_swaps(request.user)


@router.get("/swaps/{swap_id}", response={200: CounsellingSwapOut, 404: ErrorOut},
            summary="One shift swap with its history")  # fmt: skip
def swap_detail(request, swap_id: int):
    _guard(request)
    return _swap(request, queries.get_swap_for(request.user, swap_id))


@router.post("/shifts/{shift_id}/swaps", response={201: CounsellingSwapOut, **ERROR_RESPONSES},
             summary="Propose a swap of a shift for its volunteer")  # fmt: skip
def swap_create(request, shift_id: int, payload: CounsellingSwapIn):
    _guard(request)
    shift = queries.get_shift_for(request.user, shift_id, write=True)
    taker = queries.get_helper_for(request.user, payload.taker_id, write=True)
    swap = services.propose_swap(shift, taker, reason=payload.reason, by=request.user)
    return Status(201, _swap(request, swap))


add_step_operations(
    router,
    SWAP_FLOW,
    path="/swaps/{swap_id}",
    fetch=lambda request, pk: queries.get_swap_for(request.user, pk, write=True),
    response=CounsellingSwapOut,
    present=_swap,
    summaries={
        SwapStep.APPROVE: "Approve a shift swap (not the proposer)",
        SwapStep.REFUSE: "Refuse a shift swap (reason)",
    },
)


# ---- sessions --------------------------------------------------------------------------------


class CounsellingSessionOut(Schema):
    """A session on a list: never its notes."""

    id: int
    line_id: int
    helper_id: int
    channel: str
    started_at: datetime.datetime
    minutes: int
    risk: str
    police_called: bool
    ambulance_called: bool
    follow_up_due_at: datetime.datetime | None
    followed_up_at: datetime.datetime | None
    escalated_at: datetime.datetime | None


class CounsellingSessionDetailOut(CounsellingSessionOut):
    notes: str | None = Field(None, description="only for the counsellor and a supervisor")


class CounsellingSessionIn(Schema):
    helper_id: int
    channel: Annotated[str, OneOf(Channel)]
    started_at: str = Field(..., description="ISO date and time")
    minutes: int = Field(..., ge=0, le=1440)
    risk: Annotated[str, OneOf(Risk)]
    notes: str = Field("", max_length=500)
    police_called: bool = False
    ambulance_called: bool = False


class CounsellingFollowUpIn(Schema):
    note: str = Field("", max_length=200)


def _session(request, session: Session) -> CounsellingSessionDetailOut:
    out = CounsellingSessionDetailOut.from_orm(session)
    out.notes = services.notes_for(request.user, session)
    return out


@router.get("/sessions", response=list[CounsellingSessionOut], summary="Sessions in scope")
@paginate(Pages, page_size=100)
def session_list(request, risk: Annotated[str, OneOf(Risk)] | None = None):
    _guard(request)
    sessions = queries.visible_sessions(request.user)
    return sessions.filter(risk=risk) if risk else sessions


@router.post("/sessions", response={201: CounsellingSessionDetailOut, **ERROR_RESPONSES},
             summary="Log a call or chat (a high-risk one alerts the supervisor)")  # fmt: skip
def session_create(request, payload: CounsellingSessionIn):
    _guard(request)
    data = payload.dict()
    helper = queries.get_helper_for(request.user, data.pop("helper_id"), write=True)
    session = services.log_session(helper, by=request.user, **data)
    return Status(201, _session(request, queries.get_session_for(request.user, session.pk)))


@router.get("/sessions/{session_id}", response={200: CounsellingSessionDetailOut, 404: ErrorOut},
            summary="One session (its notes for the counsellor and a supervisor)")  # fmt: skip
def session_detail(request, session_id: int):
    _guard(request)
    return _session(request, queries.get_session_for(request.user, session_id))


@router.post("/sessions/{session_id}/follow-up",
             response={200: CounsellingSessionDetailOut, **ERROR_RESPONSES},
             summary="Record a high-risk session's follow-up")  # fmt: skip
def session_follow_up(request, session_id: int, payload: CounsellingFollowUpIn):
    _guard(request)
    session = queries.get_session_for(request.user, session_id, write=True)
    services.follow_up(session, by=request.user, note=payload.note)
    return _session(request, queries.get_session_for(request.user, session_id))


# ---- classes and columns ---------------------------------------------------------------------


class CounsellingEventOut(Schema):
    id: int
    org: str = Field(alias="org.code")
    kind: str
    series: str
    title: str
    held_at: datetime.datetime
    place: str
    attended: int

    @staticmethod
    def resolve_attended(event) -> int:
        return event.attendance.count()


class CounsellingEventIn(Schema):
    kind: Annotated[str, OneOf(EventKind)]
    series: str = Field(..., max_length=50)
    title: str = Field(..., max_length=100)
    held_at: str = Field(..., description="ISO date and time")
    place: str = Field("", max_length=100)


class CounsellingAttendanceIn(Schema):
    name: str = Field(..., max_length=50)
    workplace: str = Field("", max_length=100)


@router.get("/events", response=list[CounsellingEventOut], summary="Classes and columns in scope")
@paginate(Pages, page_size=100)
def event_list(request):
    _guard(request)
    return queries.visible_events(request.user)


@router.post("/events", response={201: CounsellingEventOut, **ERROR_RESPONSES},
             summary="Set up a class or column for the caller's union")  # fmt: skip
def event_create(request, payload: CounsellingEventIn):
    _guard(request)
    return Status(201, services.create_event(request.user.org, by=request.user, **payload.dict()))


@router.post("/events/{class_id}/attendance", response={201: CounsellingEventOut, **ERROR_RESPONSES},
             summary="Record one person's attendance")  # fmt: skip
def attendance_create(request, class_id: int, payload: CounsellingAttendanceIn):
    _guard(request)
    event = queries.get_event_for(request.user, class_id, write=True)
    services.add_attendance(event, by=request.user, **payload.dict())
    return Status(201, event)
