"""Honours a worker holds (劳动模范, 五一劳动奖章…): recorded and removed by the owning union."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import staff_of

from .. import rules
from ..honour_models import FIRST_HONOUR_YEAR, Honour, HonourKind, HonourLevel
from ..models import Worker
from .cleaning import _text
from .guards import _require


def _year(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    this_year = timezone.localdate().year
    if not (text.isascii() and text.isdigit()) or not (FIRST_HONOUR_YEAR <= int(text) <= this_year):
        raise RuleViolation(
            _("Enter the year the honour was awarded, from %(first)d to %(last)d.")
            % {"first": FIRST_HONOUR_YEAR, "last": this_year},
            field="year",
        )
    return int(text)


@transaction.atomic
def add_honour(
    worker: Worker,
    *,
    kind: str,
    level: str,
    year: Any,
    issuer: str,
    note: str = "",
    by: Actor,
) -> Honour:
    """Record an honour of the worker, as the awarding body gave it.

    Only the worker's own union (or one above it) records honours: eligibility rules of
    every campaign read them.
    """
    _require(by, rules.REGISTER_ROLES, worker.org)
    if kind not in HonourKind.values:
        raise RuleViolation(_("Choose the kind of honour."), field="kind")
    if level not in HonourLevel.values:
        raise RuleViolation(_("Choose the level of the honour."), field="level")
    honour = Honour.objects.create(
        worker=worker,
        kind=kind,
        level=level,
        year=_year(year),
        issuer=_text(issuer, "issuer", 100, required_message=_("Enter who awarded the honour.")),
        note=_text(note, "note", 200),
        created_by=staff_of(by),
    )
    record_event(
        worker,
        "honour.added",
        by=by,
        changes={
            "honour": honour.pk,
            "kind": kind,
            "level": level,
            "year": honour.year,
            "issuer": honour.issuer,
        },
    )
    return honour


@transaction.atomic
def remove_honour(honour: Honour, *, by: Actor) -> None:
    """Remove an honour recorded by mistake; the audit event keeps what it said."""
    honour = (
        Honour.objects.select_for_update(of=("self",))
        .select_related("worker__org")
        .get(pk=honour.pk)
    )
    _require(by, rules.REGISTER_ROLES, honour.worker.org)
    record_event(
        honour.worker,
        "honour.removed",
        by=by,
        changes={
            "honour": honour.pk,
            "kind": honour.kind,
            "level": honour.level,
            "year": honour.year,
            "issuer": honour.issuer,
        },
    )
    honour.delete()
