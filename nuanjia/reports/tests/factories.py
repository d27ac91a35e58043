"""Rows for the reports' tests, written straight to the tables (the measures read rows
whatever wrote them): paid grants, allocations, small union trees of their own."""

from __future__ import annotations

import datetime
import itertools

from nuanjia.funds.models import Earmark, Transaction
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker
from nuanjia.relief.models import Grant, GrantType
from nuanjia.relief.rules import Status
from nuanjia.relief.tests.conftest import make_worker

_trees = itertools.count(1)


def make_tree(parents: list[int | None]) -> list[Org]:
    """A tree of its own: org i's parent is org parents[i] (None for the root, index 0)."""
    n = next(_trees)
    orgs: list[Org] = []
    for index, parent in enumerate(parents):
        orgs.append(
            Org.objects.create(
                code=f"T{n}-{index}",
                name=f"测试工会{n}-{index}",
                kind=Org.Kind.COUNTY if parent is None else Org.Kind.ENTERPRISE,
                parent=orgs[parent] if parent is not None else None,
                region_code="410108",
            )
        )
    return orgs


def workers(org: Org, count: int) -> list[Worker]:
    return [make_worker(org.code) for _ in range(count)]


def paid_grant(worker: Worker, org: Org, day: datetime.date, amount_fen: int, **extra) -> Grant:
    grant_type = extra.pop("grant_type", None) or GrantType.objects.order_by("pk").first()
    assert grant_type is not None
    return Grant.objects.create(
        worker=worker,
        grant_type=grant_type,
        earmark=extra.pop("earmark", None) or Earmark.objects.get(code="hardship"),
        org=org,
        region_code=org.region_code,
        amount_fen=amount_fen,
        reason="测试",
        status=extra.pop("status", Status.PAID),
        year=day.year,
        proposed_on=day,
        paid_on=day,
        **extra,
    )


def allocation(
    giver: Org, receiver: Org, day: datetime.date, amount_fen: int, earmark: str = "hardship"
) -> Transaction:
    return Transaction.objects.create(
        kind=Transaction.Kind.ALLOCATE,
        org=giver,
        counterpart_org=receiver,
        earmark=Earmark.objects.get(code=earmark),
        amount_fen=amount_fen,
        posted_on=day,
    )
