"""Shared by the ticket services: field limits, the role check of actions that are not
lifecycle steps, cleaning what callers and agents type, and the deadlines of a ticket."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.phones import normalize_phone, validate_phone
from nuanjia.core.workflow import access
from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.permissions import staff_of

from .. import deadlines, rules
from ..models import Ticket
from ..rules import Kind

NAME_MAX = 50
EMPLOYER_MAX = 120
NOTE_MAX = 2000

# ---- Guards -------------------------------------------------------------------------------


def _may(by: Actor | None, roles: frozenset[str], org: Org | None = None) -> bool:
    """Whether `by` holds one of `roles` and, when given, has `org` in scope: the check of
    the actions that are not lifecycle steps (notes, files, advance relief)."""
    hooks = access()
    return bool(hooks.roles_of(by) & roles) and (org is None or hooks.in_scope(by, org))


def authorize_roles(user: Actor | None, roles: frozenset[str], name: str, where: str = "") -> None:
    if not _may(user, roles):
        access().deny(user, f"hotline.{name}", where)


def _signed_in(by: Actor | None) -> Staff | None:
    return staff_of(by) if by is not None and by.is_authenticated else None


def _text(value: object, field: str, *, required: bool, limit: int, message: str) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise RuleViolation(message, field=field)
    if len(text) > limit:
        raise RuleViolation(
            _("%(field)s is too long: at most %(limit)d characters.")
            % {"field": _field_label(field), "limit": limit},
            field=field,
        )
    return text


def _field_label(field: str) -> str:
    return {
        "description": _("Description"),
        "caller_name": _("Caller"),
        "employer_name": _("Employer"),
        "reason": _("Reason"),
        "answer": _("Answer"),
        "comment": _("Comment"),
        "note": _("Note"),
        "cause": _("Cause"),
    }.get(field, field)


def _save(ticket: Ticket, *fields: str) -> None:
    ticket.save(update_fields=[*fields, "updated_at"])


def normalized_phone(raw: str) -> str:
    return normalize_phone(raw)


# ---- Validation of what callers and agents type -------------------------------------------


@dataclass(frozen=True)
class Request:
    """A request as typed, cleaned: what both intake paths store."""

    caller_name: str
    phone: str
    region_code: str
    employer_name: str
    kind: str
    description: str


def clean_request(
    *,
    caller_name: str,
    phone: str,
    region_code: str,
    employer_name: str = "",
    kind: str,
    description: str,
    allow_landline: bool = False,
) -> Request:
    try:
        number = validate_phone(phone, allow_landline=allow_landline)
    except ValidationError as error:
        raise RuleViolation(
            _("Phone: %(message)s") % {"message": error.messages[0]}, field="phone"
        ) from None
    region_code = str(region_code or "").strip()
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise RuleViolation(_("Choose the place (city or county)."), field="region_code")
    if kind not in Kind.values:
        raise RuleViolation(_("Choose what the request is about."), field="kind")
    return Request(
        caller_name=_text(caller_name, "caller_name", required=False, limit=NAME_MAX, message=""),
        phone=number,
        region_code=region_code,
        employer_name=_text(
            employer_name, "employer_name", required=False, limit=EMPLOYER_MAX, message=""
        ),
        kind=kind,
        description=_text(
            description,
            "description",
            required=True,
            limit=rules.DESCRIPTION_MAX,
            message=_("Describe the request."),
        ),
    )


def _apply_deadlines(ticket: Ticket) -> None:
    values = deadlines.deadlines_for(ticket.kind, ticket.ticket_class, is_urgent=ticket.is_urgent)
    ticket.first_contact_due_at = deadlines.first_contact_due(
        ticket.received_at, values.first_contact_hours
    )
    due = deadlines.days_due(ticket.received_at, values.resolution_days)
    if ticket.paused_minutes:
        due = deadlines.extend(due, ticket.paused_minutes)
    ticket.resolution_due_at = due
