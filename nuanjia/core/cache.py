"""One in-process TTL cache for the reads every request repeats (routing, the working-day
calendar, deadline rows, facility names), invalidated across every server process.

Values are ids and plain data, never model instances: an instance kept across requests
carries one request's state into the next (and its cached relations) and goes stale without
anyone noticing. A caller that needs an object stores its field values and builds a fresh
one per call (`plain_row` / `from_plain_row`).

Invalidation. Each cache names the tables it reads by model label ("orgs.org"). An edit of
such a table calls `bump(Model)` (the admin's `AuditedAdmin` does so for every save and
delete; services that write cached tables call it too), which raises the table's version:
in Redis when NUANJIA_REDIS_URL is set (after commit), otherwise in the table's
`core.CacheVersion` row inside the editing transaction. Every process reads all versions at
most every CHECK_SECONDS; an entry made under other versions than the current ones is not
used. So an edit reaches every process within CHECK_SECONDS (and the process that made it at
once). Each entry also expires after its cache's TTL, a backstop for writes that bypass the
services (a raw SQL fix in the shell).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.db.models import F

from .redisconn import redis_client, redis_url

CHECK_SECONDS = 5.0  # how stale a process's view of the versions may be
REDIS_VERSIONS_KEY = "nuanjia:cache:versions"  # a Redis hash: model label → version
MAX_PLAIN_DEPTH = 4  # how deep `_refuse_instances` looks into nested containers

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


# ---- Versions ---------------------------------------------------------------------------


class _KnownVersions:
    """This process's last reading of every table's version, and when it was taken."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.read_at = float("-inf")
        self.lock = threading.Lock()

    def current(self) -> dict[str, int]:
        """The versions, read again when the last reading is CHECK_SECONDS old (a new dict
        each reading, so callers can tell a new reading by identity)."""
        if time.monotonic() - self.read_at >= CHECK_SECONDS:
            with self.lock:
                if time.monotonic() - self.read_at >= CHECK_SECONDS:
                    self.values = _read_versions()
                    self.read_at = time.monotonic()
        return self.values

    def forget(self) -> None:
        """Read the versions again on the next look-up (after this process's own edit)."""
        self.read_at = float("-inf")


_known = _KnownVersions()


def _read_versions() -> dict[str, int]:
    if redis_url():
        stored = redis_client().hgetall(REDIS_VERSIONS_KEY)
        return {label.decode(): int(version) for label, version in stored.items()}
    from .models import CacheVersion

    return dict(CacheVersion.objects.values_list("label", "version"))


def label_of(model: type[models.Model] | models.Model | str) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def bump(*tables: type[models.Model] | models.Model | str) -> None:
    """Mark the tables as edited: every process drops what it cached from them within
    CHECK_SECONDS. Call it inside the editing transaction; Redis is told after commit (a
    rolled-back edit changed nothing), the database row moves with the edit itself."""
    labels = sorted({label_of(table) for table in tables})
    if redis_url():
        transaction.on_commit(lambda: _bump_in_redis(labels))
        return
    for label in labels:
        _bump_row(label)
    transaction.on_commit(_known.forget)


def _bump_in_redis(labels: list[str]) -> None:
    pipeline = redis_client().pipeline()
    for label in labels:
        pipeline.hincrby(REDIS_VERSIONS_KEY, label, 1)
    pipeline.execute()
    _known.forget()


def _bump_row(label: str) -> None:
    from .models import CacheVersion

    if CacheVersion.objects.filter(label=label).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            CacheVersion.objects.create(label=label, version=1)
    except IntegrityError:  # another edit created the row first
        CacheVersion.objects.filter(label=label).update(version=F("version") + 1)


# ---- The cache --------------------------------------------------------------------------


class TTLCache:
    """Values loaded once per key and kept for `ttl` seconds, or until a table in
    `depends_on` (model labels) is bumped. Thread-safe: two threads missing the same key
    both load it, and the later one's value is kept."""

    def __init__(
        self, name: str, *, ttl: float, depends_on: Iterable[str], max_entries: int = 4096
    ) -> None:
        self.name = name
        self.ttl = ttl
        self.depends_on = tuple(depends_on)
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[Any, float, tuple[int, ...]]] = {}
        self._seen: tuple[dict[str, int], tuple[int, ...]] = ({}, ())
        _caches.append(self)

    def _stamp(self) -> tuple[int, ...]:
        """The versions of this cache's tables (worked out again only after a new reading)."""
        versions = _known.current()
        seen, stamp = self._seen
        if versions is not seen:
            stamp = tuple(versions.get(label, 0) for label in self.depends_on)
            self._seen = (versions, stamp)
        return stamp

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The cached value of `key`, else `load()` kept for next time."""
        stamp = self._stamp()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[1] > now and entry[2] == stamp:
            cached: T = entry[0]
            return cached
        value = load()
        _refuse_instances(value, self.name)
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (value, now + self.ttl, stamp)
        return value

    def clear(self) -> None:
        self._entries.clear()


_caches: list[TTLCache] = []


def clear_all() -> None:
    """Forget every cached value and version reading of this process (tests)."""
    for cache in _caches:
        cache.clear()
    _known.forget()


def _refuse_instances(value: Any, name: str, depth: int = 0) -> None:
    if isinstance(value, models.Model):
        raise TypeError(f"cache {name!r} keeps ids and plain values, not {type(value).__name__}")
    if depth >= MAX_PLAIN_DEPTH:
        return
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_instances(item, name, depth + 1)


# ---- Rows as plain values ---------------------------------------------------------------


def plain_row(instance: models.Model) -> dict[str, Any]:
    """The stored field values of a row (foreign keys as ids), fit for a cache."""
    return {
        field.attname: field.value_from_object(instance) for field in instance._meta.concrete_fields
    }


def from_plain_row(model: type[M], values: dict[str, Any]) -> M:
    """A fresh instance, as if just read from the database, from `plain_row`'s values."""
    names = list(values)
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])
