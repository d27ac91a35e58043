"""Gig workers (零工) and their availability: registered by the corner's staff, or signed up
by a member on the phone (one sign-up per member, changed in place)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.permissions import staff_of

from ..models import Corner, GigWorker
from .common import day, place, require_manager


def _availability(values: dict[str, Any]) -> dict[str, Any]:
    first = day(values.get("available_from"), "available_from")
    last = day(values.get("available_until"), "available_until")
    if last < first:
        raise RuleViolation(_("The last day comes on or after the first."), field="available_until")
    data: dict[str, Any] = {
        "skills": one_line(values.get("skills", ""), "skills", 200),
        "available_from": first, "available_until": last, "lat": None, "lng": None,
    }  # fmt: skip
    if values.get("lat") not in (None, "") and values.get("lng") not in (None, ""):
        data["lat"], data["lng"] = place(values["lat"], values["lng"])
    return data


@transaction.atomic
def register_worker(
    corner: Corner, *, by: Actor, name: str, phone: str, worker: Any = None, **values: Any
) -> GigWorker:
    """A gig worker the corner's staff registers (a walk-in; `worker` the registry's)."""
    require_manager(by, corner.org)
    data = _availability(values)
    gig = GigWorker(
        corner=corner, org=corner.org, worker=worker, created_by=staff_of(by),
        name=one_line(name, "name", 50, required_message=_("Enter the name.")), **data,
    )  # fmt: skip
    gig.phone = one_line(phone, "phone", 20, required_message=_("Enter the phone."))
    gig.save()
    record_event(gig, "gigjobs.worker_registered", by=by, changes={
        "corner": corner.pk, "name": gig.name, "phone": gig.phone_masked, "skills": gig.skills,
        "available_from": str(data["available_from"]),
        "available_until": str(data["available_until"]),
    })  # fmt: skip
    return gig


@transaction.atomic
def member_sign_up(member: Any, corner: Corner, *, name: str, **values: Any) -> GigWorker:
    """A member signs up (or changes their availability) at a corner on the phone; the
    contact is the member's own signed-in phone."""
    if not corner.is_active:
        raise RuleViolation(_("This corner is closed."), field="corner")
    data = _availability(values)
    clean_name = one_line(name, "name", 50, required_message=_("Enter the name."))
    gig = GigWorker.objects.select_for_update().filter(member=member).first()
    created = gig is None
    if gig is None:
        gig = GigWorker(member=member, worker_id=member.worker_id)
    gig.corner, gig.org, gig.name, gig.is_active = corner, corner.org, clean_name, True
    for key, value in data.items():
        setattr(gig, key, value)
    gig.phone = member.phone
    gig.save()
    record_event(gig, "gigjobs.worker_signed_up" if created else "gigjobs.availability_changed",
                 by=None, actor_label=f"member {member.pk}", changes={
                     "corner": corner.pk, "skills": gig.skills,
                     "available_from": str(data["available_from"]),
                     "available_until": str(data["available_until"]),
                 })  # fmt: skip
    return gig
