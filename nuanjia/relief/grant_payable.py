"""Relief grants as a payable kind ("relief.grant"): which grants can go to the bank, and
what a batch does to them — batched, taken out, paid or failed, each with its GrantEvent.

Registered in ReliefConfig.ready. Set-based where a batch is big: grant statuses change with
plain UPDATEs and the history rows go in with executemany (core.bulk); the batch records one
audit event per operation, a grant taken out by hand its own step's audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import bulk, clock, payables
from nuanjia.core.errors import RuleViolation
from nuanjia.core.payables import ItemState, PayableItem, PayeeKind, State

from . import services
from .models import Grant, GrantEvent, PaymentBatch
from .rules import Status, Step
from .signals import grants_paid
from .workflow import FLOW

SOURCE_TYPE = services.SOURCE_TYPE
_EVENT_COLUMNS = (
    "grant_id",
    "action",
    "from_status",
    "to_status",
    "note",
    "changes",
    "by_id",
    "at",
)


def batchable_grants(org, earmark, *, by=None):
    """Approved grants of the paying union and earmark that can go to the bank: the worker
    has a bank account, and (segregation of duties) the builder neither proposed nor
    approved them."""
    grants = Grant.objects.filter(
        org=org, earmark=earmark, status=Status.APPROVED, batch__isnull=True
    ).exclude(worker__bank_account_encrypted="")
    if by is not None:
        grants = grants.exclude(proposed_by=by).exclude(approved_by=by)
    return grants


def ready(org, earmark, *, by, source_ids: Sequence[str] | None = None) -> list[PayableItem]:
    candidates = batchable_grants(org, earmark, by=by)
    if source_ids is not None:
        candidates = candidates.filter(pk__in=[int(pk) for pk in source_ids])
    # Lock the grants only, not the workers joined for the payee.
    rows = (
        candidates.select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk",
            "amount_fen",
            "worker__name",
            "worker__bank_account_encrypted",
            "worker__bank_account_masked",
            "worker__bank_name",
            "grant_type__name",
        )
    )
    return [
        PayableItem(
            source_type=SOURCE_TYPE,
            source_id=str(pk),
            label=f"RG{pk:06d}",
            payee_kind=PayeeKind.PERSON,
            payee_name=name,
            account_encrypted=account,
            account_masked=masked,
            bank_name=bank,
            amount_fen=amount,
            purpose=type_name,
            earmark_id=earmark.pk,
            org_id=org.pk,
        )
        for pk, amount, name, account, masked, bank, type_name in rows
    ]


def nothing_ready(org, earmark) -> str:
    return _(
        "No approved grant of %(org)s from %(earmark)s can go to the bank (each needs "
        "the worker's bank account, and you must not have proposed or approved it)."
    ) % {"org": org, "earmark": earmark}


def bulk_events(rows: Iterable[tuple[int, str, str, str, str, dict]], *, by) -> None:
    """History rows for many grants at once: (grant id, action, from, to, note, changes).

    Written with executemany rather than bulk_create: a batch writes 100,000 of them, and
    building that many model instances costs more than the insert itself."""
    actor_id = by.pk if getattr(by, "is_authenticated", False) else None
    at = connection.ops.adapt_datetimefield_value(clock.now())
    bulk.insert_many(
        GrantEvent._meta.db_table,
        _EVENT_COLUMNS,
        (
            (grant_id, action, source, target, note, bulk.json_value(changes), actor_id, at)
            for grant_id, action, source, target, note, changes in rows
        ),
        json_columns=("changes",),
    )


def _set_status(ids: list[int], **fields) -> None:
    now = timezone.now()
    for chunk in bulk.chunks(ids):
        Grant.objects.filter(pk__in=chunk).update(updated_at=now, **fields)


def put_in_batch(batch: PaymentBatch, source_ids: list[str], *, by) -> None:
    ids = [int(pk) for pk in source_ids]
    _set_status(ids, status=Status.BATCHED, batch=batch)
    bulk_events(
        (
            (pk, Step.BATCH, Status.APPROVED, Status.BATCHED, "", {"batch": batch.number})
            for pk in ids
        ),
        by=by,
    )


def taken_out(batch: PaymentBatch, source_id: str, *, by, note: str) -> None:
    """One grant out of a draft batch: back to approved, its money still reserved."""
    with FLOW.moving(Grant(pk=int(source_id)), Step.UNBATCH, by=by, note=note) as move:
        if move.obj.batch_id != batch.pk:
            raise RuleViolation(_("The grant is not in this batch."), code="not_in_batch")
        move.obj.batch = None
        move.changes["batch"] = batch.number


def discarded(batch: PaymentBatch, source_ids: list[str], *, by) -> None:
    ids = list(
        Grant.objects.select_for_update()
        .filter(batch=batch, status=Status.BATCHED)
        .values_list("pk", flat=True)
    )
    _set_status(ids, status=Status.APPROVED, batch=None)
    bulk_events(
        (
            (pk, Step.UNBATCH, Status.BATCHED, Status.APPROVED, "", {"batch": batch.number})
            for pk in ids
        ),
        by=by,
    )


def states(batch: PaymentBatch, source_ids: list[str]) -> dict[str, State]:
    """Each grant afresh under its row lock: paid, failed, waiting in this batch, or else."""
    found = bulk.select_in(
        f"SELECT id, status, batch_id FROM {bulk.quoted(Grant._meta.db_table)} "  # noqa: S608
        "WHERE id IN",
        [int(pk) for pk in source_ids],
        lock=True,
    )
    result = {}
    for pk, status, batch_id in found:
        if status == Status.PAID:
            result[str(pk)] = State(ItemState.PAID)
        elif status == Status.FAILED:
            result[str(pk)] = State(ItemState.FAILED)
        elif status == Status.BATCHED and batch_id == batch.pk:
            result[str(pk)] = State(ItemState.IN_BATCH)
        else:  # the label only where it is shown (a refusal): translating costs per row
            result[str(pk)] = State(ItemState.ELSEWHERE, FLOW.label_status(status))
    return result


def paid(batch: PaymentBatch, results: list[payables.Result], *, by) -> None:
    """The bank paid them: grants paid with their history, and grants_paid sent in the same
    transaction (the hotline records an advance relief's payment)."""
    today = clock.today()
    paid_on = connection.ops.adapt_datefield_value(today)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = [int(result.source_id) for result in results]
    bulk.update_many(
        Grant._meta.db_table,
        ("status", "paid_on", "updated_at"),
        ("id",),
        [(Status.PAID, paid_on, at, pk) for pk in ids],
    )
    bulk_events(
        (
            (
                int(r.source_id),
                Step.PAY,
                Status.BATCHED,
                Status.PAID,
                "",
                {"reference": r.reference},
            )
            for r in results
        ),
        by=by,
    )
    if ids:
        grants_paid.send(Grant, grant_ids=ids, paid_on=today, by=by)


def failed(batch: PaymentBatch, results: list[payables.Result], *, by) -> None:
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    bulk.update_many(
        Grant._meta.db_table,
        ("status", "failure_reason", "updated_at"),
        ("id",),
        [(Status.FAILED, r.reason[:200], at, int(r.source_id)) for r in results],
    )
    bulk_events(
        (
            (
                int(r.source_id),
                Step.FAIL,
                Status.BATCHED,
                Status.FAILED,
                r.reason,
                {"reference": r.reference},
            )
            for r in results
        ),
        by=by,
    )


GRANT_PAYABLE = payables.PayableKind(
    source_type=SOURCE_TYPE,
    noun="grant",
    label=gettext_lazy("Relief grants"),
    ready=ready,
    put_in_batch=put_in_batch,
    taken_out=taken_out,
    discarded=discarded,
    states=states,
    paid=paid,
    failed=failed,
    nothing_ready=nothing_ready,
)


def register() -> None:
    payables.register(GRANT_PAYABLE)
