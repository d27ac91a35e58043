"""What the cross-process tests run in their child processes (started with multiprocessing's
"spawn", so each is a fresh interpreter: nothing of the test's process is shared but the
files, the database and Redis). Each child takes its environment first, then imports
Django. Not a test module: the children import it by name."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

SPAWN = multiprocessing.get_context("spawn")


def child_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Settings for a child: its own var/ and SQLite file under tmp_path, a fixed secret, no
    Redis unless `extra` names one."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "NUANJIA_VAR_DIR": str(tmp_path),
        "NUANJIA_SECRET_KEY": "cross-process-test-secret-0123456789-abcdefghij",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "NUANJIA_REDIS_URL": "",
        **extra,
    }


def hit_limiter(environment, scope, subject, limit, seconds, times, start, results) -> None:
    """Count `times` hits once `start` is set; report how many were allowed."""
    os.environ.update(environment)
    from nuanjia.core import ratelimit

    ratelimit.peek(scope, "warm-up")  # open the store before the race starts
    start.wait(30)
    allowed = sum(ratelimit.hit(scope, subject, limit=limit, seconds=seconds) for _ in range(times))
    results.put(allowed)


def _setup_django(environment) -> None:
    os.environ.update(environment)
    import django

    django.setup()


def create_version_table(environment) -> None:
    _setup_django(environment)
    from django.db import connection

    from nuanjia.core.models import CacheVersion

    with connection.schema_editor() as editor:
        editor.create_model(CacheVersion)


def watch_cache(environment, label, value_file, ready, changed, checked, bumped, results):
    """Cache a file's text under `label`; report it before the file changes, after, and
    (with the seconds it took) once a bump from another process makes it reload."""
    _setup_django(environment)
    from nuanjia.core.cache import TTLCache

    cache = TTLCache("test.watched", ttl=3600, depends_on=(label,))

    def load() -> str:
        return Path(value_file).read_text()

    results.put(("first", cache.get("text", load)))
    ready.set()
    changed.wait(60)
    results.put(("changed", cache.get("text", load)))
    checked.set()
    bumped.wait(60)
    started = time.monotonic()
    seen = cache.get("text", load)
    while seen == "old" and time.monotonic() - started < 60:
        time.sleep(0.1)
        seen = cache.get("text", load)
    results.put(("bumped", seen, time.monotonic() - started))


def bump_table(environment, label) -> None:
    _setup_django(environment)
    from django.db import transaction

    from nuanjia.core.cache import bump

    with transaction.atomic():
        bump(label)
