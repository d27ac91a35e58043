"""Partner settlements as a payable kind ("campaigns.settlement"): approved statements go to the
bank in a 对公 batch, to the account on the contract, and come back paid or failed, each with
its SettlementEvent. Registered in campaigns.registrations.

The money follows relief's grants: reserved on approval, spent when the bank paid, released
when it failed (by the batch, in its transaction). A failed settlement may go into a new batch:
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

from .models import Settlement, SettlementEvent
from .rules import ActivityKind, SettlementStatus
from .services.settlements import SETTLEMENT_SOURCE, reserve
from .workflow import SETTLEMENT_FLOW

# 用途 on the bank file, by the kind of activity settled.
PURPOSES = {
    ActivityKind.HEALTH_CHECK: "体检结算",
    ActivityKind.BREAKFAST: "早餐结算",
    ActivityKind.TRIP: "疗休养结算",
}
_WAITING = (SettlementStatus.APPROVED, SettlementStatus.FAILED)


def batchable_settlements(org, earmark, *, by=None):
    """Approved (or failed) settlements of the paying union and earmark not in a batch; the
    builder (segregation of duties) neither prepared nor approved them."""
    found = Settlement.objects.filter(org=org, earmark=earmark, status__in=_WAITING)
    if by is not None:
        found = found.exclude(Q(prepared_by=by) | Q(approved_by=by))
    return found


def ready(org, earmark, *, by, source_ids: Sequence[str] | None = None) -> list[PayableItem]:
    candidates = batchable_settlements(org, earmark, by=by)
    if source_ids is not None:
        candidates = candidates.filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
    rows = (
        candidates.select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk",
            "amount_fen",
            "activity__kind",
            "contract__payee_name",
            "contract__account_encrypted",
            "contract__account_masked",
            "contract__bank_name",
        )
    )
    return [
        PayableItem(
            source_type=SETTLEMENT_SOURCE,
            source_id=str(pk),
            label=f"JS{pk:06d}",
            payee_kind=PayeeKind.ORGANISATION,
            payee_name=payee,
            account_encrypted=account,
            account_masked=masked,
            bank_name=bank,
            amount_fen=amount,
            purpose=PURPOSES.get(kind, "结算"),
            earmark_id=earmark.pk,
            org_id=org.pk,
        )
        for pk, amount, kind, payee, account, masked, bank in rows
    ]


def nothing_ready(org, earmark) -> str:
    return _(
        "No approved settlement of %(org)s from %(earmark)s can go to the bank (you must not "
        "have prepared or approved it)."
    ) % {"org": org, "earmark": earmark}


def _events(rows, *, by) -> None:
    """History rows (settlement, action, from, to, note, changes) for many at once."""
    actor = by if getattr(by, "is_authenticated", False) else None
    at = timezone.now()
    SettlementEvent.objects.bulk_create(
        SettlementEvent(
            settlement_id=pk, action=action, from_status=source, to_status=target,
            note=note, changes=changes, by=actor, at=at,
        )
        for pk, action, source, target, note, changes in rows
    )  # fmt: skip


def put_in_batch(batch, source_ids: list[str], *, by) -> None:
    """Into the draft batch; a failed one has its amount reserved again first."""
    settlements = list(
        Settlement.objects.select_for_update()
        .select_related("org", "earmark")
        .filter(pk__in=[int(pk) for pk in source_ids])
        .order_by("pk")
    )
    rows = []
    for settlement in settlements:
        changes = {"batch": batch.number}
        if settlement.status == SettlementStatus.FAILED:
            reserve(settlement, by=by)
            changes["reserved_fen"] = settlement.amount_fen
        rows.append(
            (settlement.pk, "batch", settlement.status, SettlementStatus.IN_BATCH, "", changes)
        )
    Settlement.objects.filter(pk__in=[s.pk for s in settlements]).update(
        status=SettlementStatus.IN_BATCH, batch=batch, updated_at=timezone.now()
    )
    _events(rows, by=by)


def _back_to_approved(batch, ids: list[int], *, by, note: str = "") -> None:
    Settlement.objects.filter(pk__in=ids).update(
        status=SettlementStatus.APPROVED, batch=None, updated_at=timezone.now()
    )
    _events(
        (
            (pk, "unbatch", SettlementStatus.IN_BATCH, SettlementStatus.APPROVED, note,
             {"batch": batch.number})
            for pk in ids
        ),
        by=by,
    )  # fmt: skip


def taken_out(batch, source_id: str, *, by, note: str) -> None:
    """One settlement out of a draft batch: back to approved, its money still reserved."""
    found = (
        Settlement.objects.select_for_update()
        .filter(pk=int(source_id) if source_id.isdigit() else 0, batch=batch)
        .filter(status=SettlementStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    ids = list(found)
    if not ids:
        raise RuleViolation(_("The settlement is not in this batch."), code="not_in_batch")
    _back_to_approved(batch, ids, by=by, note=note[:200])


def discarded(batch, source_ids: list[str], *, by) -> None:
    ids = list(
        Settlement.objects.select_for_update()
        .filter(batch=batch, status=SettlementStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    _back_to_approved(batch, ids, by=by)


def states(batch, source_ids: list[str]) -> dict[str, State]:
    found = (
        Settlement.objects.select_for_update()
        .filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
        .values_list("pk", "status", "batch_id")
    )
    result = {}
    for pk, status, batch_id in found:
        if status == SettlementStatus.PAID and batch_id == batch.pk:
            result[str(pk)] = State(ItemState.PAID)
        elif status == SettlementStatus.FAILED and batch_id == batch.pk:
            result[str(pk)] = State(ItemState.FAILED)
        elif status == SettlementStatus.IN_BATCH and batch_id == batch.pk:
            result[str(pk)] = State(ItemState.IN_BATCH)
        else:
            result[str(pk)] = State(ItemState.ELSEWHERE, SETTLEMENT_FLOW.label_status(status))
    return result


def paid(batch, results: list[payables.Result], *, by) -> None:
    ids = [int(r.source_id) for r in results]
    Settlement.objects.filter(pk__in=ids).update(
        status=SettlementStatus.PAID, updated_at=timezone.now()
    )
    _events(
        (
            (int(r.source_id), "pay", SettlementStatus.IN_BATCH, SettlementStatus.PAID, "",
             {"reference": r.reference})
            for r in results
        ),
        by=by,
    )  # fmt: skip


def failed(batch, results: list[payables.Result], *, by) -> None:
    """The bank refused them: failed (the batch released the money), kept on this batch
    until it goes into a new one."""
    ids = [int(r.source_id) for r in results]
    Settlement.objects.filter(pk__in=ids).update(
        status=SettlementStatus.FAILED, updated_at=timezone.now()
    )
    _events(
        (
            (int(r.source_id), "fail", SettlementStatus.IN_BATCH, SettlementStatus.FAILED,
             r.reason[:200], {"reference": r.reference})
            for r in results
        ),
        by=by,
    )  # fmt: skip


SETTLEMENT_PAYABLE = payables.PayableKind(
    source_type=SETTLEMENT_SOURCE,
    noun="settlement",
    label=gettext_lazy("Partner settlements"),
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
    payables.register(SETTLEMENT_PAYABLE)
