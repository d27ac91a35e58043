"""The read replica's router (core.db_router), on the tests' `replica` alias: a mirror of the
test database sharing its connection. The real streaming replica: tests/test_replica.py."""

import time

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connections, router, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import verified_login
from nuanjia.core import db_router
from nuanjia.core.db_router import (
    PRIMARY,
    REPLICA,
    WROTE_AT_KEY,
    read_with_fallback,
    reading_from_primary,
    reading_from_replica,
)
from nuanjia.core.observability import metrics_text
from nuanjia.orgs.models import Org

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "replica" not in django_settings.DATABASES,
        reason="the replica alias mirrors the test database on PostgreSQL only (config/settings.py)",
    ),
]


@pytest.fixture(autouse=True)
def fresh_look():
    db_router.forget_health()
    yield
    db_router.forget_health()


@pytest.fixture
def replica_down(monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(db_router, "_measure_lag", refuse)


class _Session(dict):
    pass


def _request(wrote_seconds_ago=None):
    request = RequestFactory().get("/")
    request.session = _Session()
    if wrote_seconds_ago is not None:
        request.session[WROTE_AT_KEY] = time.time() - wrote_seconds_ago
    return request


def test_the_suite_runs_with_the_replica_alias_mirroring_the_test_database(settings):
    assert settings.DATABASES[REPLICA]["TEST"]["MIRROR"] == "default"
    assert "nuanjia.core.db_router.ReplicaRouter" in settings.DATABASE_ROUTERS


def test_reads_go_to_the_primary_unless_a_block_opts_in(tree):
    assert router.db_for_read(Org) == PRIMARY
    with reading_from_replica() as on_replica:
        assert on_replica
        assert router.db_for_read(Org) == REPLICA
        rows = Org.objects.filter(code="410108")
        assert rows.db == REPLICA
        assert [org.code for org in rows] == ["410108"]  # the test's rows, through the mirror
        with reading_from_primary():
            assert router.db_for_read(Org) == PRIMARY
    assert router.db_for_read(Org) == PRIMARY
    assert router.db_for_write(Org) == PRIMARY


def test_sessions_are_never_read_from_the_replica():
    from django.contrib.sessions.models import Session

    with reading_from_replica():
        assert router.db_for_read(Session) == PRIMARY


def test_a_write_inside_the_block_sends_the_next_reads_to_the_primary(tree):
    with reading_from_replica():
        assert router.db_for_read(Org) == REPLICA
        Org.objects.filter(pk=0).update(name="x")  # an UPDATE, even of no row
        assert router.db_for_read(Org) == PRIMARY


def test_reads_inside_a_transaction_stay_on_the_primary(tree):
    with reading_from_replica():
        with transaction.atomic():
            assert router.db_for_read(Org) == PRIMARY
        assert router.db_for_read(Org) == REPLICA


def test_read_your_writes_window(settings):
    settings.NUANJIA_READ_YOUR_WRITES_SECONDS = 5
    with reading_from_replica(_request(wrote_seconds_ago=1)) as on_replica:
        assert not on_replica
        assert router.db_for_read(Org) == PRIMARY
    with reading_from_replica(_request(wrote_seconds_ago=6)) as on_replica:
        assert on_replica
    with reading_from_replica(_request()) as on_replica:
        assert on_replica


def test_a_signed_in_users_successful_post_opens_the_window(client, auditor):
    verified_login(client, auditor)
    client.get(reverse("desk:audit_list"))
    assert WROTE_AT_KEY not in client.session  # reading writes nothing
    response = client.post(reverse("desk:audit_verify"))
    assert response.status_code == 302
    assert time.time() - client.session[WROTE_AT_KEY] < 5


def test_a_get_that_writes_opens_the_window_too(client, auditor):
    verified_login(client, auditor)
    response = client.get(reverse("desk:audit_export"))  # the export is audited: a write
    assert response.status_code == 200
    assert WROTE_AT_KEY in client.session


def test_anonymous_requests_leave_no_mark():
    client = Client()
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
    assert WROTE_AT_KEY not in client.session


def test_a_wrapped_page_reads_from_the_replica(client, auditor, monkeypatch):
    routed = []
    real = db_router.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        routed.append(real(self, model, **hints))
        return routed[-1]

    monkeypatch.setattr(db_router.ReplicaRouter, "db_for_read", spy)
    verified_login(client, auditor)
    assert client.get(reverse("desk:audit_list")).status_code == 200
    assert REPLICA in routed
    routed.clear()
    client.post(reverse("desk:audit_verify"))
    routed.clear()
    page = client.get(reverse("desk:audit_list"))  # just wrote: the primary
    assert page.status_code == 200
    assert REPLICA not in routed


def test_a_replica_down_sends_reads_to_the_primary(tree, replica_down):
    with reading_from_replica() as on_replica:
        assert not on_replica
        assert router.db_for_read(Org) == PRIMARY
        assert Org.objects.filter(code="410108").exists()


def test_a_replica_failing_midway_is_read_again_on_the_primary(monkeypatch):
    calls = []

    def read():
        calls.append(router.db_for_read(Org))
        if len(calls) == 1:
            monkeypatch.setattr(db_router, "_measure_lag", _refuse)
            raise OperationalError("server closed the connection unexpectedly")
        return "rows"

    assert read_with_fallback(None, read) == "rows"
    assert calls == [REPLICA, PRIMARY]


def test_a_failure_with_the_replica_up_is_not_hidden():
    def read():
        raise OperationalError("a real error")

    with pytest.raises(OperationalError):
        read_with_fallback(None, read)


def test_a_failing_post_is_not_repeated(monkeypatch):
    calls = []

    def write():
        calls.append(1)
        monkeypatch.setattr(db_router, "_measure_lag", _refuse)
        raise OperationalError("gone")

    with pytest.raises(OperationalError):
        read_with_fallback(None, write, may_repeat=False)
    assert calls == [1]


def _refuse():
    raise OperationalError("connection refused")


def test_a_lagging_replica_is_not_read(monkeypatch, settings):
    settings.NUANJIA_REPLICA_MAX_LAG = 30
    monkeypatch.setattr(db_router, "_measure_lag", lambda: 31.0)
    health = db_router.replica_health()
    assert (health.up, health.status, health.lag_seconds) == (False, "lagging", 31.0)
    with reading_from_replica() as on_replica:
        assert not on_replica


def test_readyz_shows_a_real_replicas_lag_and_stays_ready_when_it_is_down(settings, monkeypatch):
    settings.NUANJIA_REPLICA_URL = "postgres://replica.example/nuanjia"
    answer = Client().get("/readyz").json()
    assert answer["replica"] == {"status": "ok", "lag_seconds": 0.0}
    monkeypatch.setattr(db_router, "_measure_lag", _refuse)
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["replica"] == {
        "status": "unreachable: OperationalError",
        "lag_seconds": None,
    }


def test_lag_is_a_gauge(monkeypatch):
    text = metrics_text().decode()
    assert "nuanjia_replica_lag_seconds 0.0" in text
    assert "nuanjia_replica_up 1.0" in text
    monkeypatch.setattr(db_router, "_measure_lag", _refuse)
    db_router.forget_health()
    text = metrics_text().decode()
    assert "nuanjia_replica_lag_seconds NaN" in text
    assert "nuanjia_replica_up 0.0" in text


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "x" VALUES (1)', True),
        ('  update "x" SET a = 1', True),
        ('DELETE FROM "x"', True),
        ('WITH moved AS (UPDATE "x" SET a = 1 RETURNING id) SELECT count(*) FROM moved', True),
        ('SELECT "x"."id" FROM "x" WHERE "x"."label" = \'INSERT\'', False),
        ('SELECT 1 FROM "x" FOR UPDATE', False),
    ],
)
def test_which_statements_count_as_writes(sql, writes):
    assert db_router.is_write(sql) is writes


def test_the_replica_connection_is_the_test_connection():
    assert connections[REPLICA] is connections[PRIMARY]
