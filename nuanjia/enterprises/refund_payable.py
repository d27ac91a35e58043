"""The refund of rent already paid for relieved months as a payable kind
("enterprises.rent_refund"): an approved relief's refund goes to the bank in a 对公 batch, to the
tenant firm's account, and comes back paid or failed with a history row on the relief.

The money follows relief's grants: reserved on approval, spent when the bank paid, released
when it failed (by the batch, in its transaction). A failed refund may go into a new batch:
putting it in reserves its amount again."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import payables
from nuanjia.core.errors import RuleViolation
from nuanjia.core.payables import ItemState, PayableItem, PayeeKind, State

from .models import RentRelief, RentReliefEvent
from .rules import RefundStatus, ReliefStatus
from .services.relief import RENT_REFUND_SOURCE, reserve_refund

_WAITING = (RefundStatus.WAITING, RefundStatus.FAILED)


def batchable_refunds(org, earmark, *, by=None):
    """Approved reliefs' refunds of the paying union and earmark not in a batch, to firms
    with an account; the builder neither proposed nor approved the relief."""
    found = RentRelief.objects.filter(
        payer=org, earmark=earmark, status=ReliefStatus.APPROVED, refund_status__in=_WAITING
    ).exclude(lease__tenant__account_encrypted="")
    if by is not None:
        found = found.exclude(Q(proposed_by=by) | Q(approved_by=by))
    return found


def ready(org, earmark, *, by, source_ids: Sequence[str] | None = None) -> list[PayableItem]:
    candidates = batchable_refunds(org, earmark, by=by)
    if source_ids is not None:
        candidates = candidates.filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
    rows = (
        candidates.select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk", "refund_fen", "lease__tenant__account_name", "lease__tenant__employer__name",
            "lease__tenant__account_encrypted", "lease__tenant__account_masked",
            "lease__tenant__bank_name",
        )
    )  # fmt: skip
    return [
        PayableItem(
            source_type=RENT_REFUND_SOURCE,
            source_id=str(pk),
            label=f"JM{pk:06d}",
            payee_kind=PayeeKind.ORGANISATION,
            payee_name=(account_name or firm)[:100],
            account_encrypted=account,
            account_masked=masked,
            bank_name=bank,
            amount_fen=amount,
            purpose="房租减免退款",
            earmark_id=earmark.pk,
            org_id=org.pk,
        )
        for pk, amount, account_name, firm, account, masked, bank in rows
    ]


def nothing_ready(org, earmark) -> str:
    return _(
        "No approved rent refund of %(org)s from %(earmark)s can go to the bank (you must not "
        "have proposed or approved it, and the firm needs an account)."
    ) % {"org": org, "earmark": earmark}


def _events(rows, *, by) -> None:
    actor = by if getattr(by, "is_authenticated", False) else None
    at = timezone.now()
    RentReliefEvent.objects.bulk_create(
        RentReliefEvent(
            relief_id=pk, action=action, from_status=ReliefStatus.APPROVED,
            to_status=ReliefStatus.APPROVED, note=note, changes=changes, by=actor, at=at,
        )
        for pk, action, note, changes in rows
    )  # fmt: skip


def _set(ids, status, **extra) -> None:
    RentRelief.objects.filter(pk__in=ids).update(
        refund_status=status, updated_at=timezone.now(), **extra
    )


def put_in_batch(batch, source_ids: list[str], *, by) -> None:
    reliefs = list(
        RentRelief.objects.select_for_update()
        .select_related("payer", "earmark")
        .filter(pk__in=[int(pk) for pk in source_ids])
        .order_by("pk")
    )
    rows = []
    for relief in reliefs:
        changes = {"batch": batch.number, "refund_status": [relief.refund_status, "in_batch"]}
        if relief.refund_status == RefundStatus.FAILED:
            reserve_refund(relief, by=by)
            changes["reserved_fen"] = relief.refund_fen
        rows.append((relief.pk, "batch", "", changes))
    _set([r.pk for r in reliefs], RefundStatus.IN_BATCH, batch=batch)
    _events(rows, by=by)


def _back_to_waiting(batch, ids: list[int], *, by, note: str = "") -> None:
    _set(ids, RefundStatus.WAITING, batch=None)
    _events(((pk, "unbatch", note, {"batch": batch.number}) for pk in ids), by=by)


def taken_out(batch, source_id: str, *, by, note: str) -> None:
    ids = list(
        RentRelief.objects.select_for_update()
        .filter(pk=int(source_id) if source_id.isdigit() else 0, batch=batch)
        .filter(refund_status=RefundStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    if not ids:
        raise RuleViolation(_("The refund is not in this batch."), code="not_in_batch")
    _back_to_waiting(batch, ids, by=by, note=note[:200])


def discarded(batch, source_ids: list[str], *, by) -> None:
    ids = list(
        RentRelief.objects.select_for_update()
        .filter(batch=batch, refund_status=RefundStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    _back_to_waiting(batch, ids, by=by)


def states(batch, source_ids: list[str]) -> dict[str, State]:
    found = (
        RentRelief.objects.select_for_update()
        .filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
        .values_list("pk", "refund_status", "batch_id")
    )
    mine: dict[str, ItemState] = {
        RefundStatus.PAID: ItemState.PAID,
        RefundStatus.FAILED: ItemState.FAILED,
        RefundStatus.IN_BATCH: ItemState.IN_BATCH,
    }
    result = {}
    for pk, status, batch_id in found:
        if batch_id == batch.pk and status in mine:
            result[str(pk)] = State(mine[status])
        else:
            result[str(pk)] = State(ItemState.ELSEWHERE, str(RefundStatus(status).label))
    return result


def paid(batch, results: list[payables.Result], *, by) -> None:
    _set([int(r.source_id) for r in results], RefundStatus.PAID)
    _events(((int(r.source_id), "pay", "", {"reference": r.reference}) for r in results), by=by)


def failed(batch, results: list[payables.Result], *, by) -> None:
    _set([int(r.source_id) for r in results], RefundStatus.FAILED)
    _events(
        ((int(r.source_id), "fail", r.reason[:200], {"reference": r.reference}) for r in results),
        by=by,
    )


RENT_REFUND_PAYABLE = payables.PayableKind(
    source_type=RENT_REFUND_SOURCE,
    noun="rent_refund",
    label=gettext_lazy("Rent refunds"),
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
    payables.register(RENT_REFUND_PAYABLE)
