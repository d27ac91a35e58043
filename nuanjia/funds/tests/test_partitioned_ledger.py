"""The ledger and the audit trail on monthly partitions (PostgreSQL, ADR 0023): a database
holding postings and their audit events before the conversion keeps every row, `funds check`
and `audit verify` pass after it (and after converting back), entries written later carry
their posting time and land in its month. Skipped on SQLite, which keeps plain tables."""

import datetime

import pytest
from django.db import connection

from nuanjia.core.audit import check_trail
from nuanjia.core.partitions import current_month, months_of
from nuanjia.core.partitions_convert import convert_to_partitioned, convert_to_plain
from nuanjia.funds import services
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Entry

from .conftest import YUAN

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="time partitions exist on PostgreSQL only; SQLite keeps plain tables",
    ),
]

TABLES = (("funds_entry", "created_at"), ("core_auditevent", "at"))


def _partition_of_entries() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, tableoid::regclass::text FROM funds_entry")
        return dict(cursor.fetchall())


def test_a_populated_ledger_and_trail_convert_both_ways_and_still_check(
    funded, orgs, warmth, city_finance
):
    for table, column in TABLES:  # back to the plain tables the rows were written before
        convert_to_plain(connection, table, column)
    old = current_month().replace(year=current_month().year - 1)
    with connection.cursor() as cursor:  # entries of a year ago (entries are not hashed)
        cursor.execute(
            "UPDATE funds_entry SET created_at = %s WHERE id IN "
            "(SELECT id FROM funds_entry ORDER BY id LIMIT 2)",
            [datetime.datetime(old.year, old.month, 10, tzinfo=datetime.UTC)],
        )
    entries = Entry.objects.count()
    assert first_discrepancy() is None and check_trail() is None

    for table, column in TABLES:
        convert_to_partitioned(connection, table, column)
    where = _partition_of_entries()
    assert len(where) == entries
    assert sorted(set(where.values())) == sorted(
        {f"funds_entry_p{old:%Y%m}", f"funds_entry_p{current_month():%Y%m}"}
    )
    assert old in months_of("funds_entry")
    assert first_discrepancy() is None and check_trail() is None

    services.allocate(orgs["410100"], orgs["410108"], warmth, 100 * YUAN, by=city_finance)
    newest = Entry.objects.order_by("-id").first()
    assert newest.pk > max(where)  # the identity went on
    assert _partition_of_entries()[newest.pk] == f"funds_entry_p{current_month():%Y%m}"
    assert first_discrepancy() is None and check_trail() is None

    for table, column in TABLES:  # and back again: nothing lost
        convert_to_plain(connection, table, column)
    assert Entry.objects.count() == entries + 2
    assert first_discrepancy() is None and check_trail() is None


def test_an_entry_carries_the_time_of_its_posting(funded):
    [transaction_at] = {e.transaction.created_at for e in Entry.objects.order_by("-id")[:1]}
    newest = Entry.objects.order_by("-id").first()
    assert abs((newest.created_at - transaction_at).total_seconds()) < 5
