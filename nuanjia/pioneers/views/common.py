"""What the pioneers pages share: the workers and employers a union may pick from."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nuanjia.orgs.models import Org
from nuanjia.people.models import Employer, Worker
from nuanjia.people.queries import visible_workers

CHOICES = 300  # at most this many workers or employers offered in a form


def workers_of(user: Any, org: Org) -> list[Worker]:
    rows = visible_workers(user).filter(org__path__startswith=org.path)
    return list(rows.order_by("name", "pk")[:CHOICES])


def employers_of(org: Org) -> QuerySet[Employer]:
    return Employer.objects.filter(union__path__startswith=org.path).order_by("name", "pk")[
        :CHOICES
    ]


def pick(rows: Any, value: Any) -> Any:
    """The row of `rows` whose id the form chose (None for none)."""
    return next((row for row in rows if str(row.pk) == str(value or "")), None)
