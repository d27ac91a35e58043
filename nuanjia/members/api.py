"""The member portal's API: the member's own operations under /api/v1/me/ (their own bearer
tokens, for a future WeChat mini-program; the pages call the same services), the staff
queues of joins and bindings under /api/v1/members/ (one operation per workflow step), and
the scan service under /api/v1/partner/scan."""

import datetime
import time
from typing import Annotated, Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.accounts.api_auth import TokenAuth, VerifiedSessionAuth
from nuanjia.core.middleware import client_ip
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import EventOut, OneOf
from nuanjia.core.workflow_api import add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import queries, services
from .auth import MemberTokenAuth, PartnerTokenAuth
from .cards import MAX_AGE_SECONDS, card_text
from .models import Binding, CardScan, Device, Join, Member, Message, PartnerUser, PhoneCode
from .partner_views import PARTNER_CODE_TEXT
from .services import partners
from .views import SIGN_IN_TEXT
from .workflow import BINDING_FLOW, JOIN_FLOW, BindingStep, JoinStep

me_router = Router(tags=["me"], auth=MemberTokenAuth())
staff_router = Router(tags=["members"])
scan_router = Router(tags=["partner"])


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


class MeOut(Schema):
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
    me: MeOut


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


@me_router.get("", response=MeOut, summary="Who I am: binding, membership, open application")
def me_detail(request):
    return _me(request.member)


class IdentifyIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=18)
    region_code: str = Field(..., max_length=6, description="The county of residence (GB/T 2260).")
    address: str = Field("", max_length=200)


@me_router.post("/identify", response=MeOut, summary="Tell the union who I am (name and ID)")
def me_identify(request, payload: IdentifyIn):
    services.identify(request.member, **payload.dict())
    return _me(Member.objects.get(pk=request.member.pk))


class JoinIn(Schema):
    occupation: int = Field(..., description="An occupation id of /me/occupations.")
    employer_name: str = Field(..., max_length=120)
    region_code: str = Field(..., max_length=6)
    address: str = Field("", max_length=200)
    union: int | None = Field(None, description="A workplace union's id; none: the county's pool.")


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


# ---- Staff: the queues --------------------------------------------------------------------


class StaffJoinOut(Schema):
    id: int
    status: Annotated[str, OneOf(Join.Status)]
    name: str
    id_number: str
    phone: str
    occupation: str
    employer_name: str
    union_code: str
    union: str
    county: str
    created_at: datetime.datetime
    member_number: str
    steps: list[str]
    events: list[EventOut]


def _staff_join(request, join: Join) -> dict[str, Any]:
    return {
        "id": join.pk,
        "status": join.status,
        "name": join.worker.name,
        "id_number": join.worker.id_number_masked,
        "phone": join.member.phone_masked,
        "occupation": join.occupation.name,
        "employer_name": join.employer_name,
        "union_code": join.org.code,
        "union": join.org.name,
        "county": join.county.name,
        "created_at": join.created_at,
        "member_number": join.worker.member_number if join.status == Join.Status.ACCEPTED else "",
        "steps": JOIN_FLOW.steps_for(join, request.user),
        "events": list(join.events.select_related("by")),
    }


class JoinFilter(Schema):
    status: str = Field(Join.OPEN, description="open, all, or one status.")


@staff_router.get("/joins", response=list[StaffJoinOut], summary="Join applications")
@paginate(Pages, page_size=100)
def staff_joins(request, filters: Query[JoinFilter]):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    status = filters.status if filters.status in {Join.OPEN, *Join.Status.values} else ""
    rows = queries.filter_joins(queries.visible_joins(request.user), status=status)
    return [_staff_join(request, join) for join in rows.select_related("member")]


@staff_router.get("/joins/{join_id}", response=StaffJoinOut, summary="One join application")
def staff_join(request, join_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return _staff_join(request, queries.get_join_for(request.user, join_id))


add_step_operations(
    staff_router,
    JOIN_FLOW,
    path="/joins/{join_id}",
    fetch=lambda request, pk: queries.get_join_for(request.user, pk, write=True),
    response=StaffJoinOut,
    present=_staff_join,
    summaries={
        JoinStep.ACCEPT: "Accept an application: the worker becomes a member",
        JoinStep.REFUSE: "Refuse an application (note: the reason, for the applicant)",
    },
)


class StaffBindingOut(Schema):
    id: int
    status: Annotated[str, OneOf(Binding.Status)]
    name: str
    worker_id: int
    id_number: str
    account_phone: str
    recorded_phone: str
    created_at: datetime.datetime
    steps: list[str]
    events: list[EventOut]


def _staff_binding(request, binding: Binding) -> dict[str, Any]:
    return {
        "id": binding.pk,
        "status": binding.status,
        "name": binding.name,
        "worker_id": binding.worker_id,
        "id_number": binding.worker.id_number_masked,
        "account_phone": binding.member.phone_masked,
        "recorded_phone": binding.worker.phone_masked,
        "created_at": binding.created_at,
        "steps": BINDING_FLOW.steps_for(binding, request.user),
        "events": list(binding.events.select_related("by")),
    }


@staff_router.get("/bindings", response=list[StaffBindingOut], summary="Bindings to confirm")
@paginate(Pages, page_size=100)
def staff_bindings(request):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    rows = queries.visible_bindings(request.user).filter(status=Binding.Status.PENDING)
    return [_staff_binding(request, binding) for binding in rows]


@staff_router.get("/bindings/{binding_id}", response=StaffBindingOut, summary="One binding")
def staff_binding(request, binding_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return _staff_binding(request, queries.get_binding_for(request.user, binding_id))


add_step_operations(
    staff_router,
    BINDING_FLOW,
    path="/bindings/{binding_id}",
    fetch=lambda request, pk: queries.get_binding_for(request.user, pk, write=True),
    response=StaffBindingOut,
    present=_staff_binding,
    summaries={
        BindingStep.CONFIRM: "Confirm that the account is the worker's",
        BindingStep.REFUSE: "Refuse the binding (note: the reason, for the member)",
    },
)


# ---- Partners and the scan service ---------------------------------------------------------


class PartnerMeOut(Schema):
    partner: str
    kind: str
    name: str
    phone: str
    outlets: list[OccupationOut]


def _partner_me(user: PartnerUser) -> dict[str, Any]:
    return {
        "partner": user.partner.name,
        "kind": user.partner.kind,
        "name": user.name,
        "phone": user.phone_masked,
        "outlets": list(user.partner.outlets.filter(is_active=True).values("id", "name")),
    }


class PartnerTokenOut(Schema):
    token: str
    expires_at: datetime.datetime
    me: PartnerMeOut


@scan_router.post(
    "/sign-in/code",
    auth=None,
    response={202: SentOut},
    summary="Text a sign-in code to a partner's phone (same answer for any phone)",
)
def partner_send_code(request, payload: PhoneIn):
    partners.send_partner_code(payload.phone, ip=client_ip(request), text=_(PARTNER_CODE_TEXT))
    return Status(202, {"sent": True, "valid_seconds": services.codes.CODE_SECONDS})


@scan_router.post(
    "/sign-in", auth=None, response={201: PartnerTokenOut}, summary="Sign in a partner's person"
)
def partner_sign_in(request, payload: SignInIn):
    user, raw = partners.partner_sign_in(
        payload.phone, payload.code, kind=Device.Kind.API,
        user_agent=payload.device or request.META.get("HTTP_USER_AGENT", ""),
    )  # fmt: skip
    device = partners.partner_device_for_key(raw)
    assert device is not None
    return Status(201, {"token": raw, "expires_at": device.expires_at, "me": _partner_me(user)})


@scan_router.get(
    "/me", auth=PartnerTokenAuth(), response=PartnerMeOut, summary="The signed-in partner person"
)
def partner_me(request):
    return _partner_me(request.partner_user)


class ScanIn(Schema):
    use: str = Field("membership", max_length=30, description="What the scan is for.")
    code: str = Field("", max_length=200, description="The card QR's text.")
    number: str = Field("", max_length=20, description="A typed member number, with id_last4.")
    id_last4: str = Field("", max_length=4)
    outlet: int | None = Field(None, description="The partner's outlet (partners only).")


class ScanOut(Schema):
    status: str = Field(..., description="valid, not_member, expired or invalid")
    name: str = Field("", description="Masked, unless the member consented for this partner.")
    member_number: str = ""


@scan_router.post(
    "/scan",
    auth=[PartnerTokenAuth(), TokenAuth(), VerifiedSessionAuth()],
    response=ScanOut,
    summary="Check a member card for a use (a partner's or a staff token)",
)
def card_scan(request, payload: ScanIn):
    card = payload.dict()
    outlet = card.pop("outlet")
    user = getattr(request, "partner_user", None)
    if user is not None:
        result = partners.partner_scan(user, outlet=outlet, **card)
    else:
        check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
        result = services.scan(**card)
    return {"status": result.status, "name": result.name, "member_number": result.member_number}


class PartnerScanOut(Schema):
    id: int
    at: datetime.datetime
    outlet: str
    use: str
    status: str


@scan_router.get(
    "/scans", auth=PartnerTokenAuth(), response=list[PartnerScanOut], summary="Our scans"
)
@paginate(Pages, page_size=100)
def partner_scans(request):
    rows = CardScan.objects.filter(partner=request.partner_user.partner).select_related("outlet")
    return [
        {"id": row.pk, "at": row.at, "outlet": row.outlet.name if row.outlet else "",
         "use": row.use, "status": row.status}
        for row in rows
    ]  # fmt: skip
