"""Transfers and possible duplicates on the list helper (issue 25): a fixed query budget per
page and API operation, and pages that stay put when rows arrive between two loads."""

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import (
    api_queries,
    page_queries,
    stable_under_inserts,
)
from nuanjia.orgs.models import Org
from nuanjia.people.models import DuplicateCandidate, TransferRequest, Worker

pytestmark = pytest.mark.django_db

_numbers = itertools.count()


def _workers(org, count: int) -> list[Worker]:
    return Worker.objects.bulk_create(
        [
            Worker(org=org, name=f"职工{n}", name_pinyin=f"zhigong{n}")
            for n in (next(_numbers) for _ in range(count))
        ]
    )


def add_transfers(caseworker, count: int) -> None:
    """Pending requests from 开封 for records 惠济区 keeps."""
    kaifeng = Org.objects.get(code="410200")
    TransferRequest.objects.bulk_create(
        [
            TransferRequest(
                worker=worker, from_org=caseworker.org, to_org=kaifeng,
                reason="现居开封", requested_by=caseworker,
            )
            for worker in _workers(caseworker.org, count)
        ]
    )  # fmt: skip


def add_duplicates(caseworker, count: int, score: str = "0.800") -> None:
    workers = _workers(caseworker.org, 2 * count)
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(worker=one, other=two, score=Decimal(score))
            for one, two in zip(workers[::2], workers[1::2], strict=True)
        ]
    )


def test_the_transfer_lists_have_a_fixed_query_budget(caseworker, login, django_assert_num_queries):
    add_transfers(caseworker, 5)
    client = login(caseworker)
    # session, user, roles, the page, its count, the "requested by us" table; the session's save (3)
    url = reverse("people:transfer_list")
    page_queries(client, url, {"page_size": 2}, 9, django_assert_num_queries)
    api = "/api/v1/people/transfers/"
    answer = api_queries(client, api, {"page_size": 2}, 8, django_assert_num_queries)
    assert answer["count"] == 5 and answer["count_kind"] == "exact"
    api_queries(client, api, {"page_size": 2, "status": "pending"}, 8, django_assert_num_queries)


def test_the_duplicate_queue_has_a_fixed_query_budget(caseworker, login, django_assert_num_queries):
    add_duplicates(caseworker, 5)
    client = login(caseworker)
    url = reverse("people:duplicate_list")
    # session, user, roles, the page, its count, the recently decided; the session's save (3)
    page_queries(client, url, {"page_size": 2}, 9, django_assert_num_queries)
    page_queries(client, url, {"page_size": 2, "sort": "newest"}, 9, django_assert_num_queries)


def test_the_transfer_pages_stay_put_when_requests_arrive(caseworker, login):
    add_transfers(caseworker, 5)
    client = login(caseworker)
    stable_under_inserts(
        client, reverse("people:transfer_list"), {"page_size": 2},
        lambda: add_transfers(caseworker, 3),
    )  # fmt: skip
    shown = stable_under_inserts(
        client, "/api/v1/people/transfers/", {"page_size": 2},
        lambda: add_transfers(caseworker, 3), api=True,
    )  # fmt: skip
    assert len(shown) == 8  # newest first: the 3 new ones sort before the first page


def test_the_duplicate_pages_stay_put_when_pairs_arrive(caseworker, login):
    add_duplicates(caseworker, 5)
    client = login(caseworker)

    def arrive():
        add_duplicates(caseworker, 2, score="0.990")  # before the first page
        add_duplicates(caseworker, 2, score="0.500")  # after it

    shown = stable_under_inserts(client, reverse("people:duplicate_list"), {"page_size": 2}, arrive)
    assert len(shown) == 7
