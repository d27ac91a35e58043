"""Help lines, their counsellors and volunteers (the register), qualifications, and the
volunteers' sign-in as people of the line's partner (members' partner accounts)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.phones import is_mobile, normalize_phone
from nuanjia.core.text import one_line
from nuanjia.members.models import Partner, PartnerUser
from nuanjia.members.services import partners
from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.permissions import staff_of

from ..models import Helper, Line, Qualification
from ..rules import HelperKind
from .common import require_manager


def _hours(value: Any, field: str, low: int, high: int) -> int:
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


@transaction.atomic
def create_line(
    org: Org, *, name: str, by: Actor, phone: str = "", min_on_duty: Any = 1,
    follow_up_hours: Any = 24, supervisor: Staff | None = None,
) -> Line:  # fmt: skip
    require_manager(by, org)
    clean = one_line(name, "name", 100, required_message=_("Enter the line's name."))
    if Line.objects.filter(org=org, name=clean).exists():
        raise RuleViolation(_("This union already has a line of this name."), field="name")
    line = Line.objects.create(
        org=org, name=clean, phone=one_line(phone, "phone", 20),
        min_on_duty=_hours(min_on_duty, "min_on_duty", 1, 50),
        follow_up_hours=_hours(follow_up_hours, "follow_up_hours", 1, 168),
        supervisor=_supervisor(supervisor, org),
    )  # fmt: skip
    record_event(line, "counselling.line_created", by=by, changes={
        "name": clean, "min_on_duty": line.min_on_duty, "follow_up_hours": line.follow_up_hours,
        "supervisor": line.supervisor_id,
    })  # fmt: skip
    return line


def _supervisor(supervisor: Staff | None, org: Org) -> Staff | None:
    if supervisor is not None and not org.path.startswith(getattr(supervisor.org, "path", "?")):
        raise RuleViolation(
            _("The supervisor works for this union or a union above it."), field="supervisor"
        )
    return supervisor


@transaction.atomic
def change_line(
    line: Line, *, by: Actor, min_on_duty: Any, follow_up_hours: Any,
    supervisor: Staff | None, is_active: bool = True,
) -> Line:  # fmt: skip
    require_manager(by, line.org)
    before = {
        "min_on_duty": line.min_on_duty, "follow_up_hours": line.follow_up_hours,
        "supervisor": line.supervisor_id, "is_active": line.is_active,
    }  # fmt: skip
    line.min_on_duty = _hours(min_on_duty, "min_on_duty", 1, 50)
    line.follow_up_hours = _hours(follow_up_hours, "follow_up_hours", 1, 168)
    line.supervisor = _supervisor(supervisor, line.org)
    line.is_active = bool(is_active)
    line.save()
    after = {
        "min_on_duty": line.min_on_duty, "follow_up_hours": line.follow_up_hours,
        "supervisor": line.supervisor_id, "is_active": line.is_active,
    }  # fmt: skip
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    record_event(line, "counselling.line_changed", by=by, changes=changes)
    return line


@transaction.atomic
def add_helper(
    line: Line, *, kind: str, name: str, by: Actor, phone: str = "",
    staff: Staff | None = None,
) -> Helper:  # fmt: skip
    require_manager(by, line.org)
    if kind not in HelperKind.values:
        raise RuleViolation(_("Choose counsellor or volunteer."), field="kind")
    clean = one_line(name, "name", 50, required_message=_("Enter the person's name."))
    helper = Helper(line=line, org=line.org, kind=kind, name=clean, created_by=staff_of(by))
    number = normalize_phone(phone or "")
    if phone and not is_mobile(number):
        raise RuleViolation(
            _(
                "The mobile number must have 11 digits and start with 13 to 19 (for example 13812345678)."
            ),
            field="phone",
        )
    if number:
        helper.phone = number
    if staff is not None:
        staff_path = getattr(staff.org, "path", "?")
        if not (line.org.path.startswith(staff_path) or staff_path.startswith(line.org.path)):
            raise RuleViolation(_("This staff account is of another union."), field="staff")
        helper.staff = staff
    helper.save()
    record_event(helper, "counselling.helper_added", by=by, changes={
        "line": line.pk, "kind": kind, "name": clean, "staff": helper.staff_id,
    })  # fmt: skip
    return helper


def _line_partner(line: Line, by: Actor) -> Partner:
    if line.partner_id is None:
        line.partner = partners.register_partner(
            org=line.org, name=f"{line.name}志愿者"[:100], kind=Partner.Kind.VOLUNTEERS, by=by
        )
        line.save(update_fields=["partner", "updated_at"])
    assert line.partner is not None
    return line.partner


@transaction.atomic
def open_account(helper: Helper, *, by: Actor) -> PartnerUser:
    """Let a volunteer sign in on /p/ by their phone and texted code, as a person of the line's
    volunteer team (a members.Partner of the kind 志愿者队伍)."""
    require_manager(by, helper.org)
    if helper.account_id is not None:
        raise RuleViolation(_("This person can already sign in."), field="phone")
    if not helper.phone_masked:
        raise RuleViolation(_("Enter the person's mobile phone first."), field="phone")
    partner = _line_partner(helper.line, by)
    account = partners.add_partner_user(partner, name=helper.name, phone=helper.phone, by=by)
    helper.account = account
    helper.save(update_fields=["account", "updated_at"])
    record_event(helper, "counselling.account_opened", by=by, changes={"account": account.pk})
    return account


@transaction.atomic
def add_qualification(
    helper: Helper, *, kind: str, number: str, issuer: str, by: Actor,
    valid_until: datetime.date | None = None,
) -> Qualification:  # fmt: skip
    require_manager(by, helper.org)
    row = Qualification(
        helper=helper,
        kind=one_line(kind, "kind", 50, required_message=_("Enter the qualification.")),
        number=one_line(number, "number", 50, required_message=_("Enter the certificate number.")),
        issuer=one_line(issuer, "issuer", 100, required_message=_("Enter who issued it.")),
        valid_until=valid_until,
    )
    if Qualification.objects.filter(helper=helper, kind=row.kind, number=row.number).exists():
        raise RuleViolation(_("This certificate is recorded already."), field="number")
    row.save()
    record_event(helper, "counselling.qualification_added", by=by, org=helper.org, changes={
        "kind": row.kind, "number": row.number, "issuer": row.issuer,
        "valid_until": valid_until.isoformat() if valid_until else None,
    })  # fmt: skip
    return row
