"""core.bulk: rows written with executemany and reserved ids read back as the ORM wrote them."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from nuanjia.core import bulk
from nuanjia.core.models import CalendarDay

pytestmark = pytest.mark.django_db
TABLE = CalendarDay._meta.db_table
COLUMNS = ("id", "day", "is_workday", "name", "updated_at")


def days(count: int, start=datetime.date(2031, 1, 1)) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range(count)]


def test_chunks_cover_every_item_once_in_order():
    assert list(bulk.chunks(list(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(bulk.chunks([], 3)) == []


def test_reserved_ids_and_executemany_write_what_the_orm_writes():
    CalendarDay.objects.create(day=datetime.date(2030, 12, 31), is_workday=False, name="ORM")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        ids = bulk.reserve_ids(TABLE, 3)
        written = bulk.insert_many(
            TABLE,
            COLUMNS,
            [
                (pk, connection.ops.adapt_datefield_value(day), True, "调休", now)
                for pk, day in zip(ids, days(3), strict=True)
            ],
        )
    assert written == 3 and ids == sorted(ids) and len(set(ids)) == 3
    assert min(ids) > CalendarDay.objects.get(name="ORM").pk
    rows = CalendarDay.objects.filter(pk__in=ids).order_by("pk")
    assert [(row.day, row.is_workday, row.name) for row in rows] == [
        (day, True, "调休") for day in days(3)
    ]
    # The next ORM insert takes an id after the reserved ones (the sequence moved on).
    assert CalendarDay.objects.create(day=datetime.date(2032, 1, 1), is_workday=False).pk > max(ids)


def test_update_many_and_select_in_across_chunks():
    created = CalendarDay.objects.bulk_create(
        CalendarDay(day=day, is_workday=False) for day in days(bulk.IN_CHUNK + 5)
    )
    ids = [row.pk for row in created] or list(CalendarDay.objects.values_list("pk", flat=True))
    bulk.update_many(TABLE, ("name",), ("id",), [(f"d{pk}", pk) for pk in ids[:3]])
    found = bulk.select_in(
        f"SELECT id, name FROM {bulk.quoted(TABLE)} WHERE id IN",
        ids,
        lock=True,
    )
    assert len(found) == len(ids)
    names = dict(found)
    assert [names[pk] for pk in ids[:4]] == [f"d{ids[0]}", f"d{ids[1]}", f"d{ids[2]}", ""]
