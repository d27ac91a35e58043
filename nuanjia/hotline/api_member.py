"""The member's own 12351 requests in the member API (/api/v1/me/requests): those sent from the
signed-in phone, followed without the last 4 digits, and a new one with the phone known."""

import datetime
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from nuanjia.core.ratelimit import RateLimited
from nuanjia.core.schemas import OneOf
from nuanjia.members.auth import MemberTokenAuth

from . import ratelimit, rules, services
from .rules import Channel, Kind
from .views.member import member_tickets

router = Router(tags=["me"], auth=MemberTokenAuth())


class MyRequestOut(Schema):
    number: str
    kind: str
    status: str
    status_label: str
    received_at: datetime.datetime
    handled_by: str
    description: str
    answer: str


def _out(ticket) -> dict:
    return {
        "number": ticket.number, "kind": ticket.kind, "status": ticket.status,
        "status_label": ticket.get_status_display(), "received_at": ticket.received_at,
        "handled_by": ticket.org.name, "description": ticket.description,
        "answer": ticket.answer,
    }  # fmt: skip


@router.get("", response=list[MyRequestOut], summary="My 12351 requests")
def my_requests(request):
    return [_out(t) for t in member_tickets(request.member).order_by("-received_at")[:100]]


@router.get("/{number}", response=MyRequestOut, summary="One of my 12351 requests")
def my_request(request, number: str):
    ticket = member_tickets(request.member).filter(number=number.upper()).first()
    if ticket is None:
        raise Http404
    return _out(ticket)


class MyRequestIn(Schema):
    region_code: str = Field(
        ..., max_length=6, description="Where you work (a city or county code)."
    )
    kind: Annotated[str, OneOf(Kind)] = Field(..., description="What it is about.")
    description: str = Field(..., max_length=rules.DESCRIPTION_MAX)
    employer_name: str = Field("", max_length=120)
    caller_name: str = Field("", max_length=50)


@router.post("", response={201: MyRequestOut}, summary="Send a 12351 request from my phone")
def my_request_new(request, payload: MyRequestIn):
    member = request.member
    if not ratelimit.hit("submit_phone", member.phone_index):
        raise RateLimited(_("Too many requests for this phone: please try again later."))
    data = payload.dict()
    if not data["caller_name"] and member.worker is not None:
        data["caller_name"] = member.worker.name
    ticket, _is_new = services.submit_request(channel=Channel.WEB, phone=member.phone, **data)
    return Status(201, _out(ticket))
