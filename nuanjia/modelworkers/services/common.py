"""What the model-worker services share: who may manage the registers, the honour a worker
must hold, amounts and days from forms and bodies."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for
from nuanjia.people.honour_models import FIRST_HONOUR_YEAR, Honour
from nuanjia.people.models import Worker

from ..rules import MANAGER_ROLES, REGISTER_KINDS


def may_manage(by: Actor | None, org: Org) -> bool:
    return acts_for(by, org, MANAGER_ROLES)


def require_manager(by: Actor | None, org: Org) -> None:
    if not may_manage(by, org):
        raise RuleViolation(
            _("Only a caseworker or approver of this union or a union above may do this."),
            field="org",
            code="forbidden",
        )


def honoured(worker: Worker, kinds: Any = REGISTER_KINDS) -> Honour:
    """The worker's latest honour of these kinds (劳模, 先进工作者), or a refusal."""
    honour = (
        Honour.objects.filter(worker=worker, kind__in=[str(k) for k in kinds])
        .order_by("-year", "-pk")
        .first()
    )
    if honour is None:
        raise RuleViolation(
            _("The worker holds no model-worker honour in the registry."), field="worker"
        )
    return honour


def fen(value: Any, field: str, *, positive: bool = False) -> int:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        amount = -1
    if amount < (1 if positive else 0) or amount > 10**12:
        raise RuleViolation(_("Enter an amount in yuan, not negative."), field=field)
    return amount


def day(value: Any, field: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        raise RuleViolation(_("Enter a date such as 2026-05-10."), field=field) from None


def maybe_day(value: Any, field: str) -> datetime.date | None:
    """A day, or None when nothing was given."""
    return None if value in (None, "") else day(value, field)


def year(value: Any, field: str = "year") -> int:
    text = str(value if value is not None else "").strip()
    this_year = datetime.date.today().year
    if not (text.isascii() and text.isdigit()) or not FIRST_HONOUR_YEAR <= int(text) <= this_year:
        raise RuleViolation(
            _("Enter the year the honour was awarded, from %(first)d to %(last)d.")
            % {"first": FIRST_HONOUR_YEAR, "last": this_year},
            field=field,
        )
    return int(text)
