"""Certificates a worker holds (职业技能证书): recorded directly by a union or from a passed
exam. One (kind, number, issuer) is one paper, refused a second time whoever records it."""

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
from nuanjia.people.models import Worker

from ..models import Certificate, Enrolment
from ..rules import CertificateKind, Level
from .common import on, require_manager, require_worker_of


@transaction.atomic
def record_certificate(
    worker: Worker, *, org: Org, kind: str, number: str, issuer: str, issued_on: Any,
    occupation: str, by: Actor, level: str = "", enrolment: Enrolment | None = None,
) -> Certificate:  # fmt: skip
    require_manager(by, org)
    require_worker_of(org, worker)
    if kind not in CertificateKind.values:
        raise RuleViolation(_("Choose the kind of certificate."), field="kind")
    if level not in Level.values:
        raise RuleViolation(_("Choose a level."), field="level")
    row = Certificate(
        worker=worker, org=org, kind=kind, level=level, enrolment=enrolment,
        occupation=one_line(occupation, "occupation", 50, required_message=_("Enter the occupation or skill taught.")),
        number=one_line(number, "number", 50, required_message=_("Enter the certificate number.")),
        issuer=one_line(issuer, "issuer", 100, required_message=_("Enter who issued it.")),
        issued_on=on(issued_on, "issued_on"), created_by=staff_of(by),
    )  # fmt: skip
    if Certificate.objects.filter(kind=kind, number=row.number, issuer=row.issuer).exists():
        raise RuleViolation(_("This certificate is recorded already."), field="number")
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise RuleViolation(_("This certificate is recorded already."), field="number") from None
    record_event(row, "skills.certificate_recorded", by=by, org=org, changes={
        "worker": worker.pk, "kind": kind, "level": level, "number": row.number,
        "issuer": row.issuer, "issued_on": str(row.issued_on),
        "enrolment": enrolment.pk if enrolment else None,
    })  # fmt: skip
    return row
