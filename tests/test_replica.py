"""Against a real streaming replica (scripts/replica.sh; `make test-replica`, CI): routed reads
run on the replica, the read-your-writes window, the lag reported, the fallback when it stops.

    scripts/replica.sh start 5433
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nj \\
    NUANJIA_REPLICA_URL=postgres://postgres@127.0.0.1:5433/nj pytest -m replica tests/test_replica.py

The test database is created on the primary and streams to the replica like any other
(`TEST: MIRROR` gives the replica alias its name); the tests commit (transactional), so the
replica sees their rows once it has replayed them (`caught_up`).
"""

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_login
from nuanjia.core import db_router
from nuanjia.core.db_router import PRIMARY, REPLICA, reading_from_replica
from nuanjia.core.observability import metrics_text
from nuanjia.orgs.models import Org

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not os.environ.get("NUANJIA_REPLICA_URL"), reason="needs NUANJIA_REPLICA_URL (a replica)"
    ),
    pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA]),
]
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "replica.sh"


@pytest.fixture(autouse=True)
def fresh_look():
    db_router.forget_health()
    yield
    db_router.forget_health()


def _one(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def caught_up(timeout: float = 15.0) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    lsn = _one(PRIMARY, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while not _one(REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def _replica_reads(captured, table: str) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if table in query["sql"]]


def test_the_replica_alias_is_a_streaming_replica_of_the_test_database(tree):
    assert settings.DATABASES[REPLICA]["NAME"] == settings.DATABASES[PRIMARY]["NAME"]
    assert settings.DATABASES[REPLICA]["PORT"] != settings.DATABASES[PRIMARY]["PORT"]
    assert _one(REPLICA, "SELECT pg_is_in_recovery()") is True
    assert _one(PRIMARY, "SELECT pg_is_in_recovery()") is False
    states = _one(PRIMARY, "SELECT array_agg(state) FROM pg_stat_replication")
    assert "streaming" in states


def test_routed_reads_run_on_the_replica(tree):
    Org.objects.filter(code="410108").update(division_kind="replica-check")
    caught_up()
    with reading_from_replica() as on_replica:
        assert on_replica
        rows = Org.objects.filter(code="410108")
        with CaptureQueriesContext(connections[REPLICA]) as captured:
            assert [org.division_kind for org in rows] == ["replica-check"]
            assert _one(rows.db, "SELECT pg_is_in_recovery()") is True
        assert _replica_reads(captured, '"orgs_org"')
    assert Org.objects.filter(code="410108").db == PRIMARY


def test_a_wrapped_page_reads_the_replica_except_just_after_the_users_write(
    client, auditor, settings
):
    settings.NUANJIA_READ_YOUR_WRITES_SECONDS = 1.5
    verified_login(client, auditor)
    caught_up()
    with CaptureQueriesContext(connections[REPLICA]) as captured:
        assert client.get(reverse("desk:audit_list")).status_code == 200
    assert _replica_reads(captured, '"core_auditevent"')

    assert client.post(reverse("desk:audit_verify")).status_code == 302  # a write
    with CaptureQueriesContext(connections[REPLICA]) as captured:
        page = client.get(reverse("desk:audit_list"))
    assert page.status_code == 200
    assert not _replica_reads(captured, '"core_auditevent"')  # read on the primary

    time.sleep(1.6)  # the window is over
    caught_up()
    with CaptureQueriesContext(connections[REPLICA]) as captured:
        assert client.get(reverse("desk:audit_list")).status_code == 200
    assert _replica_reads(captured, '"core_auditevent"')


def test_the_lag_is_reported(client):
    caught_up()
    answer = client.get("/readyz").json()
    assert answer["status"] == "ready"
    assert answer["replica"]["status"] == "ok"
    assert 0 <= answer["replica"]["lag_seconds"] < 5
    text = metrics_text().decode()
    assert "nuanjia_replica_up 1.0" in text
    assert "nuanjia_replica_lag_seconds " in text


def _replica(action: str) -> None:
    port = str(settings.DATABASES[REPLICA]["PORT"] or 5433)
    subprocess.run([str(SCRIPT), action, port], check=True, capture_output=True, timeout=120)


def test_reads_fall_back_to_the_primary_when_the_replica_stops(client, auditor):
    """Last in the file: it stops and removes the replica (`make test-replica` starts one)."""
    verified_login(client, auditor)
    caught_up()
    assert db_router.replica_health(fresh=True).up  # this process still believes it is up
    _replica("stop")
    # The first page finds the replica gone under it and reads again on the primary.
    assert client.get(reverse("desk:audit_list")).status_code == 200
    assert not db_router.replica_health().up
    assert client.get(reverse("desk:audit_export")).status_code == 200
    with reading_from_replica() as on_replica:
        assert not on_replica
        assert Org.objects.filter(code="410108").exists()
    response = client.get("/readyz")
    assert response.status_code == 200  # the node still serves: reads use the primary
    assert response.json()["replica"]["status"].startswith("unreachable")
    assert "nuanjia_replica_up 0.0" in metrics_text().decode()
