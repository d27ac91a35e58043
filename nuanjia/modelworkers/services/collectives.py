"""Collectives (先进集体) and their honours: registered by a union's caseworker or approver."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.honour_models import HonourLevel

from ..models import Collective, CollectiveHonour
from ..rules import CollectiveHonourKind, CollectiveKind
from .common import require_manager, year


@transaction.atomic
def add_collective(
    org: Org, *, by: Actor, name: str, kind: str, note: str = "", employer: Any = None
) -> Collective:
    require_manager(by, org)
    if kind not in CollectiveKind.values:
        raise RuleViolation(_("Choose the kind of collective."), field="kind")
    text = one_line(name, "name", 100, required_message=_("Enter the collective's name."))
    if Collective.objects.filter(org=org, name=text).exists():
        raise RuleViolation(_("This union already registered a collective of that name."),
                            field="name")  # fmt: skip
    collective = Collective.objects.create(
        org=org, kind=kind, name=text, note=one_line(note, "note", 200), employer=employer,
        created_by=staff_of(by),
    )  # fmt: skip
    record_event(collective, "modelworkers.collective_added", by=by,
                 changes={"name": text, "kind": kind})  # fmt: skip
    return collective


@transaction.atomic
def add_collective_honour(
    collective: Collective, *, by: Actor, kind: str, level: str, year_awarded: Any, issuer: str,
    note: str = "",
) -> CollectiveHonour:  # fmt: skip
    require_manager(by, collective.org)
    if kind not in CollectiveHonourKind.values:
        raise RuleViolation(_("Choose the kind of honour."), field="kind")
    if level not in HonourLevel.values:
        raise RuleViolation(_("Choose the level of the honour."), field="level")
    awarded = year(year_awarded, "year_awarded")
    try:
        with transaction.atomic():
            honour = CollectiveHonour.objects.create(
                collective=collective, org=collective.org, kind=kind, level=level, year=awarded,
                issuer=one_line(issuer, "issuer", 100,
                                required_message=_("Enter who awarded the honour.")),
                note=one_line(note, "note", 200), created_by=staff_of(by),
            )  # fmt: skip
    except IntegrityError:
        raise RuleViolation(_("This honour of that year is recorded already."),
                            field="kind") from None  # fmt: skip
    record_event(collective, "modelworkers.collective_honour_added", by=by,
                 changes={"kind": kind, "level": level, "year": awarded})  # fmt: skip
    return honour
