"""Objections and the review due list on the list helper (issue 25): a fixed query budget
per page, and pages that stay put when rows arrive between two loads."""

import datetime

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import page_queries, stable_under_inserts
from nuanjia.hardship import services
from nuanjia.hardship.models import HardshipFile, Objection
from nuanjia.hardship.rules import Category, Status
from nuanjia.hardship.tests.conftest import build_household

pytestmark = pytest.mark.django_db


def _files(caseworker, count: int) -> list[HardshipFile]:
    return [
        services.open_file(build_household(phone=f"1390000{n:04d}"), by=caseworker, note="困难")
        for n in range(count)
    ]


def add_objections(caseworker, count: int, received_on: datetime.date) -> None:
    Objection.objects.bulk_create(
        [
            Objection(file=file, received_on=received_on, content="收入不实", source="匿名来电")
            for file in _files(caseworker, count)
        ]
    )


def add_due_files(caseworker, count: int, due: datetime.date) -> None:
    pks = [file.pk for file in _files(caseworker, count)]
    HardshipFile.objects.filter(pk__in=pks).update(
        status=Status.FILED, next_review_on=due, filed_on=due, category=Category.DEEP
    )


def _year(day: int) -> datetime.date:
    return datetime.date(datetime.date.today().year, 6, day)


def test_the_objection_and_review_lists_have_a_fixed_query_budget(
    standards, caseworker, login, django_assert_num_queries
):
    add_objections(caseworker, 3, _year(10))
    add_due_files(caseworker, 3, _year(10))
    client = login(caseworker)
    # session, user, roles, the page, its count; the session's save (3)
    url = reverse("hardship:objections")
    page_queries(client, url, {"page_size": 2}, 8, django_assert_num_queries)
    # … and the policy, the recent runs
    url = reverse("hardship:reviews")
    page_queries(client, url, {"page_size": 2}, 10, django_assert_num_queries)


def test_the_objection_pages_stay_put_when_objections_arrive(standards, caseworker, login):
    add_objections(caseworker, 5, _year(10))
    client = login(caseworker)

    def arrive():
        add_objections(caseworker, 2, _year(1))  # before the first page
        add_objections(caseworker, 2, _year(20))  # after it

    shown = stable_under_inserts(client, reverse("hardship:objections"), {"page_size": 2}, arrive)
    assert len(shown) == 7


def test_the_review_pages_stay_put_when_files_fall_due(standards, caseworker, login):
    add_due_files(caseworker, 5, _year(10))
    client = login(caseworker)

    def arrive():
        add_due_files(caseworker, 2, _year(1))
        add_due_files(caseworker, 2, _year(20))

    shown = stable_under_inserts(client, reverse("hardship:reviews"), {"page_size": 2}, arrive)
    assert len(shown) == 7
