""" "乡村振兴劳模出彩" bases and pairing records: a model worker's village base (county code
and village, projects, money and technology brought) and pairings with a village or a
hardship family, with their visits."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line, text_block
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker
from nuanjia.standards import regions

from ..models import Base, Pairing, PairingVisit
from ..rules import PairingTarget
from .common import day, fen, honoured, maybe_day, require_manager


def _county(code: Any) -> str:
    text = str(code or "").strip()
    if not regions.is_region_code(text) or regions.level(text) != regions.COUNTY:
        raise RuleViolation(_("Enter the county's 6-digit region code (GB/T 2260)."),
                            field="region_code")  # fmt: skip
    return text


def _in_union(worker: Worker, org: Org) -> None:
    if not worker.org.path.startswith(org.path):
        raise RuleViolation(_("The worker is not in this union's registry."), field="worker")


@transaction.atomic
def add_base(
    org: Org, *, by: Actor, worker: Worker, region_code: Any, village: str, started_on: Any,
    projects: str = "", money_fen: Any = 0, technology: str = "", ended_on: Any = None,
) -> Base:  # fmt: skip
    require_manager(by, org)
    _in_union(worker, org)
    honoured(worker)
    start = day(started_on, "started_on")
    end = maybe_day(ended_on, "ended_on")
    if end is not None and end < start:
        raise RuleViolation(_("The end cannot come before the start."), field="ended_on")
    fields = {
        "region_code": _county(region_code),
        "village": one_line(village, "village", 60, required_message=_("Enter the village.")),
        "projects": text_block(projects, "projects", 2000),
        "money_fen": fen(money_fen, "money_fen"),
        "technology": text_block(technology, "technology", 2000),
    }
    try:
        with transaction.atomic():
            base = Base.objects.create(org=org, worker=worker, started_on=start, ended_on=end,
                                       created_by=staff_of(by), **fields)  # fmt: skip
    except IntegrityError:
        raise RuleViolation(_("This model worker already has a base in that village."),
                            field="village") from None  # fmt: skip
    record_event(base, "modelworkers.base_added", by=by, changes={
        "worker": worker.pk, "region_code": fields["region_code"], "village": fields["village"],
        "money_fen": fields["money_fen"],
    })  # fmt: skip
    return base


@transaction.atomic
def change_base(
    base: Base, *, by: Actor, money_fen: Any = None, projects: str | None = None,
    technology: str | None = None, ended_on: Any = None,
) -> Base:  # fmt: skip
    """What the base has brought so far (the figures read money_fen), or its end."""
    require_manager(by, base.org)
    base = Base.objects.select_for_update().get(pk=base.pk)
    before = {"money_fen": base.money_fen, "ended_on": str(base.ended_on or "")}
    if money_fen not in (None, ""):
        base.money_fen = fen(money_fen, "money_fen")
    if projects is not None:
        base.projects = text_block(projects, "projects", 2000)
    if technology is not None:
        base.technology = text_block(technology, "technology", 2000)
    end = maybe_day(ended_on, "ended_on")
    if end is not None:
        if end < base.started_on:
            raise RuleViolation(_("The end cannot come before the start."), field="ended_on")
        base.ended_on = end
    base.save()
    after = {"money_fen": base.money_fen, "ended_on": str(base.ended_on or "")}
    record_event(
        base, "modelworkers.base_changed", by=by, changes={"before": before, "after": after}
    )
    return base


@transaction.atomic
def add_pairing(
    org: Org, *, by: Actor, worker: Worker, starts_on: Any, base: Base | None = None,
    hardship_file: Any = None, ends_on: Any = None, note: str = "",
) -> Pairing:  # fmt: skip
    """A model worker paired with a base's village or with a hardship family's file."""
    require_manager(by, org)
    _in_union(worker, org)
    honoured(worker)
    if (base is None) == (hardship_file is None):
        raise RuleViolation(_("Choose a village base or a hardship family."), field="base")
    if base is not None and not base.org.path.startswith(org.path):
        raise RuleViolation(_("The base is not in this union's subtree."), field="base")
    if hardship_file is not None and not hardship_file.org.path.startswith(org.path):
        raise RuleViolation(_("The hardship file is not in this union's subtree."),
                            field="hardship_file")  # fmt: skip
    start = day(starts_on, "starts_on")
    end = maybe_day(ends_on, "ends_on")
    if end is not None and end < start:
        raise RuleViolation(_("The end cannot come before the start."), field="ends_on")
    target = PairingTarget.VILLAGE if base is not None else PairingTarget.FAMILY
    pairing = Pairing.objects.create(
        org=org, worker=worker, target=target, base=base, hardship_file=hardship_file,
        starts_on=start, ends_on=end, note=one_line(note, "note", 200), created_by=staff_of(by),
    )  # fmt: skip
    record_event(pairing, "modelworkers.pairing_added", by=by, changes={
        "worker": worker.pk, "target": target, "base": base.pk if base else None,
        "hardship_file": hardship_file.pk if hardship_file is not None else None,
    })  # fmt: skip
    return pairing


@transaction.atomic
def add_visit(pairing: Pairing, *, by: Actor, visited_on: Any, note: str = "") -> PairingVisit:
    require_manager(by, pairing.org)
    when = day(visited_on, "visited_on")
    assert when is not None
    if when < pairing.starts_on:
        raise RuleViolation(_("The visit cannot come before the pairing starts."),
                            field="visited_on")  # fmt: skip
    visit = PairingVisit.objects.create(
        pairing=pairing, visited_on=when, note=text_block(note, "note", 500),
        created_by=staff_of(by),
    )  # fmt: skip
    record_event(pairing, "modelworkers.pairing_visited", by=by,
                 changes={"visited_on": str(when)})  # fmt: skip
    return visit
