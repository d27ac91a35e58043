"""Member and partner sessions on their phone pages and their API.

A member or a partner's person signs in on a device (members.services.devices); the pages
carry its key in a cookie of their own path (`nj_member` on /m/, `nj_partner` on /p/, 30
days, HttpOnly), the API as `Authorization: Bearer njm_…` / `njp_…`. None of them is the
staff session: `request.user` is never a member or a partner, and a staff session opens no
/m/ or /p/ page. The staff pages' 30-minute idle logout does not apply here."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from ninja.security import HttpBearer

from .models import Device
from .services import device_for_key
from .services.devices import API_PREFIX, DEVICE_DAYS
from .services.partners import PARTNER_API_PREFIX, partner_device_for_key


@dataclass(frozen=True)
class DeviceDoor:
    """One kind of account's way in: its cookie, its path, its sign-in page, how a key is
    looked up, and the request attribute its holder is put on."""

    cookie: str
    path: str
    sign_in_url: str  # a URL name
    find: Callable[[str | None], Any]
    holder: str  # "member" or "partner_user"
    api_prefix: str

    def device_of(self, request: HttpRequest) -> Any:
        device = self.find(request.COOKIES.get(self.cookie))
        return device if device is not None and device.kind == Device.Kind.PAGES else None

    def put_on(self, request: HttpRequest, device: Any) -> None:
        setattr(
            request, self.holder, getattr(device, "member" if self.holder == "member" else "user")
        )
        setattr(request, f"{self.holder}_device", device)

    def page(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        """A page for a signed-in holder; anyone else is sent to the sign-in page."""

        @login_not_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            device = self.device_of(request)
            if device is None:
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(self.sign_in_url)}?{query}")
            self.put_on(request, device)
            return view(request, *args, **kwargs)

        return wrapped

    def set_cookie(self, response: HttpResponse, raw: str) -> None:
        response.set_cookie(
            self.cookie,
            raw,
            max_age=DEVICE_DAYS * 86400,
            path=self.path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )

    def clear_cookie(self, response: HttpResponse) -> None:
        response.delete_cookie(self.cookie, path=self.path)


MEMBER_DOOR = DeviceDoor(
    "nj_member", "/m/", "members:sign_in", device_for_key, "member", API_PREFIX
)
PARTNER_DOOR = DeviceDoor(
    "nj_partner", "/p/", "members:partner_sign_in", partner_device_for_key, "partner_user",
    PARTNER_API_PREFIX,
)  # fmt: skip
COOKIE = MEMBER_DOOR.cookie
COOKIE_PATH = MEMBER_DOOR.path
member_page = MEMBER_DOOR.page
partner_page = PARTNER_DOOR.page


def device_of(request: HttpRequest) -> Any:
    return MEMBER_DOOR.device_of(request)


def public_member_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A /m/ or /p/ page anyone may open (sign-in, the privacy notice)."""
    return login_not_required(view)


def clear_device_cookie(response: HttpResponse) -> None:
    MEMBER_DOOR.clear_cookie(response)


class _DoorTokenAuth(HttpBearer):
    door: DeviceDoor

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(self.door.api_prefix):
            return None
        device = self.door.find(token)
        if device is None or device.kind != Device.Kind.API:
            return None
        self.door.put_on(request, device)
        return device


class MemberTokenAuth(_DoorTokenAuth):
    """`Authorization: Bearer njm_…` for the member API (/api/v1/me/)."""

    door = MEMBER_DOOR


class PartnerTokenAuth(_DoorTokenAuth):
    """`Authorization: Bearer njp_…` for the partner API (/api/v1/partner/)."""

    door = PARTNER_DOOR
