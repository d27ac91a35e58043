"""The member portal's API: the member's own operations under /api/v1/me/ (their own bearer
tokens, for a future WeChat mini-program; the pages call the same services), the staff
queues of joins and bindings under /api/v1/members/ (one operation per workflow step), and
the scan service under /api/v1/partner/scan."""

import datetime
import time
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from nuanjia.core.imports import XLSX_CONTENT_TYPE
from nuanjia.core.middleware import client_ip
from nuanjia.core.schemas import ErrorOut, OneOf

from . import services
from .auth import MemberTokenAuth
from .cards import MAX_AGE_SECONDS, card_text
from .data_views import RECHECK_TEXT
from .models import (
    Binding,
    DataRequest,
    Device,
    Join,
    Member,
    MemberDevice,
    Message,
    PartnerConsent,
    PhoneCode,
)
from .queries import partners_near
from .services import mydata, partners
from .services.devices import RECHECK_MINUTES
from .views import SIGN_IN_TEXT

me_router = Router(tags=["me"], auth=MemberTokenAuth())


# ---- The member's own ---------------------------------------------------------------------


class PhoneIn(Schema):
    phone: str = Field(..., max_length=20, description="A mainland mobile number.")


class SignInIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=6, description="The 6 digits texted to the phone.")
    accept_privacy_notice: bool = Field(
        False, description="Required for a new account: the notice of /m/privacy/ is accepted."
    )
    device: str = Field(
        "", max_length=120, description="A name for the device (shown to the member)."
    )


class SentOut(Schema):
    sent: bool
    valid_seconds: int


class JoinOut(Schema):
    id: int
    status: str
    status_label: str
    union: str
    occupation: str
    employer_name: str
    created_at: datetime.datetime


class MemberProfileOut(Schema):
    phone: str
    bound: bool
    name: str = ""
    is_member: bool = False
    member_number: str = ""
    union: str = ""
    binding_pending: bool = False
    open_join: JoinOut | None = None
    unread_messages: int = 0


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime
    me: MemberProfileOut


def _join_out(join: Join) -> dict[str, Any]:
    return {
        "id": join.pk,
        "status": join.status,
        "status_label": join.get_status_display(),
        "union": join.org.name,
        "occupation": join.occupation.name,
        "employer_name": join.employer_name,
        "created_at": join.created_at,
    }


def _me(member: Member) -> dict[str, Any]:
    worker = member.worker
    open_join = (
        Join.objects.filter(member=member, status__in=Join.WAITING)
        .select_related("org", "occupation")
        .first()
    )
    return {
        "phone": member.phone_masked,
        "bound": worker is not None,
        "name": worker.name if worker else "",
        "is_member": bool(worker and worker.is_member),
        "member_number": worker.member_number if worker and worker.is_member else "",
        "union": worker.union.name if worker and worker.union else "",
        "binding_pending": Binding.objects.filter(
            member=member, status=Binding.Status.PENDING
        ).exists(),
        "open_join": _join_out(open_join) if open_join else None,
        "unread_messages": services.unread_count(member),
    }


@me_router.post(
    "/sign-in/code", auth=None, response={202: SentOut}, summary="Text a sign-in code to a phone"
)
def me_send_code(request, payload: PhoneIn):
    services.send_code(payload.phone, PhoneCode.Purpose.SIGN_IN, ip=client_ip(request),
                       text=_(SIGN_IN_TEXT))  # fmt: skip
    return Status(202, {"sent": True, "valid_seconds": services.codes.CODE_SECONDS})


@me_router.post("/sign-in", auth=None, response={201: TokenOut}, summary="Sign in with the code")
def me_sign_in(request, payload: SignInIn):
    member, raw = services.sign_in(
        payload.phone,
        payload.code,
        kind=Device.Kind.API,
        user_agent=payload.device or request.META.get("HTTP_USER_AGENT", ""),
        consent_version=services.PRIVACY_NOTICE_VERSION if payload.accept_privacy_notice else "",
    )
    device = services.device_for_key(raw)
    assert device is not None
    return Status(201, {"token": raw, "expires_at": device.expires_at, "me": _me(member)})


@me_router.get(
    "/profile", response=MemberProfileOut, summary="Who I am: binding, membership, open application"
)
def me_detail(request):
    return _me(request.member)


class IdentifyIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=18)
    region_code: str = Field(..., max_length=6, description="The county of residence (GB/T 2260).")
    address: str = Field("", max_length=200)


@me_router.post(
    "/identify", response=MemberProfileOut, summary="Tell the union who I am (name and ID)"
)
def me_identify(request, payload: IdentifyIn):
    services.identify(request.member, **payload.dict())
    return _me(Member.objects.get(pk=request.member.pk))


class JoinIn(Schema):
    occupation: int = Field(..., description="An occupation id of /me/occupations.")
    employer_name: str = Field(..., max_length=120)
    region_code: str = Field(..., max_length=6)
    address: str = Field("", max_length=200)
    union: int | None = Field(None, description="A workplace union's id; none: the county's pool.")
    move: bool = Field(False, description="A member moving their membership (会员关系转接).")


@me_router.post("/joins", response={201: JoinOut}, summary="Apply to join the union")
def me_join(request, payload: JoinIn):
    join = services.apply_to_join(request.member, **payload.dict())
    return Status(201, _join_out(join))


@me_router.get("/joins", response=list[JoinOut], summary="My applications to join")
def me_joins(request):
    rows = Join.objects.filter(member=request.member).select_related("org", "occupation")
    return [_join_out(join) for join in rows]


@me_router.post("/joins/{join_id}/withdraw", response=JoinOut, summary="Withdraw my application")
def me_join_withdraw(request, join_id: int):
    join = Join.objects.filter(pk=join_id, member=request.member).first()
    if join is None:
        raise Http404
    return _join_out(services.withdraw_join(request.member, join))


class OccupationOut(Schema):
    id: int
    name: str


@me_router.get("/occupations", response=list[OccupationOut], summary="Occupations to choose from")
def me_occupations(request):
    from nuanjia.people.models import OccupationTag

    return list(OccupationTag.objects.filter(is_active=True).values("id", "name"))


class CardOut(Schema):
    text: str = Field(..., description="The QR's text; refused by the scan service after 120 s.")
    member_number: str
    name: str
    union: str
    valid_seconds: int


@me_router.get("/card", response=CardOut, summary="My member card (a fresh QR text)")
def me_card(request):
    worker = request.member.worker
    if worker is None or not worker.is_member:
        raise Http404
    now = time.time()
    return {
        "text": card_text(worker.pk, now),
        "member_number": worker.member_number,
        "name": worker.name,
        "union": worker.union.name,
        "valid_seconds": MAX_AGE_SECONDS - int(now % 60),
    }


class MessageOut(Schema):
    id: int
    topic: str
    text: str
    created_at: datetime.datetime
    read: bool


@me_router.get("/messages", response=list[MessageOut], summary="My messages (marks them read)")
def me_messages(request):
    rows = [
        {"id": row.pk, "topic": row.topic, "text": row.text, "created_at": row.created_at,
         "read": row.read_at is not None}
        for row in Message.objects.filter(member=request.member)[:100]
    ]  # fmt: skip
    services.mark_read(request.member)
    return rows


class SignedOutOut(Schema):
    devices: int


@me_router.post("/sign-out", response=SignedOutOut, summary="Sign out this device")
def me_sign_out(request):
    services.sign_out(request.member_device)
    return {"devices": 1}


@me_router.post("/sign-out-everywhere", response=SignedOutOut, summary="Sign out on every device")
def me_sign_out_everywhere(request):
    return {"devices": services.sign_out_everywhere(request.member)}


# ---- My data --------------------------------------------------------------------------------


class DataRowOut(Schema):
    label: str
    value: str


class DataSectionOut(Schema):
    title: str
    rows: list[DataRowOut]


@me_router.get("/data", response=list[DataSectionOut], summary="What the union holds about me")
def me_data(request):
    return [
        {"title": str(title), "rows": [{"label": str(k), "value": str(v)} for k, v in rows]}
        for title, rows in mydata.held_data(request.member)
    ]


@me_router.post("/recheck/code", response={202: SentOut}, summary="Text a code to confirm it is me")
def me_recheck_code(request):
    services.send_code(request.member.phone, PhoneCode.Purpose.RECHECK, ip=client_ip(request),
                       text=_(RECHECK_TEXT))  # fmt: skip
    return Status(202, {"sent": True, "valid_seconds": services.codes.CODE_SECONDS})


class CodeIn(Schema):
    code: str = Field(..., max_length=6)


class CheckedOut(Schema):
    checked_until: datetime.datetime


@me_router.post("/recheck", response=CheckedOut, summary="Confirm it is me with the texted code")
def me_recheck(request, payload: CodeIn):
    device = request.member_device
    services.recheck(device, payload.code)
    return {"checked_until": device.checked_at + datetime.timedelta(minutes=RECHECK_MINUTES)}


@me_router.get(
    "/data/my-data.xlsx",
    response={200: None, 403: ErrorOut},
    summary="Download my data (Excel); needs a confirmation by code in the last 30 minutes",
)
def me_data_download(request):
    if not services.recently_checked(request.member_device):
        raise PermissionDenied
    response = HttpResponse(mydata.data_workbook(request.member), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="my-data.xlsx"'
    return response


class DataRequestIn(Schema):
    kind: Annotated[str, OneOf(DataRequest.Kind)]
    text: str = Field("", max_length=1000)


class DataRequestOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    due_on: datetime.date
    answer: str


def _data_request_out(item: DataRequest) -> dict[str, Any]:
    return {"id": item.pk, "kind": item.kind, "status": item.status,
            "status_label": item.get_status_display(), "due_on": item.due_on,
            "answer": item.answer}  # fmt: skip


@me_router.post(
    "/data/requests", response={201: DataRequestOut}, summary="Ask about my data (PIPL)"
)
def me_data_request(request, payload: DataRequestIn):
    return Status(201, _data_request_out(mydata.ask_about_data(request.member, **payload.dict())))


@me_router.get("/data/requests", response=list[DataRequestOut], summary="My requests about my data")
def me_data_requests(request):
    return [_data_request_out(item) for item in DataRequest.objects.filter(member=request.member)]


# ---- Devices and consents for partners --------------------------------------------------------


class DeviceOut(Schema):
    id: int
    kind: str
    device: str
    signed_in_at: datetime.datetime
    last_seen_at: datetime.datetime
    this_one: bool


@me_router.get("/devices", response=list[DeviceOut], summary="Where I am signed in")
def me_devices(request):
    return [
        {"id": d.pk, "kind": d.kind, "device": d.user_agent, "signed_in_at": d.created_at,
         "last_seen_at": d.last_seen_at, "this_one": d.pk == request.member_device.pk}
        for d in MemberDevice.objects.filter(member=request.member, ended_at=None)
    ]  # fmt: skip


class PartnerConsentOut(Schema):
    partner_id: int
    partner: str
    kind: str
    sees_my_name: bool


def _consents(member: Member) -> list[dict[str, Any]]:
    given = set(
        PartnerConsent.objects.filter(member=member, withdrawn_at=None).values_list(
            "partner_id", flat=True
        )
    )
    return [
        {"partner_id": p.pk, "partner": p.name, "kind": p.kind, "sees_my_name": p.pk in given}
        for p in partners_near(member)
    ]


@me_router.get(
    "/partners", response=list[PartnerConsentOut], summary="Partners, and which may see my name"
)
def me_partner_consents(request):
    return _consents(request.member)


class ConsentIn(Schema):
    sees_my_name: bool = Field(..., description="Give (true) or withdraw (false) the consent.")


@me_router.post(
    "/partners/{partner_id}",
    response=list[PartnerConsentOut],
    summary="Let a partner see my name, or withdraw it",
)
def me_partner_consent(request, partner_id: int, payload: ConsentIn):
    partner = partners_near(request.member).filter(pk=partner_id).first()
    if partner is None:
        raise Http404
    if payload.sees_my_name:
        partners.give_partner_consent(request.member, partner)
    else:
        partners.withdraw_partner_consent(request.member, partner)
    return _consents(request.member)
