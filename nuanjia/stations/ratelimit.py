"""The limits of the public station pages and API (search, check-in), per client address,
counted by core.ratelimit (shared by every server process): `allow(request, scope, limit,
seconds)` counts one hit and says whether it is within the limit.

`client_identity(request)` names the phone or browser behind an anonymous check-in: the
check-in page's own cookie when it has one, else the address and browser together.
"""

import secrets

from nuanjia.core import ratelimit
from nuanjia.core.middleware import client_ip

# Hits a client address may make per window (a phone behind a carrier NAT shares its address).
SEARCH_LIMIT = (60, 60)  # 60 searches a minute
CHECKIN_LIMIT = (20, 600)  # 20 check-ins in 10 minutes


def allow(request, scope: str, limit: int, seconds: int) -> bool:
    subject = client_ip(request) or "unknown"
    return ratelimit.hit(f"stations:{scope}", subject, limit=limit, seconds=seconds)


CLIENT_COOKIE = "nj_station_client"
CLIENT_COOKIE_AGE = 365 * 24 * 3600


def client_identity(request) -> str:
    token = request.COOKIES.get(CLIENT_COOKIE, "")
    if 16 <= len(token) <= 64 and token.isalnum():
        return f"cookie:{token}"
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return f"address:{client_ip(request) or 'unknown'}|{agent}"


def remember_client(request, response):
    """Give the browser its check-in cookie (random, no personal data) if it has none."""
    if CLIENT_COOKIE not in request.COOKIES:
        response.set_cookie(
            CLIENT_COOKIE,
            secrets.token_hex(16),
            max_age=CLIENT_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
