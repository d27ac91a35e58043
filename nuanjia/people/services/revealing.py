"""Revealing a worker's clear ID or bank number, audited with the reason given."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import (
    decrypt,
)
from nuanjia.core.errors import RuleViolation

from ..models import (
    Worker,
)
from .cleaning import _text
from .guards import may_reveal


def _reveal(worker: Worker, field: str, token: str, *, reason: str, by: Actor) -> str:
    if not may_reveal(by, worker):
        raise PermissionDenied
    reason = _text(
        reason, "reason", 200, required_message=_("Say why you need to see the full number.")
    )
    if len(reason) < 2:
        raise RuleViolation(_("Say why you need to see the full number."), field="reason")
    if not token:
        raise RuleViolation(_("No number is recorded."), field="field")
    record_event(
        worker, "personal_data.revealed", by=by, changes={"field": field, "reason": reason}
    )
    return decrypt(token)


@transaction.atomic
def reveal_id_number(worker: Worker, *, reason: str, by: Actor) -> str:
    """The clear ID number, for a user with the reveal permission over the worker's union.

    A reason is required and the reveal is audited (`personal_data.revealed`, with the reason).
    """
    return _reveal(worker, "id_number", worker.id_number_encrypted, reason=reason, by=by)


@transaction.atomic
def reveal_bank_account(worker: Worker, *, reason: str, by: Actor) -> str:
    """The clear bank account number; same rule as reveal_id_number."""
    return _reveal(worker, "bank_account", worker.bank_account_encrypted, reason=reason, by=by)
