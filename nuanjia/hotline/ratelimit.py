"""The limits of the public 12351 pages and API, counted by core.ratelimit (shared by every
server process). Limits come from settings.HOTLINE_RATE_LIMITS (NUANJIA_HOTLINE_LIMITS):
{"submit_ip": (count, seconds), "submit_phone": …, "follow_ip": …, "follow_number": …}.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from nuanjia.core import ratelimit
from nuanjia.core.ratelimit import RateLimited

DEFAULT_LIMITS = {
    "submit_ip": (30, 600),  # 30 submissions per address per 10 minutes
    "submit_phone": (5, 600),  # 5 per phone number per 10 minutes
    "follow_ip": (60, 600),  # 60 look-ups per address per 10 minutes (no enumeration)
    "follow_number": (5, 900),  # 5 wrong last-4 tries per request number per 15 minutes
}

T = TypeVar("T")


def limit_for(name: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "HOTLINE_RATE_LIMITS", {})}
    count, seconds = limits[name]
    return int(count), int(seconds)


def hit(name: str, subject: str) -> bool:
    """Count one use of `name` by `subject`; False once the window's limit is passed."""
    count, seconds = limit_for(name)
    return ratelimit.hit(f"hotline:{name}", subject, limit=count, seconds=seconds)


def follow_with_limit(look_up: Callable[[str, str], T | None], number: str, last4: str) -> T | None:
    """`look_up(number, last4)` unless the number has had too many wrong tries (from any
    address: the 10,000 possible last 4 digits are not guessed by spreading the tries over
    many phones). A miss counts as a wrong try, for an unknown number as for a known one, so
    the refusal says nothing about which numbers exist. Raises RateLimited."""
    count, seconds = limit_for("follow_number")
    subject = str(number or "").strip().upper()[:24]
    if count > 0:
        window = ratelimit.peek("hotline:follow_number", subject)
        if window.count >= count:
            raise RateLimited(
                _(
                    "Too many wrong tries for this request number: please try again in "
                    "%(minutes)d minutes."
                )
                % {"minutes": window.minutes_left()},
                retry_after=window.seconds_left(),
            )
    found = look_up(number, last4)
    if found is None and count > 0:
        ratelimit.add("hotline:follow_number", subject, seconds=seconds)
    return found
