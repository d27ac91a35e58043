"""Who a member is in the registry: binding by name and ID number (the union confirms it
when the phone is not the registered one), or registering a person not in it yet, into the
holding pool (集中入会池) of the county they live in."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import ratelimit
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import PURPOSE_ID_NUMBER, blind_index
from nuanjia.core.errors import RuleViolation
from nuanjia.core.ratelimit import RateLimited
from nuanjia.orgs.models import Org
from nuanjia.orgs.services import HOLDING_POOL_SUFFIX
from nuanjia.people import services as people
from nuanjia.people.models import Worker

from ..models import Binding, Member
from ..workflow import BINDING_FLOW, BindingStep
from .messages import render, tell, text_phone

TRIES_PER_DAY = 5  # binding attempts a member may make a day (no guessing of names by ID)


def county_of_residence(region_code: str) -> Org:
    """The county union of a 6-digit residence code, refused on the field when unknown."""
    county = Org.objects.filter(
        kind=Org.Kind.COUNTY, region_code=str(region_code or "").strip(), is_active=True
    ).first()
    if county is None:
        raise RuleViolation(_("Choose the county where you live."), field="region_code")
    return county


def holding_pool(county: Org) -> Org:
    pool = Org.objects.filter(
        code=county.code + HOLDING_POOL_SUFFIX, kind=Org.Kind.HOLDING_POOL, is_active=True
    ).first()
    if pool is None:
        raise RuleViolation(
            _("%(county)s takes no online joins yet: please call 12351.") % {"county": county},
            field="region_code",
        )
    return pool


def _count_try(member: Member) -> None:
    if not ratelimit.hit("members:bind", str(member.pk), limit=TRIES_PER_DAY, seconds=86400):
        raise RateLimited(_("Too many tries today: please try again tomorrow."))


def _registry_worker(id_number: str) -> Worker | None:
    index = blind_index(id_number, purpose=PURPOSE_ID_NUMBER)
    worker = Worker.objects.select_related("merged_into").filter(id_number_index=index).first()
    return (worker.merged_into or worker) if worker else None


def _bind(member: Member, worker: Worker, via: str) -> None:
    """Bind, taking the worker from any earlier account (whose phone is told)."""
    previous = Member.objects.filter(worker=worker).exclude(pk=member.pk).first()
    if previous is not None:
        previous.worker = None
        previous.bound_at = None
        previous.bound_via = ""
        previous.save(update_fields=["worker", "bound_at", "bound_via"])
        text_phone(previous.phone, render("binding_moved", phone=member.phone_masked),
                   topic="binding_moved")  # fmt: skip
    member.worker = worker
    member.bound_at = timezone.now()
    member.bound_via = via
    member.save(update_fields=["worker", "bound_at", "bound_via"])
    record_event(member, "member.bound", actor_label=member.actor_label,
                 changes={"via": via, "previous_account": bool(previous)})  # fmt: skip


@transaction.atomic
def identify(
    member: Member, *, name: str, id_number: str, region_code: str = "", address: str = ""
) -> Binding | None:
    """Tell the registry who the member is. A registered person waits for their union's
    confirmation (returns the pending binding); a person not in the registry is registered
    in their county's holding pool and bound at once (returns None)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.worker_id is not None:
        raise RuleViolation(_("Your account is already bound to your record."), code="bound")
    if Binding.objects.filter(member=member, status=Binding.Status.PENDING).exists():
        raise RuleViolation(
            _("Your union has not answered your earlier request yet."), code="pending"
        )
    parsed = people.parse_id_number(id_number)
    clean_name = str(name or "").strip()
    if not clean_name:
        raise RuleViolation(_("Please enter your name."), field="name")
    _count_try(member)
    worker = _registry_worker(parsed.number)
    if worker is None:
        _register(member, name=clean_name, id_number=parsed.number, region_code=region_code,
                  address=address)  # fmt: skip
        return None
    if worker.name != clean_name:
        raise RuleViolation(
            _("The name and ID number do not match a record: check them, or ask your union."),
            field="name",
        )
    if worker.phone_index and worker.phone_index == member.phone_index:
        _bind(member, worker, Member.BoundVia.PHONE)
        return None
    binding = Binding.objects.create(member=member, worker=worker, org=worker.org, name=clean_name)
    BINDING_FLOW.record(binding, "binding_asked", "", by=None, actor_label=member.actor_label)
    return binding


def _register(member: Member, *, name: str, id_number: str, region_code: str, address: str) -> None:
    county = county_of_residence(region_code)
    worker = people.register_self(
        org=holding_pool(county),
        actor_label=member.actor_label,
        name=name,
        id_number=id_number,
        phone=member.phone,
        region_code=county.region_code,
        address=address,
    )
    _bind(member, worker, Member.BoundVia.REGISTERED)


@BINDING_FLOW.handler(BindingStep.CONFIRM)
@transaction.atomic
def confirm_binding(binding: Binding, *, by: Actor, note: str = "", **_fields: Any) -> Binding:
    with BINDING_FLOW.moving(binding, BindingStep.CONFIRM, by=by, note=note) as move:
        member = Member.objects.select_for_update().get(pk=move.obj.member_id)
        if member.worker_id is not None:
            raise RuleViolation(_("This account is already bound to a record."), code="bound")
        _bind(member, move.obj.worker, Member.BoundVia.ID_CHECK)
        tell(member, "binding_confirmed")
    return move.obj


@BINDING_FLOW.handler(BindingStep.REFUSE)
@transaction.atomic
def refuse_binding(binding: Binding, *, by: Actor, note: str = "", **_fields: Any) -> Binding:
    with BINDING_FLOW.moving(binding, BindingStep.REFUSE, by=by, note=note) as move:
        tell(move.obj.member, "binding_refused", reason=move.note)
    return move.obj
