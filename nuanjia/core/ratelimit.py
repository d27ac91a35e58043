"""One fixed-window rate limiter for the public doors (12351 intake and follow-up, station
pages) and the sign-in throttles, holding across every server process.

Where the counts live: in Redis when NUANJIA_REDIS_URL is set (every server shares them),
otherwise in `var/ratelimit.sqlite3`, a small SQLite file of its own shared by the host's
processes. That file has its own connection per thread and never touches the main
database, so a count never waits for (or takes) the main SQLite write lock that the public
intake queues on. Writers to it line up on a file lock first, which wakes a waiter the
moment it is free (SQLite's own busy handler sleeps in growing steps). The counts need no
durability: the file is written without fsync.

A window opens with its first count and lasts `seconds`; the count starts again after it.
Subjects (addresses, phones, user names, ticket numbers) are stored only as keyed hashes.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from .errors import RuleViolation
from .redisconn import redis_client, redis_url

FILE_NAME = "ratelimit.sqlite3"
REDIS_PREFIX = "nuanjia:rl:"
PURGE_EVERY = 5000  # counts between two sweeps of expired windows (per thread)


@dataclass(frozen=True)
class Window:
    """A subject's count in its current window, and when the window ends (epoch seconds)."""

    count: int
    ends_at: float

    def seconds_left(self) -> int:
        return max(0, int(self.ends_at - time.time() + 0.999))

    def minutes_left(self) -> int:
        return max(1, (self.seconds_left() + 59) // 60)


class RateLimited(RuleViolation):
    """Refused for now: the message says so (in the user's language) and for how long."""

    def __init__(self, message: str, *, retry_after: int = 60):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


# ---- The two stores -------------------------------------------------------------------


class SqliteWindows:
    """Windows in a SQLite file of their own (one connection per thread and process)."""

    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS windows "
        "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, ends_at REAL NOT NULL) WITHOUT ROWID"
    )
    COUNT = (
        "INSERT INTO windows (key, count, ends_at) VALUES (?, 1, ?) "
        "ON CONFLICT (key) DO UPDATE SET "
        "count = CASE WHEN ends_at <= ? THEN 1 ELSE count + 1 END, "
        "ends_at = CASE WHEN ends_at <= ? THEN excluded.ends_at ELSE ends_at END "
        "RETURNING count, ends_at"
    )

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    def _open(self) -> tuple[sqlite3.Connection, Any]:
        """This thread's connection and lock file (opened again in a forked child)."""
        opened = getattr(self._local, "opened", None)
        if opened is not None and opened[0] == os.getpid():
            return opened[1], opened[2]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        lock_file = os.open(self.path.with_suffix(".lock"), os.O_CREAT | os.O_RDWR, 0o600)
        lock = os.fdopen(lock_file, "r+")  # kept open for the thread's life
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        # Under the file lock: processes starting at once would otherwise race to switch a
        # new file to WAL, and the loser gets "database is locked" at once.
        with _locked(lock):
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(self.SCHEMA)
        self._local.opened = (os.getpid(), connection, lock)
        self._local.counted = 0
        return connection, lock

    def count(self, key: str, seconds: int) -> Window:
        connection, lock = self._open()
        now = time.time()
        with _locked(lock):
            count, ends_at = connection.execute(
                self.COUNT, (key, now + seconds, now, now)
            ).fetchone()
            self._local.counted += 1
            if self._local.counted % PURGE_EVERY == 0:
                connection.execute("DELETE FROM windows WHERE ends_at < ?", (now,))
        return Window(int(count), float(ends_at))

    def peek(self, key: str) -> Window:
        connection, _lock = self._open()
        row = connection.execute(
            "SELECT count, ends_at FROM windows WHERE key = ? AND ends_at > ?", (key, time.time())
        ).fetchone()
        return Window(int(row[0]), float(row[1])) if row else Window(0, 0.0)

    def clear(self) -> None:
        connection, lock = self._open()
        with _locked(lock):
            connection.execute("DELETE FROM windows")


class _locked:
    """An exclusive flock on an open file, for a `with` block."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def __enter__(self) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)


class RedisWindows:
    """Windows as Redis keys that expire with their window (one round trip a count)."""

    def __init__(self, client: Any, prefix: str = REDIS_PREFIX) -> None:
        self.client = client
        self.prefix = prefix

    def count(self, key: str, seconds: int) -> Window:
        pipeline = self.client.pipeline(transaction=True)
        pipeline.set(self.prefix + key, 0, ex=seconds, nx=True)
        pipeline.incr(self.prefix + key)
        pipeline.pttl(self.prefix + key)
        _created, count, left_ms = pipeline.execute()
        return Window(int(count), time.time() + max(0, left_ms) / 1000)

    def peek(self, key: str) -> Window:
        pipeline = self.client.pipeline(transaction=True)
        pipeline.get(self.prefix + key)
        pipeline.pttl(self.prefix + key)
        count, left_ms = pipeline.execute()
        if count is None or left_ms <= 0:
            return Window(0, 0.0)
        return Window(int(count), time.time() + left_ms / 1000)

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=self.prefix + "*", count=1000))
        if keys:
            self.client.delete(*keys)


_stores: dict[str, SqliteWindows | RedisWindows] = {}


def store() -> SqliteWindows | RedisWindows:
    """The configured store: Redis when NUANJIA_REDIS_URL is set, else the file named by
    settings.RATELIMIT_FILE (NUANJIA_RATELIMIT_FILE), by default var/ratelimit.sqlite3."""
    url = redis_url()
    place = url or str(
        getattr(settings, "RATELIMIT_FILE", "") or Path(settings.VAR_DIR) / FILE_NAME
    )
    found = _stores.get(place)
    if found is None:
        found = RedisWindows(redis_client()) if url else SqliteWindows(Path(place))
        _stores[place] = found
    return found


# ---- What callers use -----------------------------------------------------------------


def _key(scope: str, subject: str) -> str:
    secret = hashlib.sha256(str(settings.SECRET_KEY).encode()).digest()
    digest = hashlib.blake2b(subject.encode(), key=secret, digest_size=16).hexdigest()
    return f"{scope}:{digest}"


def add(scope: str, subject: str, *, seconds: int) -> Window:
    """Count one event of `subject` in `scope`; the window after counting it."""
    return store().count(_key(scope, subject), seconds)


def peek(scope: str, subject: str) -> Window:
    """The subject's current window, without counting (count 0 when none is open)."""
    return store().peek(_key(scope, subject))


def hit(scope: str, subject: str, *, limit: int, seconds: int) -> bool:
    """Count one use; False once the window's `limit` is passed (a limit of 0 is off)."""
    if limit <= 0:
        return True
    return add(scope, subject, seconds=seconds).count <= limit


def clear() -> None:
    """Forget every count of the configured store (tests)."""
    store().clear()
