"""Consents a worker gave (and withdrew) for the use of their data."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import staff_of

from .. import rules
from ..models import (
    Consent,
    Worker,
)
from .cleaning import _date, _text
from .guards import _require


@transaction.atomic
def record_consent(
    worker: Worker, *, scope: str, given_on: Any, evidence: str = "", by: Actor
) -> Consent:
    """Record a separate consent (PIPL 单独同意) for one kind of sensitive data."""
    _require(by, rules.REGISTER_ROLES, worker.org)
    if scope not in Consent.Scope.values:
        raise RuleViolation(_("Choose what the consent covers."), field="scope")
    given = _date(given_on, "given_on", not_after=timezone.localdate())
    if given is None:
        raise RuleViolation(_("Enter the date the consent was given."), field="given_on")
    consent = Consent.objects.create(
        worker=worker,
        scope=scope,
        given_on=given,
        evidence=_text(evidence, "evidence", 200),
        recorded_by=staff_of(by),
    )
    record_event(
        worker,
        "consent.recorded",
        by=by,
        changes={"scope": scope, "given_on": str(given), "evidence": consent.evidence},
    )
    return consent


@transaction.atomic
def withdraw_consent(consent: Consent, *, by: Actor, on: Any = None) -> Consent:
    """Record that a consent was withdrawn; the record stays, as the history of consent."""
    consent = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("worker__org")
        .get(pk=consent.pk)
    )
    _require(by, rules.REGISTER_ROLES, consent.worker.org)
    if consent.withdrawn_on is not None:
        raise RuleViolation(_("This consent was already withdrawn."), field="consent")
    today = timezone.localdate()
    withdrawn = _date(on, "withdrawn_on", not_after=today) or today
    if withdrawn < consent.given_on:
        raise RuleViolation(
            _("A consent cannot be withdrawn before it was given."), field="withdrawn_on"
        )
    consent.withdrawn_on = withdrawn
    consent.save(update_fields=["withdrawn_on"])
    record_event(
        consent.worker,
        "consent.withdrawn",
        by=by,
        changes={"scope": consent.scope, "withdrawn_on": str(withdrawn)},
    )
    return consent


def has_consent(worker: Worker, scope: str, on: datetime.date | None = None) -> bool:
    on = on or timezone.localdate()
    return worker.consents.filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on), scope=scope, given_on__lte=on
    ).exists()
