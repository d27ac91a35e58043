"""Transfers (转移) of a worker between unions: requested, then accepted or declined."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from .. import rules, signals
from ..models import (
    Household,
    TransferRequest,
    Worker,
)
from .cleaning import _text
from .guards import _require, authorize, in_scope
from .records import _lock_worker


def authorize_decision(user: Actor | None, transfer: TransferRequest, where: str) -> None:
    """For pages and the API, before accepting or declining: refuse (403, audited) a user who
    may not decide for the union keeping the record."""
    authorize(user, rules.DECIDE_TRANSFER_ROLES, "transfer.decide", where, transfer.from_org)


@transaction.atomic
def request_transfer(
    worker: Worker, *, by: Actor, reason: str, to_org: Org | None = None
) -> TransferRequest:
    """Ask the union keeping a worker's record to move it to the requester's union.

    The caller found the record by typing its full ID number (registration refused as a
    duplicate, or the transfer API), so no other record can be asked for.
    """
    to_org = to_org or getattr(by, "org", None)
    if to_org is None:
        raise PermissionDenied  # an account bound to no union keeps no records
    _require(by, rules.REGISTER_ROLES, to_org)
    worker = _lock_worker(worker)
    if worker.merged_into_id:
        raise RuleViolation(
            _("This record was merged into another; change that one."), code="merged"
        )
    if in_scope(by, worker.org):
        raise RuleViolation(_("This record is already kept in your area."), field="worker")
    reason = _text(
        reason, "reason", 200, required_message=_("Say why the record should move to your union.")
    )
    if TransferRequest.objects.filter(
        worker=worker, status=TransferRequest.Status.PENDING
    ).exists():
        raise RuleViolation(
            _("A transfer of this record is already waiting for a decision."), field="worker"
        )
    transfer = TransferRequest.objects.create(
        worker=worker, from_org=worker.org, to_org=to_org, reason=reason, requested_by=staff_of(by)
    )
    record_event(
        worker,
        "worker.transfer_requested",
        by=by,
        changes={
            "transfer": transfer.pk,
            "from_org": worker.org.name,
            "to_org": to_org.name,
            "reason": reason,
        },
    )
    return transfer


def _decide(transfer: TransferRequest, by: Actor, note: str) -> tuple[TransferRequest, Worker]:
    transfer = (
        TransferRequest.objects.select_for_update(of=("self",))
        .select_related("from_org", "to_org")
        .get(pk=transfer.pk)
    )
    worker = _lock_worker(transfer.worker)
    _require(by, rules.DECIDE_TRANSFER_ROLES, transfer.from_org)
    if transfer.status != TransferRequest.Status.PENDING:
        raise RuleViolation(_("This transfer has already been decided."), field="transfer")
    transfer.decided_by = staff_of(by)
    transfer.decided_at = timezone.now()
    transfer.decision_note = _text(note, "note", 200)
    return transfer, worker


@transaction.atomic
def accept_transfer(transfer: TransferRequest, *, by: Actor, note: str = "") -> TransferRequest:
    """The owning union accepts: the worker's record, and its household, move to the requester."""
    transfer, worker = _decide(transfer, by, note)
    if worker.org_id != transfer.from_org_id:
        raise RuleViolation(
            _("The record has moved since the request; ask again."), field="transfer"
        )
    worker.org = transfer.to_org
    worker.save(update_fields=["org", "updated_at"])
    Household.objects.filter(worker=worker).update(org=transfer.to_org, updated_at=timezone.now())
    transfer.status = TransferRequest.Status.ACCEPTED
    transfer.save()
    signals.worker_transferred.send(
        sender=Worker,
        worker=worker,
        from_org=transfer.from_org,
        to_org=transfer.to_org,
        transfer=transfer,
        by=by,
    )
    record_event(
        worker,
        "worker.transferred",
        by=by,
        org=transfer.from_org,
        changes={
            "transfer": transfer.pk,
            "org": [transfer.from_org.name, transfer.to_org.name],
            "note": transfer.decision_note,
        },
    )
    return transfer


@transaction.atomic
def decline_transfer(transfer: TransferRequest, *, by: Actor, note: str = "") -> TransferRequest:
    """The owning union declines; the record stays where it is."""
    transfer, worker = _decide(transfer, by, note)
    transfer.status = TransferRequest.Status.DECLINED
    transfer.save()
    record_event(
        worker,
        "worker.transfer_declined",
        by=by,
        changes={
            "transfer": transfer.pk,
            "to_org": transfer.to_org.name,
            "note": transfer.decision_note,
        },
    )
    return transfer
