"""The hotline API (under /api/v1/hotline/): staff read and act on the tickets of their scope;
the public submit and follow requests without signing in (rate-limited, no enumeration).

Refusals use the project's error shape: 403 for a role, 404 out of scope, 400 with a Chinese
message and the field at fault for a rule, 429 past a rate limit.
"""

import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.lists import Seek
from nuanjia.core.middleware import client_ip
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf
from nuanjia.core.workflow_api import add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from . import forms, queries, ratelimit, rules, services
from .api_steps import STEP_SCHEMAS, STEP_SUMMARIES
from .rules import Channel, Kind, Step, TicketClass
from .workflow import FLOW, steps_for

router = Router(tags=["hotline"])


class TicketOut(Schema):
    id: int
    number: str
    channel: str
    caller_name: str
    caller_phone: str
    worker_id: int | None
    region_code: str
    employer_name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    ticket_class: str
    is_urgent: bool
    description: str
    status: str
    status_label: str = Field(alias="get_status_display")
    org_id: int
    org_name: str = Field(alias="org.name")
    proposed_org_id: int | None
    escalated_to_id: int | None
    received_at: datetime.datetime
    first_contact_due_at: datetime.datetime | None
    resolution_due_at: datetime.datetime | None
    callback_due_at: datetime.datetime | None
    is_paused: bool
    is_overdue: bool
    answer: str
    satisfaction: str
    reopen_count: int
    holder_id: int | None = Field(description="who has taken the ticket (认领), if anyone")
    holder_name: str
    held_since: datetime.datetime | None
    due_stage: str = Field(description="the deadline running: first_contact, resolution, "
                           "callback; empty when none runs")  # fmt: skip
    due_in_seconds: int | None = Field(description="time left to it (negative: overdue)")
    due_state: str = Field(description="ok, soon, overdue, paused; empty when none runs")
    due_text: str = Field(description="the same in words, as the lists show it")

    @staticmethod
    def resolve_holder_name(obj) -> str:
        return (obj.holder.full_name or obj.holder.username) if obj.holder else ""

    @staticmethod
    def resolve_due_stage(obj) -> str:
        return obj.due.stage if obj.due else ""

    @staticmethod
    def resolve_due_in_seconds(obj) -> int | None:
        return obj.due.seconds if obj.due else None

    @staticmethod
    def resolve_due_state(obj) -> str:
        return obj.due.state if obj.due else ""

    @staticmethod
    def resolve_due_text(obj) -> str:
        return obj.due.text if obj.due else ""


class FastTrackOut(Schema):
    grant_id: int
    grant_status: str = Field(alias="grant.status")
    cause: str
    amount_fen: int
    approved_by_id: int | None
    paid_on: datetime.date | None
    working_days_to_payment: int | None
    paperwork_due_on: datetime.date | None


class TicketDetailOut(TicketOut):
    steps: list[str]
    fast_tracks: list[FastTrackOut] = Field(alias="fast_tracks_list")


class TicketOpenIn(Schema):
    phone: str
    caller_name: str = ""
    channel: str = Channel.PHONE
    region_code: str
    employer_name: str = ""
    kind: Annotated[str, OneOf(Kind)]
    ticket_class: str = TicketClass.GENERAL
    is_urgent: bool = False
    description: str
    worker_id: int | None = None
    dispatch: bool = False
    dispatch_to: str = ""  # a union code; empty: the proposed union
    reason: str = ""


class TicketStepIn(Schema):
    step: str
    kind: str = ""
    ticket_class: str = ""
    is_urgent: bool = False
    org_code: str = ""
    reason: str = ""
    note: str = ""
    answer: str = ""
    satisfaction: str = ""
    comment: str = ""
    escalate: bool = False


class CallerWorkerOut(Schema):
    id: int
    name: str
    org_name: str = Field(alias="org.name")
    region_code: str
    id_number_masked: str


class CallerTicketOut(Schema):
    id: int
    number: str
    received_at: datetime.datetime
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    status: str
    status_label: str = Field(alias="get_status_display")
    org_name: str = Field(alias="org.name")


class CallerOut(Schema):
    workers: list[CallerWorkerOut]
    tickets: list[CallerTicketOut] = Field(description="earlier tickets, most recent first")
    more: bool = Field(description="more tickets of the number than listed")


class HotlineKpiOut(Schema):
    total: int
    closed: int
    answered: int
    on_time_rate: float | None
    satisfaction_rate: float | None
    average_handling_hours: float | None
    fast_track_count: int
    fast_track_average_days: float | None
    by_kind: dict[str, int]


class PublicSubmitIn(Schema):
    caller_name: str = ""
    phone: str
    region_code: str
    employer_name: str = ""
    kind: Annotated[str, OneOf(Kind)] = Kind.CONSULT.value
    description: str
    channel: str = Channel.MINIPROGRAM


class PublicSubmitOut(Schema):
    number: str
    is_new: bool


class PublicAttachOut(Schema):
    number: str
    attachments: int = Field(description="files from the caller now on the request")


class TicketFollowIn(Schema):
    number: str
    last4: str


class TicketFollowOut(Schema):
    number: str
    status: str
    status_label: str
    received_at: datetime.datetime
    handled_by: str
    answer: str


def _business(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


@router.get("/tickets", response=list[TicketOut], summary="Tickets in scope")
@paginate(Seek, spec=queries.TICKET_LIST)
def list_tickets(
    request,
    queue: str = "",
    status: Annotated[str, OneOf(rules.Status)] | None = None,
    q: str = "",
    mine: bool = False,
):
    """`mine`: only the open tickets the caller has taken (我的工单)."""
    _business(request)
    tickets = queries.visible_tickets(request.user)
    if mine:
        tickets = tickets.filter(queries.mine_q(request.user))
    if condition := queries.QUEUES.get(queue):
        tickets = tickets.filter(condition[0])
    if status in rules.Status.values:
        tickets = tickets.filter(status=status)
    if q:
        tickets = tickets.filter(number__iexact=q.strip())
    return tickets


def _detail(request, ticket):
    ticket.fast_tracks_list = queries.fast_tracks_for(ticket)
    ticket.steps = steps_for(ticket, request.user)
    return ticket


@router.get("/tickets/{ticket_id}", response=TicketDetailOut, summary="One ticket")
def get_ticket(request, ticket_id: int):
    _business(request)
    return _detail(request, queries.get_ticket_for(request.user, ticket_id))


@router.get("/tickets/{ticket_id}/events", response=list[EventOut], summary="A ticket's timeline")
def ticket_events(request, ticket_id: int):
    _business(request)
    ticket = queries.get_ticket_for(request.user, ticket_id)
    return list(ticket.events.select_related("by"))


@router.post("/tickets", response={201: TicketDetailOut}, summary="Take a call (open a ticket)")
def open_ticket(request, payload: TicketOpenIn):
    _business(request)
    services.authorize_roles(request.user, rules.INTAKE_ROLES, "intake", request.path)
    worker = (
        get_worker_for(request.user, payload.worker_id, write=True) if payload.worker_id else None
    )
    target = None
    if payload.dispatch_to:
        target = forms.org_by_code(payload.dispatch_to)
        if target is None:
            raise RuleViolation(_("No union has that code."), field="dispatch_to")
    ticket = services.open_ticket(
        by=request.user,
        channel=payload.channel,
        caller_name=payload.caller_name,
        phone=payload.phone,
        region_code=payload.region_code,
        kind=payload.kind,
        description=payload.description,
        employer_name=payload.employer_name,
        worker=worker,
        ticket_class=payload.ticket_class,
        is_urgent=payload.is_urgent,
        dispatch=payload.dispatch,
        dispatch_to=target,
        reason=payload.reason,
    )
    return Status(201, _detail(request, ticket))


def _org(code: str, *, required: bool):
    org = forms.org_by_code(code)
    if org is None and (code or required):
        raise RuleViolation(_("No union has that code."), field="org_code")
    return org


def _step_fields(payload: TicketStepIn, ticket) -> dict:
    """The fields of the one-operation body that the step named in it takes."""
    step = payload.step
    if step == Step.CLASSIFY:
        return {"kind": payload.kind or ticket.kind, "note": payload.note,
                "ticket_class": payload.ticket_class or ticket.ticket_class,
                "is_urgent": payload.is_urgent}  # fmt: skip
    if step in (Step.DISPATCH, Step.TRANSFER):
        org = _org(payload.org_code, required=step == Step.TRANSFER)
        return {"org": org, "reason": payload.reason}
    if step in (Step.RETURN, Step.PAUSE):
        return {"reason": payload.reason}
    if step == Step.ANSWER:
        return {"answer": payload.answer}
    if step == Step.CALL_BACK:
        return {"satisfaction": payload.satisfaction, "comment": payload.comment,
                "escalate": payload.escalate}  # fmt: skip
    return {"note": payload.note}


@router.post("/tickets/{ticket_id}/steps", response=TicketDetailOut, summary="Take a step")
def take_step(request, ticket_id: int, payload: TicketStepIn):
    """Any step, named in the body with its fields (kept for existing clients; each step
    also has an operation of its own below)."""
    _business(request)
    ticket = queries.get_ticket_for(request.user, ticket_id, write=True)
    spec = FLOW.step(payload.step)
    FLOW.authorize(request.user, spec.name, ticket, request.path)
    fields = _step_fields(payload, ticket)
    ticket = FLOW.take_step(ticket, spec.name, by=request.user, where=request.path, **fields)
    return _present(request, ticket)


class TicketHolderIn(Schema):
    action: Annotated[str, OneOf(rules.HoldAction)]
    holder_id: int | None = Field(None, description="reassign: the person (none: the queue)")
    reason: str = ""


@router.post("/tickets/{ticket_id}/holder", response=TicketDetailOut,
             summary="Take, release or reassign a ticket (认领, 释放, 改派)")  # fmt: skip
def change_holder(request, ticket_id: int, payload: TicketHolderIn):
    ticket = _fetch(request, ticket_id)
    ticket = services.change_holder(ticket, by=request.user, action=payload.action,
                                    holder_id=payload.holder_id, reason=payload.reason,
                                    where=request.path)  # fmt: skip
    return _present(request, ticket)


def _present(request, ticket):
    return _detail(request, queries.get_ticket_for(request.user, ticket.pk))


def _fetch(request, ticket_id: int):
    _business(request)
    return queries.get_ticket_for(request.user, ticket_id, write=True)


def _org_code(request, body: dict) -> dict:
    code = body.pop("org_code", "")
    return {**body, "org": _org(code, required=False)}


add_step_operations(
    router,
    FLOW,
    path="/tickets/{ticket_id}",
    fetch=_fetch,
    response=TicketDetailOut,
    present=_present,
    summaries=STEP_SUMMARIES,
    schemas=STEP_SCHEMAS,
    fields={Step.DISPATCH: _org_code, Step.TRANSFER: _org_code},
    segments={Step.CALL_BACK: "call-back"},
)


# ---- 一事一议、先行救助 from a ticket ---------------------------------------------------------


class FastTrackOpenIn(Schema):
    amount_fen: int = Field(..., gt=0, description="The advance relief, in fen.")
    cause: str = Field(..., min_length=1, max_length=200, description="What it is for.")
    reason: str = Field("", max_length=2000)


class FastTrackPaperworkIn(Schema):
    note: str = Field("", max_length=2000)


FAST_TRACK_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post(
    "/tickets/{ticket_id}/fast-track",
    response={201: FastTrackOut, **FAST_TRACK_ERRORS},
    summary="Propose advance relief (先行救助) for an urgent help ticket's caller",
)
def open_fast_track(request, ticket_id: int, payload: FastTrackOpenIn):
    ticket = _fetch(request, ticket_id)
    services.authorize_roles(request.user, rules.FAST_TRACK_PROPOSERS, "fast_track", request.path)
    fast_track = services.open_fast_track(
        ticket, by=request.user, amount_fen=payload.amount_fen, cause=payload.cause,
        reason=payload.reason,
    )  # fmt: skip
    return Status(201, fast_track)


def _waiting_fast_track(request, ticket_id: int, stage: str, roles):
    ticket = _fetch(request, ticket_id)
    services.authorize_roles(request.user, roles, f"fast_track_{stage}", request.path)
    pending = queries.fast_track_waiting(ticket, stage)
    if pending is None:
        raise HttpError(404, _("No advance relief of this ticket waits for that."))
    return pending


@router.post(
    "/tickets/{ticket_id}/fast-track/approve",
    response={200: FastTrackOut, **FAST_TRACK_ERRORS},
    summary="Approve a ticket's advance relief: one approver of a county or city union",
)
def approve_fast_track(request, ticket_id: int):
    pending = _waiting_fast_track(request, ticket_id, "approve", rules.FAST_TRACK_APPROVERS)
    return services.approve_fast_track(pending, by=request.user)


@router.post(
    "/tickets/{ticket_id}/fast-track/paperwork",
    response={200: FastTrackOut, **FAST_TRACK_ERRORS},
    summary="Record the paperwork of a paid advance relief as complete (补办手续)",
)
def complete_fast_track_paperwork(request, ticket_id: int, payload: FastTrackPaperworkIn):
    pending = _waiting_fast_track(request, ticket_id, "paperwork", rules.FAST_TRACK_PROPOSERS)
    return services.complete_fast_track_paperwork(pending, by=request.user, note=payload.note)


@router.get("/caller", response=CallerOut,
            summary="Worker records and earlier tickets of a phone")  # fmt: skip
def caller(request, phone: str = ""):
    _business(request)
    found = queries.caller_lookup(request.user, services.normalized_phone(phone))
    return found


@router.get("/kpis", response=HotlineKpiOut, summary="Hotline figures of the scope")
def kpis(request, start: datetime.date | None = None, end: datetime.date | None = None):
    _business(request)
    today = timezone.localdate()
    start = start or today.replace(day=1)
    end = max(start, end or today)
    figures = queries.kpis(request.user, start, end)
    figures["by_kind"] = {value: count for _label, count, value in figures["by_kind"]}
    return figures


# ---- Public -------------------------------------------------------------------------------


def _limit(name: str, subject: str) -> None:
    if not ratelimit.hit(name, subject):
        raise HttpError(429, _("Too many requests: please try again later."))


@router.post(
    "/public/tickets",
    auth=None,
    response={201: PublicSubmitOut, 200: PublicSubmitOut},
    summary="Send a request to 12351 (no sign-in)",
)
def public_submit(request, payload: PublicSubmitIn):
    _limit("submit_ip", client_ip(request) or "-")
    _limit("submit_phone", services.normalized_phone(payload.phone))
    ticket, is_new = services.submit_request(
        caller_name=payload.caller_name,
        phone=payload.phone,
        region_code=payload.region_code,
        employer_name=payload.employer_name,
        kind=payload.kind,
        description=payload.description,
        channel=payload.channel,
    )
    return Status(201 if is_new else 200, {"number": ticket.number, "is_new": is_new})


@router.post(
    "/public/follow",
    auth=None,
    response=TicketFollowOut,
    summary="Follow a request by its number and the last 4 digits of the phone",
)
def public_follow(request, payload: TicketFollowIn):
    _limit("follow_ip", client_ip(request) or "-")
    ticket = ratelimit.follow_with_limit(services.follow_ticket, payload.number, payload.last4)
    if ticket is None:
        raise HttpError(404, _("No request matches this number and phone."))
    return {
        "number": ticket.number,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "received_at": ticket.received_at,
        "handled_by": ticket.org.name,
        "answer": ticket.answer,
    }


NO_FILES = File(None)  # missing files are answered in Chinese by the service, not by a 422


@router.post(
    "/public/attachments",
    auth=None,
    response={201: PublicAttachOut},
    summary="Add photos or PDFs to a request: its number and the last 4 digits of the phone",
)
def public_attach(
    request, number: Form[str], last4: Form[str], files: list[UploadedFile] | None = NO_FILES
):
    _limit("follow_ip", client_ip(request) or "-")
    ticket = ratelimit.follow_with_limit(
        lambda number, last4: services.attach_files_to_followed(number, last4, files or []),
        number,
        last4,
    )
    if ticket is None:
        raise HttpError(404, _("No request matches this number and phone."))
    count = ticket.attachments.filter(added_by=None).count()
    return Status(201, {"number": ticket.number, "attachments": count})
