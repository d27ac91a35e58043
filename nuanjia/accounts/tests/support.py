"""Helpers shared by the sign-in and security tests (and the staff-management tests)."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nuanjia.core.models import AuditEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday morning; every clock-dependent test starts here with the clock frozen.
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
CJK = re.compile(r"[\u4e00-\u9fff]")


def sign_in(client, username: str, password: str, **extra):
    """Post the login form as a person would."""
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def page_text(response) -> str:
    """The response body with HTML entities decoded, for asserting on messages."""
    return html.unescape(response.content.decode())


def form_errors(response) -> str:
    """The errors the form's error summary lists (the sign-in refusal message)."""
    match = re.search(
        r'<div class="errors error-summary"[^>]*>.*?<ul>(.*?)</ul>', page_text(response), re.S
    )
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def code_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The TOTP code the person's authenticator app shows now (or `offset_steps` later)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code that is valid in no step the device accepts."""
    valid = {code_for(device, offset_steps=offset) for offset in range(-2, 3)}
    return next(code for code in (f"{n:06d}" for n in range(0, 1000000, 7919)) if code not in valid)


def events(action: str, **filters):
    return AuditEvent.objects.filter(action=action, **filters).order_by("id")


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session
