"""What the health-check tests share: places passed down to a union, workers on an approved
list of the activity, a worker with a phone (and a member account), a booking's day."""

from __future__ import annotations

import datetime
from typing import Any

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Roster
from nuanjia.members.models import Member
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

from .conftest import make_worker

# The day of the tests' frozen clock (conftest `frozen_clock`), in Asia/Shanghai.
TODAY = datetime.date(2026, 3, 2)
TOMORROW = TODAY + datetime.timedelta(days=1)


def places_down_to(activity, planner, org: Org, places: int, *, total: int | None = None) -> None:
    """Give the activity `total` places at the top and pass `places` down to `org` through
    every union between (direct children only, as allocating requires)."""
    services.set_places(activity, total or places, by=planner)
    chain: list[Org] = []
    at: Org | None = org
    while at is not None and at.pk != activity.org_id:
        chain.append(at)
        at = at.parent
    parent = activity.org
    for child in reversed(chain):
        services.allocate_places(activity, parent, child, places, by=planner)
        parent = child


def enrolled(activity, workers, *, caseworker, approver, org: Org | None = None) -> Roster:
    """The workers on an approved list of `org` (the caseworker's union by default)."""
    org = org or caseworker.org
    for worker in workers:
        services.add_by_hand(activity, org, worker, by=caseworker, reason="体检名单")
    roster = Roster.objects.get(activity=activity, org=org, status="draft")
    services.submit_roster(roster, by=caseworker)
    return services.approve_roster(Roster.objects.get(pk=roster.pk), by=approver)


def worker_with_phone(org_code: str, phone: str, *, name: str | None = None):
    worker = make_worker(org_code, name=name)
    worker.phone = phone
    worker.save()
    return worker


def with_account(worker, phone: str) -> Member:
    """A member account on `phone` bound to the worker (as the union's binding would)."""
    from nuanjia.members.tests.conftest import member_client

    account: Any = member_client(phone)[1]
    Member.objects.filter(pk=account.pk).update(worker=worker, bound_via="phone")
    return Member.objects.get(pk=account.pk)


def set_id_last4(worker, last4: str):
    Worker.objects.filter(pk=worker.pk).update(id_last4=last4)
    worker.id_last4 = last4
    return worker
