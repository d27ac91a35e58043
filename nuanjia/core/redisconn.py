"""The optional Redis server (NUANJIA_REDIS_URL) shared by the cache versions and the rate
limiter: one client per process, created on first use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings


def redis_url() -> str:
    return str(getattr(settings, "NUANJIA_REDIS_URL", "") or "").strip()


@lru_cache(maxsize=4)
def _client_for(url: str) -> Any:
    import redis  # optional at run time: only imported when a Redis URL is configured

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def redis_client() -> Any:
    """The client of the configured Redis (the connection pool is safe across threads)."""
    return _client_for(redis_url())
