"""A small fixed-window rate limiter on the project cache, for the public pages and API.

Counts live in the cache (per process with the default LocMemCache, shared across processes
and servers with Redis, NUANJIA_REDIS_URL). Limits come from settings.HOTLINE_RATE_LIMITS:
{"submit_ip": (count, seconds), "submit_phone": …, "follow_ip": …}.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS = {
    "submit_ip": (30, 600),  # 30 submissions per address per 10 minutes
    "submit_phone": (5, 600),  # 5 per phone number per 10 minutes
    "follow_ip": (60, 600),  # 60 look-ups per address per 10 minutes (no enumeration)
}


def limit_for(name: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "HOTLINE_RATE_LIMITS", {})}
    count, seconds = limits[name]
    return int(count), int(seconds)


def hit(name: str, subject: str) -> bool:
    """Count one use of `name` by `subject`; False once the window's limit is passed."""
    count, seconds = limit_for(name)
    if count <= 0:
        return True  # 0 switches the limit off
    digest = hashlib.blake2b(subject.encode(), digest_size=12).hexdigest()
    key = f"hotline:rl:{name}:{digest}"
    cache.add(key, 0, timeout=seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        used = 1
    return used <= count
