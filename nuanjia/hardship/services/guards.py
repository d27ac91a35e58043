"""Guards the hardship services share beyond the workflow's steps: roles, today, rule messages."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import deny, in_scope, roles_of

from ..models import HardshipFile


def authorize_roles(user: Actor | None, roles: frozenset[str], name: str, where: str = "") -> None:
    """For pages and the API, before an action that is not a workflow step (an objection, a
    change, a standard): refuse (403) and keep the audit record of the refusal."""
    if not (roles_of(user) & roles):
        deny(user, f"hardship.{name}", where)


def _require_role(by: Actor, roles: frozenset[str]) -> None:
    if not (roles_of(by) & roles):
        raise PermissionDenied


def _require_on_file(by: Actor, roles: frozenset[str], hardship_file: HardshipFile) -> None:
    """One of `roles`, and the file in the actor's subtree."""
    if not (roles_of(by) & roles) or not in_scope(by, hardship_file.org):
        raise PermissionDenied


def _today() -> datetime.date:
    return clock.today()


def _integrity_violation(error: IntegrityError) -> RuleViolation:
    if "one_live_file" in str(error) or "UNIQUE" in str(error).upper():
        return RuleViolation(
            _("This family already has a hardship file."), field="household", code="duplicate_file"
        )
    return RuleViolation(
        _("The file would break a rule of the archive: %(error)s") % {"error": error},
        code="integrity",
    )


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, field=field)
    return value


def _explained_category(category: str, proposed: str, note: str) -> str:
    """A category other than the rules' proposal needs the reason in the note."""
    if category != proposed and not note:
        raise RuleViolation(
            _("Explain in the note why the category differs from the proposal."), field="note"
        )
    return category


def _positive_standard(monthly_standard_fen: int) -> int:
    if monthly_standard_fen <= 0:
        raise RuleViolation(_("Enter the monthly standard."), field="monthly_standard_fen")
    return monthly_standard_fen
