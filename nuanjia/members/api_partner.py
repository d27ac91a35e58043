"""The partner API under /api/v1/partner/: a partner's people sign in by texted code, scan
members' cards at their outlets (staff tokens may scan too) and list their own scans."""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.accounts.api_auth import TokenAuth, VerifiedSessionAuth
from nuanjia.core.middleware import client_ip
from nuanjia.core.pagination import Pages
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import services
from .api import OccupationOut, PhoneIn, SentOut, SignedOutOut, SignInIn
from .auth import PartnerTokenAuth
from .models import CardScan, Device, PartnerUser
from .partner_views import PARTNER_CODE_TEXT
from .services import partners

scan_router = Router(tags=["partner"])


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


@scan_router.post(
    "/sign-out", auth=PartnerTokenAuth(), response=SignedOutOut, summary="Sign out this device"
)
def partner_sign_out(request):
    partners.end_partner_device(request.partner_user_device)
    return {"devices": 1}
