"""A small cache-based rate limit for the public station endpoints (search, check-in).

Fixed windows counted in the project cache (locmem on one server, Redis when configured, so
every app server shares the count): `allow(request, scope, limit, seconds)` counts one hit for
the client's address and says whether it is within the limit.
"""

from django.core.cache import cache

from nuanjia.core.middleware import client_ip

# Hits a client address may make per window (a phone behind a carrier NAT shares its address).
SEARCH_LIMIT = (60, 60)  # 60 searches a minute
CHECKIN_LIMIT = (20, 600)  # 20 check-ins in 10 minutes


def allow(request, scope: str, limit: int, seconds: int) -> bool:
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return True
    return count <= limit
