"""Job posts (招工信息): entered by the corner's staff or by the employer's partner account.

The pay is held against the minimum wage in force for the post's region on its first day
(standards.queries.in_force over the dated MinimumWage table): an hourly pay against the
monthly amount ÷ 174 hours, a day's pay against that × 8 (rules.floor_for_unit, ADR 0027).
A region with no minimum wage on record is refused too: nothing is posted unchecked."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.core.text import one_line, text_block
from nuanjia.orgs.permissions import staff_of
from nuanjia.standards.models import MinimumWage
from nuanjia.standards.queries import in_force
from nuanjia.stations.rules import cell_of

from ..models import Corner, JobPost
from ..rules import MAX_PAY_FEN, MAX_WANTED, PayUnit, PostStatus, floor_for_unit, hourly_floor_fen
from .common import day, place, region, require_manager, whole

MAX_DAYS = 366


def check_pay(pay_fen: int, unit: str, region_code: str, on: datetime.date) -> None:
    """Refuse a pay below the region's minimum on the day, naming the field (`pay_fen`)."""
    wage = in_force(MinimumWage, region_code, on)
    if wage is None:
        raise RuleViolation(
            _("No minimum wage is on record for region %(region)s on %(day)s: the pay cannot "
              "be checked. Ask the province or city union to enter it.")
            % {"region": region_code, "day": on.isoformat()},
            field="pay_fen", code="no_minimum_wage",
        )  # fmt: skip
    floor = floor_for_unit(wage.monthly_fen, unit)
    if pay_fen >= floor:
        return
    values = {
        "pay": format_yuan(pay_fen), "floor": format_yuan(floor),
        "hourly": format_yuan(hourly_floor_fen(wage.monthly_fen)),
        "monthly": format_yuan(wage.monthly_fen),
    }  # fmt: skip
    if unit == PayUnit.DAY:
        message = _(
            "Pay per day: %(pay)s yuan is below the region's minimum of %(floor)s yuan a day "
            "(the hourly minimum %(hourly)s yuan × 8 hours; monthly minimum wage %(monthly)s "
            "yuan ÷ 174 hours)."
        )
    else:
        message = _(
            "Pay per hour: %(pay)s yuan is below the region's hourly minimum of %(floor)s yuan "
            "(monthly minimum wage %(monthly)s yuan ÷ 174 hours)."
        )
    raise RuleViolation(message % values, field="pay_fen", code="below_minimum_wage")


def _clean(corner: Corner, values: dict[str, Any]) -> dict[str, Any]:
    unit = values.get("pay_unit")
    if unit not in PayUnit.values:
        raise RuleViolation(_("Choose pay per day or per hour."), field="pay_unit")
    pay_fen = whole(values.get("pay_fen"), "pay_fen", 1, MAX_PAY_FEN, _("Enter the pay."))
    starts_on, ends_on = (
        day(values.get("starts_on"), "starts_on"),
        day(values.get("ends_on"), "ends_on"),
    )
    if ends_on < starts_on:
        raise RuleViolation(_("The last day comes on or after the first."), field="ends_on")
    if (ends_on - starts_on).days > MAX_DAYS:
        raise RuleViolation(_("A post lasts at most a year."), field="ends_on")
    code = region(values.get("region_code") or corner.region_code)
    check_pay(pay_fen, unit, code, starts_on)
    lat, lng = place(values.get("lat", corner.lat), values.get("lng", corner.lng))
    return {
        "employer_name": one_line(values.get("employer_name"), "employer_name", 100,
                                  required_message=_("Enter the employer.")),
        "work": one_line(values.get("work"), "work", 100, required_message=_("Enter the work.")),
        "description": text_block(values.get("description", ""), "description", 500),
        "pay_unit": unit, "pay_fen": pay_fen, "region_code": code,
        "address": one_line(values.get("address") or corner.address, "address", 200),
        "lat": lat, "lng": lng, "cell": cell_of(lat, lng),
        "starts_on": starts_on, "ends_on": ends_on,
        "workers_wanted": whole(values.get("workers_wanted"), "workers_wanted", 1, MAX_WANTED,
                                _("Enter how many workers are wanted (1 to 500).")),
        "contact_name": one_line(values.get("contact_name"), "contact_name", 50,
                                 required_message=_("Enter the contact's name.")),
    }  # fmt: skip


def _partner_reaches(partner: Any, corner: Corner) -> bool:
    """An employer posts at the corners of its union's subtree or above it in its line."""
    mine, theirs = partner.org.path, corner.org.path
    return bool(theirs.startswith(mine) or mine.startswith(theirs))


@transaction.atomic
def create_post(
    corner: Corner, *, by: Actor | None = None, partner: Any = None, contact_phone: str = "",
    **values: Any,
) -> JobPost:  # fmt: skip
    """A post by the corner's staff (`by`) or by an employer's account (`partner`, a
    members.Partner of kind employer kept by the corner's union or a union above it)."""
    if partner is None:
        require_manager(by, corner.org)
    elif not _partner_reaches(partner, corner) or not partner.is_active:
        raise RuleViolation(_("Choose a corner of your union."), field="corner")
    if not corner.is_active:
        raise RuleViolation(_("This corner is closed."), field="corner")
    data = _clean(corner, values)
    post = JobPost(corner=corner, org=corner.org, partner=partner, created_by=staff_of(by), **data)
    post.contact_phone = one_line(contact_phone, "contact_phone", 20,
                                  required_message=_("Enter the contact's phone."))  # fmt: skip
    post.save()
    label = f"partner {partner.pk}" if partner is not None else ""
    record_event(post, "gigjobs.post_created", by=by, actor_label=label, changes={
        **{k: str(v) if isinstance(v, datetime.date) else v for k, v in data.items()
           if k != "cell"}, "corner": corner.pk,
        "contact_phone": post.phone_masked,
    })  # fmt: skip
    return post


@transaction.atomic
def close_post(post: JobPost, *, by: Actor | None = None, partner: Any = None) -> JobPost:
    if partner is None:
        require_manager(by, post.org)
    elif post.partner_id != partner.pk:
        raise RuleViolation(_("This is not your post."), field="post")
    if post.status == PostStatus.CLOSED:
        raise RuleViolation(_("This post is closed."), field="post")
    post.status = PostStatus.CLOSED
    post.save(update_fields=["status", "updated_at"])
    record_event(post, "gigjobs.post_closed", by=by,
                 actor_label=f"partner {partner.pk}" if partner is not None else "")  # fmt: skip
    return post
