"""Reads that may go to the read replica (issue 22, ADR 0020; docs/operations.md "Read replica").

With `NUANJIA_REPLICA_URL` set, settings add a `replica` database alias, this router and
`ReadYourWritesMiddleware`. The rules:

- Reads go to the replica only inside `reading_from_replica()` (a context manager) or a view
  wrapped in `replica_reads` (figures, exports, the audit list): pages that read a lot and can
  show a second-old picture. Everything else reads the primary, because routing every read
  would break read-your-writes everywhere: a form saved and the page it redirects to, a
  service that reads what it locks, a workflow step's check.
- Writes always go to the primary; so does any read made inside a transaction on the primary
  (it must see its own writes), and every read after a write inside the same
  `reading_from_replica` block.
- Read-your-writes across requests: for NUANJIA_READ_YOUR_WRITES_SECONDS (5) after a signed-in
  user's successful non-GET request, or any request of theirs that wrote to the database, their
  reads stay on the primary. The time is kept in the session, which every app node shares.
- The replica is checked (reachable, replay lag at most NUANJIA_REPLICA_MAX_LAG seconds) at most
  every few seconds per process; when it is down or behind, reads go to the primary. A read
  that fails on the replica mid-page is read again on the primary (GET and HEAD only): the
  user never sees a 500 for it.
- Its lag is in /readyz and the gauges `nuanjia_replica_lag_seconds` and `nuanjia_replica_up`.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"
PRIMARY = DEFAULT_DB_ALIAS
WROTE_AT_KEY = "nuanjia_wrote_at"  # in the session: when the user last wrote (epoch seconds)
CHECK_EVERY_SECONDS = 5.0  # how long a process trusts its last look at the replica
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Apps whose rows are read right after they are written by the request machinery itself.
PRIMARY_ONLY_APPS = frozenset({"sessions"})
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE)\b", re.I)
_WRITE_IN_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.I)

logger = logging.getLogger(__name__)
T = TypeVar("T")


def replica_configured() -> bool:
    """A `replica` alias exists (a real replica, or the tests' mirror of the primary)."""
    return REPLICA in settings.DATABASES


def replica_is_real() -> bool:
    """A replica named by NUANJIA_REPLICA_URL (not the tests' mirror of the primary)."""
    return replica_configured() and bool(getattr(settings, "NUANJIA_REPLICA_URL", ""))


def read_your_writes_seconds() -> float:
    return float(getattr(settings, "NUANJIA_READ_YOUR_WRITES_SECONDS", 5))


def max_lag_seconds() -> float:
    return float(getattr(settings, "NUANJIA_REPLICA_MAX_LAG", 30))


def is_write(sql: str) -> bool:
    """Whether a statement changes data (a `WITH … INSERT` counts)."""
    if _WRITE.match(sql):
        return True
    return sql.lstrip()[:4].upper() == "WITH" and bool(_WRITE_IN_CTE.search(sql))


# ---------------------------------------------------------------- health


@dataclass(frozen=True)
class ReplicaHealth:
    up: bool
    lag_seconds: float | None  # None: unreachable
    status: str  # "ok", "lagging", "unreachable: <error>", "not configured"
    checked_at: float = 0.0


_last_health: list[ReplicaHealth] = []  # this process's last look


_LAG_SQL = """
SELECT pg_is_in_recovery(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn(),
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
"""


def _measure_lag() -> float:
    """Seconds the replica's data is behind the primary's (0 for a caught-up stream)."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return 0.0  # the tests' SQLite mirror
    with connection.cursor() as cursor:
        cursor.execute(_LAG_SQL)
        in_recovery, streaming, caught_up, age = cursor.fetchone()
    if not in_recovery:
        return 0.0  # the tests' mirror of the primary, or a promoted replica
    if streaming and caught_up:
        return 0.0  # an idle primary sends nothing new: the last replay's age is no lag
    return max(0.0, float(age or 0.0))


def replica_health(*, fresh: bool = False) -> ReplicaHealth:
    """Whether reads may go to the replica now, looked at most every CHECK_EVERY_SECONDS."""
    now = time.monotonic()
    if not replica_configured():
        return ReplicaHealth(False, None, "not configured", now)
    if _last_health and not fresh and now - _last_health[-1].checked_at < CHECK_EVERY_SECONDS:
        return _last_health[-1]
    try:
        lag = _measure_lag()
    except Exception as error:  # down, refusing us, or not allowed here
        _close_replica()
        health = ReplicaHealth(False, None, f"unreachable: {type(error).__name__}", now)
    else:
        up = lag <= max_lag_seconds()
        health = ReplicaHealth(up, round(lag, 3), "ok" if up else "lagging", now)
    if _last_health and _last_health[-1].up != health.up:
        logger.warning("read replica %s (lag %s s)", health.status, health.lag_seconds)
    _last_health[:] = [health]
    return health


def forget_health() -> None:
    """Look at the replica again at the next read (tests, after stopping it)."""
    _last_health.clear()


def _close_replica() -> None:
    """Drop a broken replica connection (never the primary's, which the tests' mirror shares)."""
    if connections[REPLICA] is connections[PRIMARY]:
        return
    try:
        connections[REPLICA].close()
    except Exception:  # already gone
        logger.debug("closing the replica connection failed", exc_info=True)


# ---------------------------------------------------------------- routing


@dataclass
class _WriteWatch:
    """An execute wrapper on the primary that notes whether a statement wrote."""

    wrote: bool = False

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: dict[str, Any]) -> Any:  # fmt: skip
        if not self.wrote and is_write(sql):
            self.wrote = True
        return execute(sql, params, many, context)


@dataclass
class _Routing(_WriteWatch):
    to_replica: bool = False  # a write inside the block (`wrote`) sends reads back to the primary


_routing: ContextVar[_Routing | None] = ContextVar("nuanjia_replica_routing", default=None)


def _primary_in_transaction() -> bool:
    """A transaction of ours on the primary (a test's own wrapping transaction is not one)."""
    connection = connections[PRIMARY]
    if not connection.in_atomic_block:
        return False
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def reads_go_to_replica() -> bool:
    """Whether a read made now would go to the replica."""
    routing = _routing.get()
    return (
        routing is not None
        and routing.to_replica
        and not routing.wrote
        and not _primary_in_transaction()
    )


class ReplicaRouter:
    """DATABASE_ROUTERS entry: replica reads only where a block or view opted in."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS or not reads_go_to_replica():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by itself


def recently_wrote(request: HttpRequest | None) -> bool:
    """The request's user wrote less than the read-your-writes window ago."""
    session = getattr(request, "session", None)
    if session is None:
        return False
    wrote_at = session.get(WROTE_AT_KEY)
    return isinstance(wrote_at, int | float) and time.time() - wrote_at < read_your_writes_seconds()


@contextmanager
def reading_from_replica(request: HttpRequest | None = None) -> Iterator[bool]:
    """Inside the block, reads go to the replica when it is configured and healthy, the
    request's user did not write within the window and nothing was written in the block
    so far; yields whether the block started on the replica."""
    to_replica = (
        replica_configured()
        and not recently_wrote(request)
        and not _primary_in_transaction()
        and replica_health().up
    )
    routing = _Routing(to_replica=to_replica)
    token = _routing.set(routing)
    watch = connections[PRIMARY].execute_wrapper(routing) if to_replica else nullcontext()
    try:
        with watch:
            yield to_replica
    finally:
        _routing.reset(token)


@contextmanager
def reading_from_primary() -> Iterator[None]:
    """Inside the block, reads go to the primary even within `reading_from_replica`."""
    token = _routing.set(_Routing(to_replica=False))
    try:
        yield
    finally:
        _routing.reset(token)


def read_with_fallback(request: HttpRequest | None, read: Callable[[], T], *,
                       may_repeat: bool = True) -> T:  # fmt: skip
    """`read()` on the replica; if the replica fails under it, `read()` again on the primary
    (when `may_repeat`: the work only reads, or its writes come after its reads)."""
    with reading_from_replica(request) as on_replica:
        if not on_replica:
            return read()
        try:
            return read()
        except (OperationalError, InterfaceError):
            if not may_repeat or _primary_in_transaction() or replica_health(fresh=True).up:
                raise
    logger.warning("read replica failed during a read: read again on the primary")
    with reading_from_primary():
        return read()


def replica_reads(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view decorator (or a wrapper in urls.py): the view's reads go to the replica under
    the rules above; a GET whose replica fails midway is answered from the primary."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return read_with_fallback(
            request,
            lambda: view(request, *args, **kwargs),
            may_repeat=request.method in {"GET", "HEAD"},
        )

    return wrapped


# ---------------------------------------------------------------- read-your-writes


class ReadYourWritesMiddleware:
    """Keeps a signed-in user's reads on the primary for the window after they wrote: any
    successful non-GET request, or a request that wrote to the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        watch = _WriteWatch()
        with connections[PRIMARY].execute_wrapper(watch):
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return response
        changed = request.method not in SAFE_METHODS and response.status_code < 400
        if changed or watch.wrote:
            request.session[WROTE_AT_KEY] = time.time()
        return response


# ---------------------------------------------------------------- figures


def replica_status() -> dict[str, Any]:
    """For /readyz: the replica's state and lag (a fresh look)."""
    health = replica_health(fresh=True)
    return {"status": health.status, "lag_seconds": health.lag_seconds}


def register_replica_gauges() -> None:
    """The replica's lag and whether reads may use it, for Prometheus (CoreConfig.ready)."""
    from .observability import register_gauge

    if not replica_configured():
        return

    def lag() -> float:
        seconds = replica_health().lag_seconds
        return math.nan if seconds is None else seconds

    register_gauge(
        "replica_lag_seconds", "Seconds the read replica is behind the primary (NaN: down).", lag
    )
    register_gauge(
        "replica_up", "1 when reads may go to the read replica (reachable, lag within the "
        "limit), else 0.", lambda: 1.0 if replica_health().up else 0.0,
    )  # fmt: skip
