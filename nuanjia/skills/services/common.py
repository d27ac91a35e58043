"""What the skills services share: who may manage a union's courses, contests and academies,
whether a registry worker is within a union's reach, days and numbers from forms or bodies."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for
from nuanjia.people.models import Worker

from ..rules import MANAGER_ROLES


def may_manage(by: Actor | None, org: Org) -> bool:
    return acts_for(by, org, MANAGER_ROLES)


def require_manager(by: Actor | None, org: Org) -> None:
    if not may_manage(by, org):
        raise RuleViolation(
            _("Only a caseworker or approver of this union or a union above may do this."),
            field="org",
            code="forbidden",
        )


def require_worker_of(org: Org, worker: Worker, field: str = "worker") -> None:
    """The worker is kept by the union or a union below it, or is a member there."""
    paths = [getattr(worker.org, "path", "?")]
    if worker.union_id is not None and worker.union is not None:
        paths.append(worker.union.path)
    if worker.merged_into_id is not None or not any(p.startswith(org.path) for p in paths):
        raise RuleViolation(
            _("No member of this union has this ID number in the registry."), field=field
        )


def day(value: Any, field: str, *, required: bool = True) -> datetime.date | None:
    """A date from a form (a date) or a body (ISO text)."""
    if isinstance(value, str) and value.strip():
        try:
            value = datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            value = None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    if value in (None, "") and not required:
        return None
    raise RuleViolation(_("Enter a date such as 2026-01-01."), field=field, code="date")


def on(value: Any, field: str) -> datetime.date:
    """A required date (see `day`)."""
    found = day(value, field)
    assert found is not None
    return found


def whole(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise RuleViolation(
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
            field=field,
        )
    return number


def score(value: Any, field: str = "score", high: int = 1000) -> Decimal | None:
    """A score of 0 to `high` with at most one decimal place; empty is no score."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        number = Decimal(-1)
    if not Decimal(0) <= number <= Decimal(high):
        raise RuleViolation(
            _("Enter a score from 0 to %(high)d.") % {"high": high}, field=field, code="score"
        )
    return number


def worker_named(org: Org, id_number: str, name: str, field: str = "id_number") -> Worker:
    """The registry worker of this ID number within the union's reach, named as typed."""
    from nuanjia.people.queries import find_worker_by_id_number

    worker = find_worker_by_id_number(id_number or "")
    if worker is None:
        raise RuleViolation(
            _("No member of this union has this ID number in the registry."), field=field
        )
    require_worker_of(org, worker, field)
    if " ".join((name or "").split()) != worker.name:
        raise RuleViolation(
            _("The registry knows this ID number under another name."), field="name"
        )
    return worker
