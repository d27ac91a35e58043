"""What the psychological-help services share: who may manage a line, datetimes in and out."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for

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


def aware(value: datetime.datetime | str | None, field: str) -> datetime.datetime:
    """A datetime from a form or a body (ISO text), local time when it names no zone."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.datetime):
        raise RuleViolation(
            _("Enter a date and time such as 2026-05-10 08:00."), field=field, code="datetime"
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
