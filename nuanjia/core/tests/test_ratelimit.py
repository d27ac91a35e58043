"""core.ratelimit: fixed windows that hold across server processes, in a SQLite file of their
own (no Redis) or in Redis; the main database is never touched."""

from __future__ import annotations

import socket
import time
import uuid
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection

from nuanjia.core import ratelimit

from . import processes

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_a_limit_refuses_past_its_count_and_opens_again_after_the_window():
    scope = f"test:{uuid.uuid4().hex}"
    with time_machine.travel(1_900_000_000, tick=False) as traveller:
        allowed = [ratelimit.hit(scope, "10.0.0.1", limit=3, seconds=60) for _ in range(5)]
        assert allowed == [True, True, True, False, False]
        assert ratelimit.hit(scope, "10.0.0.2", limit=3, seconds=60)  # another subject
        assert ratelimit.peek(scope, "10.0.0.1").seconds_left() == 60
        traveller.shift(61)
        assert ratelimit.peek(scope, "10.0.0.1").count == 0
        assert ratelimit.hit(scope, "10.0.0.1", limit=3, seconds=60)


def test_a_limit_of_zero_is_off():
    assert all(ratelimit.hit("test:off", "x", limit=0, seconds=60) for _ in range(50))


def test_subjects_are_stored_only_as_keyed_hashes(settings):
    ratelimit.hit("test:hashed", "13812345678", limit=5, seconds=60)
    stored = (settings.VAR_DIR / ratelimit.FILE_NAME).read_bytes()
    wal = settings.VAR_DIR / (ratelimit.FILE_NAME + "-wal")
    stored += wal.read_bytes() if wal.exists() else b""
    assert b"13812345678" not in stored and b"test:hashed:" in stored


@pytest.mark.django_db
def test_counting_runs_while_the_main_database_is_write_locked(settings):
    """The public intake holds the main SQLite write lock for its writes; a count must not
    queue behind it (nor take it)."""
    if connection.vendor != "sqlite":
        pytest.skip("the main database's write lock is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_cacheversion (label, version) VALUES ('test.lock', 1)")
        started = time.monotonic()
        assert ratelimit.hit("test:locked", "10.0.0.9", limit=5, seconds=60)
        assert time.monotonic() - started < 0.5


def _race(environment, scope, *, limit, times, workers=2) -> list[int]:
    """`workers` processes hit the same subject `times` each; how many each was allowed."""
    start = processes.SPAWN.Event()
    results = processes.SPAWN.Queue()
    children = [
        processes.SPAWN.Process(
            target=processes.hit_limiter,
            args=(environment, scope, "203.0.113.7", limit, 600, times, start, results),
        )
        for _ in range(workers)
    ]
    for child in children:
        child.start()
    time.sleep(0.5)
    start.set()
    allowed = [results.get(timeout=90) for _ in children]
    for child in children:
        child.join(30)
        assert child.exitcode == 0
    return allowed


def test_a_limit_holds_across_two_processes_without_redis(tmp_path, settings):
    environment = processes.child_environment(tmp_path)
    allowed = _race(environment, "test:processes", limit=25, times=40)
    assert sum(allowed) == 25
    # A third process (this one) sees the same count in the same file.
    settings.VAR_DIR = tmp_path
    settings.SECRET_KEY = environment["NUANJIA_SECRET_KEY"]
    settings.NUANJIA_REDIS_URL = ""
    assert ratelimit.peek("test:processes", "203.0.113.7").count == 80
    assert not ratelimit.hit("test:processes", "203.0.113.7", limit=25, seconds=600)


def test_a_limit_holds_across_two_processes_with_redis(tmp_path, settings):
    if not redis_reachable(REDIS_URL):
        pytest.skip("no Redis at 127.0.0.1:6379")
    environment = processes.child_environment(tmp_path, NUANJIA_REDIS_URL=REDIS_URL)
    scope = f"test:{uuid.uuid4().hex}"  # keys of its own: other runs share this Redis
    allowed = _race(environment, scope, limit=25, times=40)
    assert sum(allowed) == 25
    settings.SECRET_KEY = environment["NUANJIA_SECRET_KEY"]
    settings.NUANJIA_REDIS_URL = REDIS_URL
    try:
        window = ratelimit.peek(scope, "203.0.113.7")
    finally:
        settings.NUANJIA_REDIS_URL = ""  # the tests' clean-up must not empty a shared Redis
    assert window.count == 80 and 590 <= window.seconds_left() <= 600
    assert not (tmp_path / ratelimit.FILE_NAME).exists()  # nothing went to the file
