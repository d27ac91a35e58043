"""Payment batches of any registered payable (core.payables): build, take out, discard, and
settle lines from the bank's results — paid exactly once.

A batch holds payables of one kind, one paying union, one earmark and one payee kind (so one
bank file layout: 代发 for persons, 对公 for organisations). The owning app keeps its own rows
and history through its kind's callbacks, in the same transaction; the money moves through
funds.settle_many (spend when paid, release when failed, each from the payable's own
reservation). Set-based: lines and callbacks work on lists, with one audit event per batch
operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import bulk, payables
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.payables import ItemState, PayableItem
from nuanjia.core.workflow import access
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

from .models import PaymentBatch, PaymentLine, batch_reference
from .rules import Step

NOTE_MAX = 200
_LINE_COLUMNS = (
    "batch_id",
    "source_type",
    "source_id",
    "reference",
    "amount_fen",
    "payee_kind",
    "payee_name",
    "payee_account_encrypted",
    "payee_account_masked",
    "payee_bank",
    "purpose",
    "result",
    "result_reason",
)


def in_scope(by, org: Org) -> bool:
    return access().in_scope(by, org)


def require_finance(by, org: Org) -> None:
    """Batches are finance's work, in the paying union's subtree (`by=None`: the system)."""
    from .workflow import FLOW

    if by is not None and not (FLOW.may_take(by, Step.BATCH) and in_scope(by, org)):
        raise PermissionDenied


def lock_batch(batch: PaymentBatch) -> PaymentBatch:
    return (
        PaymentBatch.objects.select_for_update(of=("self",))
        .select_related("org", "earmark")
        .get(pk=batch.pk)
    )


def finish_if_settled(batch: PaymentBatch) -> None:
    batch.refresh_from_db()
    if batch.status == PaymentBatch.Status.EXPORTED and batch.settled_count >= batch.line_count:
        batch.status = PaymentBatch.Status.SETTLED
        batch.settled_at = timezone.now()
        batch.save(update_fields=["status", "settled_at", "updated_at"])
        record_event(
            batch,
            "relief.batch_settled",
            by=None,
            org=batch.org,
            changes={"paid": batch.paid_count, "failed": batch.failed_count},
        )


def _audit_id(source_id: str) -> int | str:
    return int(source_id) if source_id.isdigit() else source_id


# ---- Building -----------------------------------------------------------------------------


def _one_payee_kind(items: list[PayableItem], payee_kind: str | None) -> list[PayableItem]:
    """A batch pays one kind of payee (one bank file layout); without a choice, the items'
    own, which must then be the same for all."""
    if payee_kind is not None:
        return [item for item in items if item.payee_kind == payee_kind]
    if len({item.payee_kind for item in items}) > 1:
        raise RuleViolation(
            _("Some payees are persons and some organisations: build one batch for each."),
            field="payee_kind",
            code="mixed_payees",
        )
    return items


def _insert_lines(batch: PaymentBatch, items: Iterable[PayableItem]) -> None:
    pending = PaymentLine.Result.PENDING
    bulk.insert_many(
        PaymentLine._meta.db_table,
        _LINE_COLUMNS,
        (
            (
                batch.pk,
                item.source_type,
                item.source_id,
                batch_reference(batch.pk, item.label),
                item.amount_fen,
                item.payee_kind,
                item.payee_name,
                item.account_encrypted,
                item.account_masked,
                item.bank_name,
                item.purpose,
                pending,
                "",
            )
            for item in items
        ),
    )


@transaction.atomic
def build_batch(
    org: Org,
    earmark: Earmark,
    *,
    by,
    source_type: str,
    source_ids: Iterable[str] | None = None,
    payee_kind: str | None = None,
    note: str = "",
) -> PaymentBatch:
    """Finance puts the ready payables of one kind, paying union and earmark into a new batch
    (all that can go, or those of `source_ids`), one line with its bank reference each.

    A payable is in at most one open batch: its kind locks the rows it lists and lists only
    those not in a batch, so two people building at once never share one.
    """
    require_finance(by, org)
    kind = payables.kind_of(source_type)
    note = (note or "").strip()[:NOTE_MAX]
    ids = None if source_ids is None else [str(source_id) for source_id in source_ids]
    items = _one_payee_kind(kind.ready(org, earmark, by=by, source_ids=ids), payee_kind)
    if not items:
        raise RuleViolation(kind.nothing_ready(org, earmark), code="nothing_to_batch")
    batch = PaymentBatch.objects.create(
        org=org,
        earmark=earmark,
        source_type=source_type,
        payee_kind=items[0].payee_kind,
        note=note,
        line_count=len(items),
        total_fen=sum(item.amount_fen for item in items),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _insert_lines(batch, items)
    kind.put_in_batch(batch, [item.source_id for item in items], by=by)
    record_event(
        batch,
        "relief.batch_built",
        by=by,
        org=org,
        changes={
            "earmark": earmark.code,
            "lines": batch.line_count,
            "total_fen": batch.total_fen,
            f"first_{kind.noun}": _audit_id(items[0].source_id),
            f"last_{kind.noun}": _audit_id(items[-1].source_id),
        },
    )
    return batch


def _require_draft(batch: PaymentBatch) -> None:
    if batch.status != PaymentBatch.Status.DRAFT:
        raise RuleViolation(
            _("Batch %(batch)s has been sent to the bank and can no longer change.")
            % {"batch": batch.number},
            code="batch_frozen",
        )


@transaction.atomic
def remove_from_batch(batch: PaymentBatch, source_id: str, *, by, note: str = "") -> None:
    """Take one payable out of a draft batch; its app puts it back where it was (its money
    still reserved) and records the step."""
    batch = lock_batch(batch)
    require_finance(by, batch.org)
    _require_draft(batch)
    line = PaymentLine.objects.filter(
        batch=batch, source_type=batch.source_type, source_id=str(source_id)
    ).first()
    payables.kind_of(batch.source_type).taken_out(
        batch, str(source_id), by=by, note=(note or "").strip()
    )
    if line is None or line.result != PaymentLine.Result.PENDING:
        raise RuleViolation(_("The payable is not in this batch."), code="not_in_batch")
    PaymentLine.objects.filter(pk=line.pk).update(result=PaymentLine.Result.REMOVED)
    PaymentBatch.objects.filter(pk=batch.pk).update(
        line_count=F("line_count") - 1, total_fen=F("total_fen") - line.amount_fen
    )


@transaction.atomic
def discard_batch(batch: PaymentBatch, *, by) -> PaymentBatch:
    """Drop a draft batch: its payables go back to their apps (their money stays reserved)."""
    batch = lock_batch(batch)
    require_finance(by, batch.org)
    _require_draft(batch)
    pending = PaymentLine.objects.filter(batch=batch, result=PaymentLine.Result.PENDING)
    source_ids = list(pending.order_by("pk").values_list("source_id", flat=True))
    payables.kind_of(batch.source_type).discarded(batch, source_ids, by=by)
    pending.update(result=PaymentLine.Result.REMOVED)
    batch.status = PaymentBatch.Status.CANCELLED
    batch.save(update_fields=["status", "updated_at"])
    record_event(
        batch, "relief.batch_discarded", by=by, org=batch.org, changes={"lines": len(source_ids)}
    )
    return batch


# ---- Settling -----------------------------------------------------------------------------


def item_states(batch: PaymentBatch, source_ids: Sequence[str]) -> dict:
    """Under lock, where each payable stands (the kind's own rows, read afresh)."""
    return payables.kind_of(batch.source_type).states(batch, list(source_ids))


def settle_lines(batch: PaymentBatch, paid: list[dict], failed: list[dict], *, by) -> int:
    """Pay (spend) and fail (release) lines of a locked batch whose payables are waiting in
    it: `paid` and `failed` hold the lines ({"pk", "source_id", "reference", "amount_fen"},
    failed ones with "reason"). Ledger, lines, the owning app's rows and history, and the
    batch's counters in the caller's transaction. Returns the amount paid."""
    account = funds.account_for(batch.org, batch.earmark)
    funds.settle_many(
        [_settlement(account, batch, line, is_paid=True) for line in paid]
        + [_settlement(account, batch, line, is_paid=False) for line in failed],
        by=by,
        memo=batch.number,
    )
    settled_at = _at(timezone.now())  # adapted once, not once per line
    kind = payables.kind_of(batch.source_type)
    if paid:
        bulk.update_many(
            PaymentLine._meta.db_table,
            ("result", "settled_at"),
            ("id",),
            [(PaymentLine.Result.PAID, settled_at, line["pk"]) for line in paid],
        )
        kind.paid(batch, [_result(line) for line in paid], by=by)
    if failed:
        bulk.update_many(
            PaymentLine._meta.db_table,
            ("result", "result_reason", "settled_at"),
            ("id",),
            [
                (PaymentLine.Result.FAILED, line["reason"][:NOTE_MAX], settled_at, line["pk"])
                for line in failed
            ],
        )
        kind.failed(batch, [_result(line) for line in failed], by=by)
    paid_fen = sum(line["amount_fen"] for line in paid)
    PaymentBatch.objects.filter(pk=batch.pk).update(
        paid_count=F("paid_count") + len(paid),
        paid_fen=F("paid_fen") + paid_fen,
        failed_count=F("failed_count") + len(failed),
    )
    return paid_fen


def _at(moment):
    return connection.ops.adapt_datetimefield_value(moment)


def _settlement(account, batch: PaymentBatch, line: dict, *, is_paid: bool) -> funds.Settlement:
    return funds.Settlement(
        account=account,
        amount_fen=line["amount_fen"],
        source_type=batch.source_type,
        source_id=line["source_id"],
        is_paid=is_paid,
        memo=line["reference"],
    )


def _result(line: dict) -> payables.Result:
    return payables.Result(line["source_id"], line["reference"], line.get("reason", ""))


def classify(
    batch: PaymentBatch, wanted: str, state: payables.State
) -> tuple[str, str]:  # ("settle" | "unchanged" | "refuse", label)
    """What a bank result does to a payable in `state`: settle it, nothing (it already has
    that result), or nothing and an error (it is not waiting in this batch)."""
    target = ItemState.PAID if wanted == PaymentLine.Result.PAID else ItemState.FAILED
    if state.state == target:
        return "unchanged", state.label
    if state.state != ItemState.IN_BATCH:
        return "refuse", state.label
    return "settle", state.label
