"""The list helper (issue 25): keyset pages stable under inserts, signed cursors, the count
policy and shallow page numbers, on whichever database the run uses."""

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from nuanjia.core import lists
from nuanjia.core.lists import BadCursor, ListSpec, Sort, count_rows
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

pytestmark = pytest.mark.django_db

SPEC = ListSpec(
    "test.workers",
    {
        "pinyin": Sort(("name_pinyin",), "拼音"),
        "newest": Sort(("-created_at",), "最新"),
        "name_desc": Sort(("-name",), "姓名倒序"),
    },
    page_size=5,
    exact_below=12,
)


def _workers(org, names):
    return Worker.objects.bulk_create(
        [Worker(org=org, name=name, name_pinyin=pinyin) for name, pinyin in names]
    )


@pytest.fixture
def org(tree):
    return Org.objects.get(code="410108")


@pytest.fixture
def rows(org):
    # Duplicate sort keys on purpose: the primary key breaks the ties.
    return _workers(org, [(f"职工{n:02d}", f"p{n // 3:02d}") for n in range(14)])


def _walk(queryset, params=None):
    """Every page by following `next`, as a list of pages of pks."""
    page = SPEC.page(queryset, params or {})
    pages = [[row.pk for row in page]]
    while page.next_cursor:
        page = SPEC.page(queryset, {**(params or {}), "cursor": page.next_cursor})
        pages.append([row.pk for row in page])
    return pages


def test_following_next_visits_every_row_once_in_order(rows):
    queryset = Worker.objects.all()
    pages = _walk(queryset)
    flat = [pk for page in pages for pk in page]
    expected = list(queryset.order_by("name_pinyin", "pk").values_list("pk", flat=True))
    assert flat == expected and [len(page) for page in pages] == [5, 5, 4]


def test_a_descending_sort_breaks_ties_by_the_key_descending(rows):
    queryset = Worker.objects.all()
    flat = [pk for page in _walk(queryset, {"sort": "newest"}) for pk in page]
    expected = list(queryset.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert flat == expected


def test_rows_inserted_between_two_loads_neither_shift_nor_repeat_a_page(rows, org):
    queryset = Worker.objects.all()
    first = SPEC.page(queryset, {})
    shown = [row.pk for row in first]
    # Rows sorting before, at and after the boundary arrive between the two loads.
    boundary = first.rows[-1].name_pinyin
    _workers(org, [("新甲", "a"), ("新乙", boundary), ("新丙", "zz")])
    second = SPEC.page(queryset, {"cursor": first.next_cursor})
    ordered = list(queryset.order_by("name_pinyin", "pk"))
    after_last = [w.pk for w in ordered[ordered.index(first.rows[-1]) + 1 :]]
    assert [row.pk for row in second] == after_last[:5]
    assert not set(shown) & {row.pk for row in second}


def test_previous_comes_back_to_the_same_rows(rows):
    queryset = Worker.objects.all()
    first = SPEC.page(queryset, {})
    second = SPEC.page(queryset, {"cursor": first.next_cursor})
    third = SPEC.page(queryset, {"cursor": second.next_cursor})
    back = SPEC.page(queryset, {"cursor": third.previous_cursor})
    again = SPEC.page(queryset, {"cursor": back.previous_cursor})
    assert [r.pk for r in back] == [r.pk for r in second] and back.number == 2
    assert [r.pk for r in again] == [r.pk for r in first] and again.number == 1
    assert again.previous_cursor is None and again.next_cursor
    assert third.number == 3 and third.next_cursor is None


def test_a_bad_cursor_is_a_clear_message_never_an_error(rows):
    queryset = Worker.objects.all()
    good = SPEC.page(queryset, {}).next_cursor
    forged = signing.dumps({"s": "pinyin", "k": ["x", "not-a-number"], "w": "n", "n": 2},
                           salt="nuanjia.core.lists:test.workers")  # fmt: skip
    foreign = signing.dumps({"s": "pinyin", "k": ["x", 1], "w": "n", "n": 2}, salt="other")
    for cursor in ("garbage", good[:-3] + "abc", forged, foreign, "x" * 5000):
        with pytest.raises(BadCursor) as caught:
            SPEC.seek(queryset, {"cursor": cursor})
        assert caught.value.field == "cursor" and caught.value.message
        page = SPEC.page(queryset, {"cursor": cursor, "q": "张"})
        assert page.error and page.number == 1 and len(page) == 5 and page.query == "q=%E5%BC%A0"


def test_a_cursor_keeps_its_sort_and_links_keep_the_filters(rows):
    queryset = Worker.objects.all()
    params = QueryDict("q=%E5%BC%A0&sort=name_desc&page=1")
    page = SPEC.page(queryset, params)
    assert page.sort == "name_desc" and page.query == "q=%E5%BC%A0&sort=name_desc"
    assert page.next_url.startswith("?q=%E5%BC%A0&sort=name_desc&cursor=")
    following = SPEC.page(queryset, {"cursor": page.next_cursor, "sort": "pinyin"})
    assert following.sort == "name_desc"
    assert SPEC.page(queryset, {"sort": "'; drop table"}).sort == "pinyin"


def test_page_numbers_only_while_shallow(rows):
    queryset = Worker.objects.all()
    second = SPEC.page(queryset, {"page": "2"})
    assert second.number == 2 and len(second) == 5 and second.previous_cursor
    assert [r.pk for r in SPEC.page(queryset, {"cursor": second.previous_cursor})] == [
        r.pk for r in SPEC.page(queryset, {})
    ]
    deep = str(lists.MAX_OFFSET // 5 + 2)
    for page in ("0", "abc", deep):
        with pytest.raises(BadCursor):
            SPEC.seek(queryset, {"page": page})
    assert SPEC.page(queryset, {"page": deep}).error


def test_counts_are_exact_below_the_threshold_and_labelled_above(rows, org):
    queryset = Worker.objects.all()
    assert count_rows(queryset.filter(name_pinyin="p00"), 12) == lists.RowCount(3, "exact")
    above = count_rows(queryset, 12)
    if connection.vendor == "postgresql":
        assert above.kind in {"estimate", "at_least"} and above.value >= 12
    else:
        assert above == lists.RowCount(12, "at_least")
    assert count_rows(queryset, 100) == lists.RowCount(14, "exact")


def test_the_count_is_capped_by_a_limited_subquery(rows):
    with CaptureQueriesContext(connection) as captured:
        count_rows(Worker.objects.all(), 12)
    assert "LIMIT 13" in captured.captured_queries[0]["sql"]


def test_nullable_sort_fields_are_refused():
    spec = ListSpec("test.bad", {"born": Sort(("birth_date",))})
    with pytest.raises(ImproperlyConfigured):
        spec.keys(Worker, "born")


def test_the_export_gets_the_same_order(rows):
    ordered = SPEC.ordered(Worker.objects.all(), "newest")
    assert ordered.query.order_by == ("-created_at", "-pk")


def _either(queryset):
    """Two overlapping conditions (p02 meets both): the list reads them as two branches."""
    return lists.branched(queryset, Q(name_pinyin__lt="p03"), Q(name_pinyin__gt="p01"))


def test_a_branched_list_shows_each_row_once_in_the_same_order(rows):
    plain = Worker.objects.filter(Q(name_pinyin__lt="p03") | Q(name_pinyin__gt="p01"))
    either = _either(Worker.objects.all())
    assert set(either) == set(plain)  # the OR applies as for any queryset
    for sort in SPEC.sorts:
        expected = [row.pk for row in SPEC.ordered(plain, sort)]
        pages = _walk(either, {"sort": sort})
        assert [pk for page in pages for pk in page] == expected
        assert [row.pk for row in SPEC.ordered(either, sort)] == expected  # the export
        back = SPEC.page(either, {"sort": sort, "cursor": _second_page(either, sort)})
        assert [row.pk for row in back] == expected[:5]
    assert [row.pk for row in SPEC.page(either, {"page": 2})] == [
        row.pk for row in SPEC.ordered(plain)[5:10]
    ]


def _second_page(queryset, sort):
    first = SPEC.page(queryset, {"sort": sort})
    return SPEC.page(queryset, {"cursor": first.next_cursor}).previous_cursor


def test_a_branched_list_keeps_its_filters_and_counts_a_shared_row_once(rows, org):
    either = _either(Worker.objects.all()).filter(name_pinyin__gte="p01")
    assert count_rows(either, 100) == lists.RowCount(11, "exact")  # p02 counted once
    assert count_rows(_either(Worker.objects.all()), 100) == lists.RowCount(14, "exact")
    above = count_rows(_either(Worker.objects.all()), 12)
    assert above.kind != "exact" and above.value >= 12
    with CaptureQueriesContext(connection) as captured:
        count_rows(_either(Worker.objects.all()), 12)
    sql = captured.captured_queries[0]["sql"]
    assert sql.count("LIMIT 13") == 2 and " UNION " in sql


def test_rows_inserted_between_two_loads_of_a_branched_list_neither_shift_nor_repeat(rows, org):
    either = _either(Worker.objects.all())
    first = SPEC.page(either, {})
    _workers(org, [("新职工", "p00"), ("新职工", "p02"), ("新职工", "p04")])
    shown = [row.pk for row in first]
    cursor = first.next_cursor
    while cursor:
        page = SPEC.page(either, {"cursor": cursor})
        shown.extend(row.pk for row in page)
        cursor = page.next_cursor
    assert len(shown) == len(set(shown))
    assert {row.pk for row in rows} <= set(shown)
