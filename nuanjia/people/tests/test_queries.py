"""Scoped reads: search by name, pinyin, initials, phone and ID last 4, each an index range."""

import datetime

import pytest
from django.db import connection

from nuanjia.people import queries, services
from nuanjia.people.models import DuplicateCandidate

from .conftest import ZHANG_ID
from .support import id_number, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(caseworker, outsider, zhang):
    """张三 (惠济区), 李思思 and 单田芳 (惠济区), and a 张三 of 开封 whom 惠济区 must never find."""
    register(
        caseworker,
        name="李思思",
        phone="13900001111",
        id_number=id_number("410108", datetime.date(1990, 1, 1), 28),
    )
    register(caseworker, name="单田芳", phone="13700002222")
    kaifeng = register(
        outsider,
        name="张三",
        phone="13812345678",
        id_number=id_number("410204", datetime.date(1970, 1, 1), 11),
    )
    return {"zhang": zhang, "kaifeng": kaifeng}


def names(user, text) -> list[str]:
    return sorted(worker.name for worker in queries.search_workers(user, text))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("张三", ["张三"]),
        ("三", ["张三"]),
        ("思", ["李思思"]),
        ("zhangsan", ["张三"]),
        ("zhang", ["张三"]),
        ("ZS", ["张三"]),
        ("lss", ["李思思"]),
        ("shantianfang", ["单田芳"]),  # surname read as shan, not dan
        ("stf", ["单田芳"]),
        ("13812345678", ["张三"]),
        ("+86 138 1234 5678", ["张三"]),
        ("1381234", []),  # phones are sealed: a part of a number finds nothing
        ("5678", ["张三"]),  # the phone's last 4, through their own blind index
        ("1111", ["李思思"]),
        ("", ["单田芳", "张三", "李思思"]),
        ("王", []),
    ],
)
def test_search_finds_by_name_pinyin_initials_and_phone_in_scope_only(
    registry, caseworker, text, found
):
    assert names(caseworker, text) == found


def test_search_finds_the_last_four_of_the_id_including_x(registry, caseworker, outsider):
    last4 = ZHANG_ID[-4:]
    assert list(queries.search_workers(caseworker, last4.lower())) == [registry["zhang"]]
    assert registry["zhang"] not in queries.search_workers(outsider, last4)


def test_the_other_county_finds_only_its_own_zhang_san(registry, outsider):
    found = list(queries.search_workers(outsider, "zs"))
    assert found == [registry["kaifeng"]]


def test_admin_roles_see_no_workers(registry, system_admin, auditor):
    assert not queries.visible_workers(system_admin).exists()
    assert not queries.search_workers(auditor, "张").exists()


def test_a_city_leader_sees_the_counties_below(registry, leader):
    assert names(leader, "") == ["单田芳", "张三", "李思思"]


def test_merged_records_leave_every_list(caseworker, reviewer):
    first = register(caseworker, name="王芳", birth_date="1975-08-09")
    second = register(caseworker, name="王芳", birth_date="1975-08-09")
    services.merge_duplicates(DuplicateCandidate.objects.get(), keep=first, by=reviewer)
    assert list(queries.visible_workers(caseworker)) == [first]
    assert second not in queries.search_workers(caseworker, "王芳")


def test_find_by_id_number_is_exact_and_follows_merges(registry):
    assert queries.find_worker_by_id_number(ZHANG_ID.lower()) == registry["zhang"]
    assert (
        queries.find_worker_by_id_number(id_number("410108", datetime.date(1999, 1, 1), 1)) is None
    )
    assert queries.find_worker_by_id_number("") is None


def query_plan(queryset) -> list[str]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [str(row[-1]) for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize(
    ("text", "indexes"),
    [
        ("张三", ["worker_name_key_idx"]),
        ("zs", ["worker_name_key_idx", "name_pinyin", "name_initials"]),
        ("13812345678", ["people_worker_phone_index"]),
        ("5678", ["people_worker_phone_last4_index", "people_worker_id_last4"]),
        ("123X", ["people_worker_id_last4"]),
    ],
)
def test_every_search_branch_is_an_index_range_not_a_walk_of_the_registry(
    registry, caseworker, text, indexes
):
    plan = query_plan(queries.search_workers(caseworker, text).order_by("name_pinyin", "pk")[:50])
    worker_steps = [
        step
        for step in plan
        if "people_worker " in step + " " and "INTEGER PRIMARY KEY" not in step
    ]
    assert all(any(index in step for step in plan) for index in indexes), plan
    assert not any(step.startswith("SCAN") for step in worker_steps), plan
    assert not any("merged_into" in step for step in plan), plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_id_number_lookup_uses_the_unique_index(registry):
    from nuanjia.core.crypto import PURPOSE_ID_NUMBER, blind_index
    from nuanjia.people.models import Worker

    query = Worker.objects.filter(
        queries.with_id_number_index(blind_index(ZHANG_ID, purpose=PURPOSE_ID_NUMBER))
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "worker_unique_id_number" in plan, plan
