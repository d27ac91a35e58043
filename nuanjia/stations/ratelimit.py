"""The limits of the public station pages and API (search, check-in), per client address,
counted by core.ratelimit (shared by every server process): `allow(request, scope, limit,
seconds)` counts one hit and says whether it is within the limit.
"""

from nuanjia.core import ratelimit
from nuanjia.core.middleware import client_ip

# Hits a client address may make per window (a phone behind a carrier NAT shares its address).
SEARCH_LIMIT = (60, 60)  # 60 searches a minute
CHECKIN_LIMIT = (20, 600)  # 20 check-ins in 10 minutes


def allow(request, scope: str, limit: int, seconds: int) -> bool:
    subject = client_ip(request) or "unknown"
    return ratelimit.hit(f"stations:{scope}", subject, limit=limit, seconds=seconds)
