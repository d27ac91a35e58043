"""Corners (零工客栈): set up and changed by a caseworker or approver of the union."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.stations.rules import parse_opening_hours

from ..models import Corner
from .common import place, region, require_manager

EDITABLE = ("name", "region_code", "address", "lat", "lng", "opening_hours", "services", "phone")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    lat, lng = place(values.get("lat"), values.get("lng"))
    hours = one_line(values.get("opening_hours", ""), "opening_hours", 100)
    if hours:
        try:
            parse_opening_hours(hours)
        except RuleViolation as error:
            raise RuleViolation(error.message, field="opening_hours") from None
    return {
        "name": one_line(values.get("name"), "name", 100,
                         required_message=_("Enter the corner's name.")),
        "region_code": region(values.get("region_code")),
        "address": one_line(values.get("address"), "address", 200,
                            required_message=_("Enter the address.")),
        "lat": lat, "lng": lng, "opening_hours": hours,
        "services": one_line(values.get("services", ""), "services", 300),
        "phone": one_line(values.get("phone", ""), "phone", 20),
    }  # fmt: skip


@transaction.atomic
def create_corner(org: Org, *, by: Actor, **values: Any) -> Corner:
    require_manager(by, org)
    data = _clean(values)
    if Corner.objects.filter(org=org, name=data["name"]).exists():
        raise RuleViolation(_("This union already has a corner of that name."), field="name")
    corner = Corner.objects.create(org=org, created_by=staff_of(by), **data)
    record_event(corner, "gigjobs.corner_created", by=by, changes=data)
    return corner


@transaction.atomic
def change_corner(corner: Corner, *, by: Actor, is_active: bool = True, **values: Any) -> Corner:
    require_manager(by, corner.org)
    data = _clean({**{key: getattr(corner, key) for key in EDITABLE}, **values})
    clash = Corner.objects.filter(org=corner.org, name=data["name"]).exclude(pk=corner.pk)
    if clash.exists():
        raise RuleViolation(_("This union already has a corner of that name."), field="name")
    data["is_active"] = bool(is_active)
    changes = {k: [getattr(corner, k), v] for k, v in data.items() if getattr(corner, k) != v}
    for key, value in data.items():
        setattr(corner, key, value)
    corner.save()
    record_event(corner, "gigjobs.corner_changed", by=by, changes=changes)
    return corner
