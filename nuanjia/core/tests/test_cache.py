"""core.cache: values kept until their TTL or until a table they depend on is bumped, in this
process at once and in every other process within CHECK_SECONDS (database or Redis)."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import transaction

from nuanjia.core import cache
from nuanjia.core.models import CacheVersion
from nuanjia.orgs.models import Org

from . import processes
from .test_ratelimit import redis_reachable

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/0"


class Loads:
    """A loader that says how often it ran."""

    def __init__(self, value):
        self.value = value
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_value_is_loaded_once_and_again_after_a_bump_of_its_table(
    django_capture_on_commit_callbacks,
):
    watched = cache.TTLCache("test.once", ttl=600, depends_on=("core.calendarday",))
    load = Loads([1, 2])
    assert watched.get("key", load) == [1, 2] and watched.get("key", load) == [1, 2]
    assert load.calls == 1
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        cache.bump("core.calendarday")
    assert watched.get("key", load) == [1, 2] and load.calls == 2
    assert CacheVersion.objects.get(label="core.calendarday").version == 1


def test_a_bump_of_another_table_keeps_the_value(django_capture_on_commit_callbacks):
    watched = cache.TTLCache("test.other", ttl=600, depends_on=("core.calendarday",))
    load = Loads(7)
    watched.get("key", load)
    with django_capture_on_commit_callbacks(execute=True):
        cache.bump(Org)
    watched.get("key", load)
    assert load.calls == 1


def test_a_value_expires_after_its_ttl():
    watched = cache.TTLCache("test.ttl", ttl=0.5, depends_on=())
    load = Loads("x")
    watched.get("key", load)
    watched.get("key", load)
    time.sleep(0.6)
    watched.get("key", load)
    assert load.calls == 2


def test_a_rolled_back_edit_leaves_the_version_where_it_was():
    with pytest.raises(RuntimeError), transaction.atomic():
        cache.bump("hotline.deadlinepolicy")
        raise RuntimeError
    assert not CacheVersion.objects.filter(label="hotline.deadlinepolicy").exists()


def test_model_instances_are_refused_even_inside_containers(tree):
    watched = cache.TTLCache("test.refuse", ttl=60, depends_on=())
    org = Org.objects.first()
    with pytest.raises(TypeError, match="plain values"):
        watched.get("org", lambda: org)
    with pytest.raises(TypeError):
        watched.get("orgs", lambda: {"first": [org]})


def test_a_cached_row_gives_a_fresh_instance_each_time(tree):
    org = Org.objects.get(code="410108")
    values = cache.plain_row(org)
    first, second = cache.from_plain_row(Org, values), cache.from_plain_row(Org, values)
    assert first is not second and first == org and first.name == org.name
    assert first.parent_id == org.parent_id and not first._state.adding


def _watch_from_another_process(tmp_path, environment, label):
    """Start a watcher process, change what it cached, bump from a third process; return what
    the watcher reported."""
    value_file = tmp_path / "value.txt"
    value_file.write_text("old")
    events = [processes.SPAWN.Event() for _ in range(4)]
    results = processes.SPAWN.Queue()
    watcher = processes.SPAWN.Process(
        target=processes.watch_cache,
        args=(environment, label, str(value_file), *events, results),
    )
    watcher.start()
    ready, changed, checked, bumped = events
    try:
        assert ready.wait(60), "the watcher did not start"
        value_file.write_text("new")
        changed.set()
        assert checked.wait(60)
        bumper = processes.SPAWN.Process(target=processes.bump_table, args=(environment, label))
        bumper.start()
        bumper.join(60)
        assert bumper.exitcode == 0
        bumped.set()
        return [results.get(timeout=90) for _ in range(3)]
    finally:
        watcher.join(90)
        if watcher.is_alive():
            watcher.kill()


def test_another_process_sees_a_bump_in_the_database_within_seconds(tmp_path):
    environment = processes.child_environment(tmp_path)
    creator = processes.SPAWN.Process(target=processes.create_version_table, args=(environment,))
    creator.start()
    creator.join(60)
    assert creator.exitcode == 0
    first, changed, (_, seen, seconds) = _watch_from_another_process(
        tmp_path, environment, "core.calendarday"
    )
    assert first == ("first", "old") and changed == ("changed", "old")  # cached meanwhile
    assert seen == "new" and seconds <= cache.CHECK_SECONDS + 3


def test_another_process_sees_a_bump_in_redis_within_seconds(tmp_path):
    if not redis_reachable(REDIS_URL):
        pytest.skip("no Redis at 127.0.0.1:6379")
    environment = processes.child_environment(tmp_path, NUANJIA_REDIS_URL=REDIS_URL)
    label = f"test.{uuid.uuid4().hex}"  # a table of its own: other runs share this Redis
    first, changed, (_, seen, seconds) = _watch_from_another_process(tmp_path, environment, label)
    assert first == ("first", "old") and changed == ("changed", "old")
    assert seen == "new" and seconds <= cache.CHECK_SECONDS + 3
