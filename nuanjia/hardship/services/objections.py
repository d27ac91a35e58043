"""Objections (异议) received during publicity, and their resolution."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import staff_of

from .. import rules
from ..models import (
    HardshipFile,
    Objection,
)
from ..rules import Status
from ..workflow import FLOW
from .guards import _require_on_file, _required, _today


@transaction.atomic
def record_objection(
    hardship_file: HardshipFile,
    *,
    by: Actor,
    content: str,
    source: str = "",
    received_on: datetime.date | None = None,
) -> Objection:
    """Record an objection (异议) received during publicity; approval waits for it."""
    hardship_file = FLOW.lock(hardship_file)
    _require_on_file(by, rules.OBJECTION_ROLES, hardship_file)
    if hardship_file.status != Status.IN_PUBLICITY:
        raise RuleViolation(
            _("Objections are recorded while the file is in publicity."), code="invalid_transition"
        )
    today = _today()
    received_on = received_on or today
    # Publishing the file set its publicity's first day.
    assert hardship_file.publicity_starts_on is not None
    if received_on > today or received_on < hardship_file.publicity_starts_on:
        raise RuleViolation(
            _("The objection must be received during publicity and not in the future."),
            field="received_on",
        )
    content = _required(content, "content", _("Write down the objection."))
    objection = Objection.objects.create(
        file=hardship_file,
        received_on=received_on,
        content=content,
        source=source.strip(),
        recorded_by=staff_of(by),
    )
    FLOW.record(
        hardship_file,
        "objection",
        hardship_file.status,
        by=by,
        note=content,
        changes={"objection": objection.pk},
    )
    return objection


@transaction.atomic
def resolve_objection(
    objection: Objection, *, by: Actor, is_upheld: bool, resolution: str
) -> Objection:
    """Uphold or dismiss an objection after checking it; an upheld one blocks approval."""
    hardship_file = FLOW.lock(objection.file)
    objection.refresh_from_db()
    _require_on_file(by, rules.RESOLVE_OBJECTION_ROLES, hardship_file)
    if objection.status != Objection.Status.OPEN:
        raise RuleViolation(
            _("This objection has already been resolved."), code="invalid_transition"
        )
    resolution = _required(
        resolution, "resolution", _("Record how the objection was checked and what was found.")
    )
    objection.status = Objection.Status.UPHELD if is_upheld else Objection.Status.DISMISSED
    objection.resolution = resolution
    objection.resolved_by = staff_of(by)
    objection.resolved_at = timezone.now()
    objection.save()
    FLOW.record(
        hardship_file,
        "objection_resolved",
        hardship_file.status,
        by=by,
        note=resolution,
        changes={"objection": objection.pk, "result": objection.status},
    )
    return objection
