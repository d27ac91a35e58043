"""Codes texted to a phone (短信验证码): 6 digits, 5 minutes, 5 tries a code; sends limited
per phone and per address, and wrong codes per phone, in core.ratelimit, so the limits hold
across every server process. Only an HMAC of a code is stored."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from nuanjia.core import ratelimit
from nuanjia.core.errors import RuleViolation
from nuanjia.core.phones import is_mobile, normalize_phone
from nuanjia.core.ratelimit import RateLimited
from nuanjia.core.sealed_phones import phone_index
from nuanjia.core.sms import send_sms

from ..models import PhoneCode

CODE_DIGITS = 6
CODE_SECONDS = 5 * 60
TRIES_PER_CODE = 5
DEFAULT_LIMITS = {
    "send_phone_minute": (1, 60),  # one text a minute to a phone
    "send_phone_hour": (5, 3600),  # five an hour
    "send_ip": (20, 3600),  # twenty an hour from one address
    "wrong_code": (6, 1800),  # six wrong codes lock the phone's sign-in for 30 minutes
}


def limit_for(name: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "MEMBER_CODE_LIMITS", {})}
    count, seconds = limits[name]
    return int(count), int(seconds)


def mobile_number(raw: str | None) -> str:
    """The normalized mainland mobile number, or a refusal naming the phone field."""
    number = normalize_phone(raw)
    if not number or not is_mobile(number):
        raise RuleViolation(_("Enter an 11-digit mobile number."), field="phone")
    return number


def _hash(index: str, code: str) -> str:
    return salted_hmac("nuanjia.members.code", f"{index}:{code}").hexdigest()


def _refuse_when_passed(name: str, subject: str, message: str) -> None:
    count, seconds = limit_for(name)
    if count <= 0:
        return
    if not ratelimit.hit(f"members:{name}", subject, limit=count, seconds=seconds):
        window = ratelimit.peek(f"members:{name}", subject)
        raise RateLimited(
            message % {"minutes": window.minutes_left()}, retry_after=window.seconds_left()
        )


def send_code(phone: str, purpose: str, *, ip: str | None, text: str) -> None:
    """Text a new code to `phone`; `text` holds "%(code)s" and "%(minutes)d". Older codes of
    the phone for the same purpose end. Refused (RateLimited) past the limits."""
    number = mobile_number(phone)
    index = phone_index(number)
    too_often = _("Too many codes asked for: please try again in %(minutes)d minutes.")
    _refuse_when_passed("send_ip", ip or "-", too_often)
    _refuse_when_passed("send_phone_minute", index, too_often)
    _refuse_when_passed("send_phone_hour", index, too_often)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    with transaction.atomic():
        PhoneCode.objects.filter(phone_index=index, purpose=purpose, used_at=None).update(
            used_at=now
        )
        PhoneCode.objects.create(
            phone_index=index,
            purpose=purpose,
            code_hash=_hash(index, code),
            created_at=now,
            expires_at=now + timedelta(seconds=CODE_SECONDS),
        )
    # Sent once the code is stored (a code lost in a failed send is simply asked for again).
    send_sms(number, text % {"code": code, "minutes": CODE_SECONDS // 60}, topic=purpose)


def _locked_window(index: str) -> ratelimit.Window | None:
    count, _seconds = limit_for("wrong_code")
    window = ratelimit.peek("members:wrong_code", index)
    return window if count > 0 and window.count >= count else None


def _refuse_locked(window: ratelimit.Window) -> None:
    raise RateLimited(
        _("Too many wrong codes: sign-in is locked for %(minutes)d minutes.")
        % {"minutes": window.minutes_left()},
        retry_after=window.seconds_left(),
    )


def _try_code(index: str, purpose: str, typed: str) -> bool:
    """Compare `typed` with the phone's live code, the code's row locked so that tries made
    at once are counted one after the other (never more than 5 a code); True when it matched
    and is now spent. Its own transaction: a wrong try stays counted."""
    now = timezone.now()
    with transaction.atomic():
        latest = (
            PhoneCode.objects.select_for_update()
            .filter(phone_index=index, purpose=purpose, used_at=None)
            .filter(expires_at__gt=now, tries__lt=TRIES_PER_CODE)
            .order_by("-created_at")
            .first()
        )
        if latest is None:
            return False
        if hmac.compare_digest(latest.code_hash, _hash(index, typed)):
            PhoneCode.objects.filter(pk=latest.pk).update(used_at=now)
            return True
        PhoneCode.objects.filter(pk=latest.pk).update(tries=F("tries") + 1)
        return False


def use_code(phone: str, purpose: str, code: str) -> str:
    """Spend a texted code; returns the normalized number. A wrong, used or expired code is
    refused on the code field and counts toward the lock."""
    number = mobile_number(phone)
    index = phone_index(number)
    locked = _locked_window(index)
    if locked:
        _refuse_locked(locked)
    if _try_code(index, purpose, "".join(str(code or "").split())):
        return number
    count, seconds = limit_for("wrong_code")
    # Judged by this code's own count, not by a second look: another process's wrong code
    # counted in between must not turn this one (the fifth, say) into "locked".
    window = ratelimit.add("members:wrong_code", index, seconds=seconds)
    if count > 0 and window.count >= count:
        _refuse_locked(window)
    raise RuleViolation(
        _("The code is wrong or has expired: ask for a new one."), field="code", code="bad_code"
    )
