"""Member sessions on the phone pages and the member API.

A member signs in on a device (members.services.devices); the pages carry its key in the
`nj_member` cookie (path /m/, 30 days, HttpOnly), the API as `Authorization: Bearer njm_…`.
Neither is the staff session: `request.user` is never a member, and a staff session opens no
/m/ page. The staff pages' 30-minute idle logout does not apply here."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from ninja.security import HttpBearer

from .models import MemberDevice
from .services import device_for_key
from .services.devices import API_PREFIX, DEVICE_DAYS

COOKIE = "nj_member"
COOKIE_PATH = "/m/"


def device_of(request: HttpRequest) -> MemberDevice | None:
    device = device_for_key(request.COOKIES.get(COOKIE))
    return device if device is not None and device.kind == MemberDevice.Kind.PAGES else None


def member_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A /m/ page for a signed-in member: `request.member` and `request.member_device` are
    set; anyone else is sent to the sign-in page, which returns them here."""

    @login_not_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        device = device_of(request)
        if device is None:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('members:sign_in')}?{query}")
        request.member = device.member  # type: ignore[attr-defined]
        request.member_device = device  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def public_member_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A /m/ page anyone may open (sign-in, the privacy notice)."""
    return login_not_required(view)


def set_device_cookie(response: HttpResponse, raw: str) -> None:
    response.set_cookie(
        COOKIE,
        raw,
        max_age=DEVICE_DAYS * 86400,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def clear_device_cookie(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH)


class MemberTokenAuth(HttpBearer):
    """`Authorization: Bearer njm_…` for the member API (/api/v1/me/)."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> MemberDevice | None:
        if not token.startswith(API_PREFIX):
            return None
        device = device_for_key(token)
        if device is None or device.kind != MemberDevice.Kind.API:
            return None
        request.member = device.member  # type: ignore[attr-defined]
        request.member_device = device  # type: ignore[attr-defined]
        return device
