"""The fast paths' cursor: on PostgreSQL their statements are prepared on the server once per
connection and still counted and logged as Django's own; elsewhere, or switched off, it is
Django's cursor."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nuanjia.core.prepared import hot_cursor
from nuanjia.orgs.models import Org

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT COUNT(*) FROM orgs_org WHERE code >= %s"


def _prepared_texts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _count(code: str) -> int:
    with hot_cursor() as cursor:
        cursor.execute(STATEMENT, [code])
        return int(cursor.fetchone()[0])


def test_answers_as_django_cursor_and_is_counted_with_its_text():
    with CaptureQueriesContext(connection) as captured:
        assert _count("41") == Org.objects.filter(code__gte="41").count()
    assert len(captured.captured_queries) == 2
    assert "orgs_org" in captured.captured_queries[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepared statements")
def test_statement_prepared_once_on_postgresql():
    for code in ("0", "1", "2"):
        _count(code)
    texts = _prepared_texts()
    assert texts.count(STATEMENT.replace("%s", "$1")) == 1
    # Django's own statements are still not prepared.
    Org.objects.filter(code="x").exists()
    assert len(_prepared_texts()) == len(texts)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepared statements")
def test_switched_off_nothing_is_prepared(settings):
    settings.NUANJIA_DB_PREPARED_STATEMENTS = False
    before = len(_prepared_texts())
    _count("0")
    assert len(_prepared_texts()) == before
