"""Merchant statements as a payable kind ("benefits.statement"): approved statements go to the
bank in a 对公 batch, to the account on the merchant's terms, and come back paid or failed,
each with its StatementEvent. Registered in benefits.registrations. The same shape as the
campaigns' partner settlements (ADR 0015), written for the statements' own model.

The money follows relief's grants: reserved on approval, spent when the bank paid, released
when it failed (by the batch, in its transaction). A failed statement may go into a new batch:
putting it in reserves its amount again, so what waits in a batch is always reserved.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import payables
from nuanjia.core.errors import RuleViolation
from nuanjia.core.payables import ItemState, PayableItem, PayeeKind, State

from .models import Statement, StatementEvent
from .rules import StatementStatus
from .services.statements import STATEMENT_SOURCE, reserve
from .workflow import STATEMENT_FLOW

_WAITING = (StatementStatus.APPROVED, StatementStatus.FAILED)


def batchable_statements(org, earmark, *, by=None):
    """Approved (or failed) statements of the paying union and earmark not in a batch; the
    builder (segregation of duties) neither prepared nor approved them."""
    found = Statement.objects.filter(org=org, earmark=earmark, status__in=_WAITING)
    if by is not None:
        found = found.exclude(Q(prepared_by=by) | Q(approved_by=by))
    return found


def ready(org, earmark, *, by, source_ids: Sequence[str] | None = None) -> list[PayableItem]:
    candidates = batchable_statements(org, earmark, by=by)
    if source_ids is not None:
        candidates = candidates.filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
    rows = (
        candidates.select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk",
            "amount_fen",
            "terms__payee_name",
            "terms__account_encrypted",
            "terms__account_masked",
            "terms__bank_name",
        )
    )
    return [
        PayableItem(
            source_type=STATEMENT_SOURCE,
            source_id=str(pk),
            label=f"DZ{pk:06d}",
            payee_kind=PayeeKind.ORGANISATION,
            payee_name=payee,
            account_encrypted=account,
            account_masked=masked,
            bank_name=bank,
            amount_fen=amount,
            purpose="普惠结算",
            earmark_id=earmark.pk,
            org_id=org.pk,
        )
        for pk, amount, payee, account, masked, bank in rows
    ]


def nothing_ready(org, earmark) -> str:
    return _(
        "No approved merchant statement of %(org)s from %(earmark)s can go to the bank (you "
        "must not have prepared or approved it)."
    ) % {"org": org, "earmark": earmark}


def _events(rows, *, by) -> None:
    """History rows (statement, action, from, to, note, changes) for many at once."""
    actor = by if getattr(by, "is_authenticated", False) else None
    at = timezone.now()
    StatementEvent.objects.bulk_create(
        StatementEvent(
            statement_id=pk, action=action, from_status=source, to_status=target,
            note=note, changes=changes, by=actor, at=at,
        )
        for pk, action, source, target, note, changes in rows
    )  # fmt: skip


def put_in_batch(batch, source_ids: list[str], *, by) -> None:
    """Into the draft batch; a failed one has its amount reserved again first."""
    statements = list(
        Statement.objects.select_for_update()
        .select_related("org", "earmark")
        .filter(pk__in=[int(pk) for pk in source_ids])
        .order_by("pk")
    )
    rows = []
    for statement in statements:
        changes = {"batch": batch.number}
        if statement.status == StatementStatus.FAILED:
            reserve(statement, by=by)
            changes["reserved_fen"] = statement.amount_fen
        rows.append(
            (statement.pk, "batch", statement.status, StatementStatus.IN_BATCH, "", changes)
        )
    Statement.objects.filter(pk__in=[s.pk for s in statements]).update(
        status=StatementStatus.IN_BATCH, batch=batch, updated_at=timezone.now()
    )
    _events(rows, by=by)


def _back_to_approved(batch, ids: list[int], *, by, note: str = "") -> None:
    Statement.objects.filter(pk__in=ids).update(
        status=StatementStatus.APPROVED, batch=None, updated_at=timezone.now()
    )
    _events(
        (
            (pk, "unbatch", StatementStatus.IN_BATCH, StatementStatus.APPROVED, note,
             {"batch": batch.number})
            for pk in ids
        ),
        by=by,
    )  # fmt: skip


def taken_out(batch, source_id: str, *, by, note: str) -> None:
    """One statement out of a draft batch: back to approved, its money still reserved."""
    found = (
        Statement.objects.select_for_update()
        .filter(pk=int(source_id) if source_id.isdigit() else 0, batch=batch)
        .filter(status=StatementStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    ids = list(found)
    if not ids:
        raise RuleViolation(_("The statement is not in this batch."), code="not_in_batch")
    _back_to_approved(batch, ids, by=by, note=note[:200])


def discarded(batch, source_ids: list[str], *, by) -> None:
    ids = list(
        Statement.objects.select_for_update()
        .filter(batch=batch, status=StatementStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    _back_to_approved(batch, ids, by=by)


def states(batch, source_ids: list[str]) -> dict[str, State]:
    found = (
        Statement.objects.select_for_update()
        .filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
        .values_list("pk", "status", "batch_id")
    )
    result = {}
    for pk, status, batch_id in found:
        if status == StatementStatus.PAID and batch_id == batch.pk:
            result[str(pk)] = State(ItemState.PAID)
        elif status == StatementStatus.FAILED and batch_id == batch.pk:
            result[str(pk)] = State(ItemState.FAILED)
        elif status == StatementStatus.IN_BATCH and batch_id == batch.pk:
            result[str(pk)] = State(ItemState.IN_BATCH)
        else:
            result[str(pk)] = State(ItemState.ELSEWHERE, STATEMENT_FLOW.label_status(status))
    return result


def paid(batch, results: list[payables.Result], *, by) -> None:
    ids = [int(r.source_id) for r in results]
    Statement.objects.filter(pk__in=ids).update(
        status=StatementStatus.PAID, updated_at=timezone.now()
    )
    _events(
        (
            (int(r.source_id), "pay", StatementStatus.IN_BATCH, StatementStatus.PAID, "",
             {"reference": r.reference})
            for r in results
        ),
        by=by,
    )  # fmt: skip


def failed(batch, results: list[payables.Result], *, by) -> None:
    """The bank refused them: failed (the batch released the money), kept on this batch
    until it goes into a new one."""
    ids = [int(r.source_id) for r in results]
    Statement.objects.filter(pk__in=ids).update(
        status=StatementStatus.FAILED, updated_at=timezone.now()
    )
    _events(
        (
            (int(r.source_id), "fail", StatementStatus.IN_BATCH, StatementStatus.FAILED,
             r.reason[:200], {"reference": r.reference})
            for r in results
        ),
        by=by,
    )  # fmt: skip


STATEMENT_PAYABLE = payables.PayableKind(
    source_type=STATEMENT_SOURCE,
    noun="merchant statement",
    label=gettext_lazy("Merchant statements"),
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
    payables.register(STATEMENT_PAYABLE)
