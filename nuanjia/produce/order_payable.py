"""Buy-to-help orders as a payable kind ("produce.order"): received orders go to the bank in a
batch, to the producer's account (a farmer's own account 代发, a cooperative's or firm's 对公),
and come back paid or failed, each with its HelpOrderEvent. Registered in registrations.

The money follows campaigns' settlements: reserved on approval, spent when the bank paid,
released when it failed (by the batch, in its transaction); a failed order put in a new
batch has its amount reserved again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock, payables
from nuanjia.core.errors import RuleViolation
from nuanjia.core.payables import ItemState, PayableItem, PayeeKind, State

from .models import HelpOrder, HelpOrderEvent, OrderLine
from .rules import OrderStatus, ProducerKind
from .services.orders import ORDER_SOURCE, reserve
from .workflow import ORDER_FLOW

_WAITING = (OrderStatus.RECEIVED, OrderStatus.FAILED)


def batchable_orders(org: Any, earmark: Any, *, by: Any = None) -> Any:
    """Received (or failed) orders of the union and earmark, not in a batch; the builder
    neither submitted nor approved them (segregation of duties)."""
    found = HelpOrder.objects.filter(org=org, earmark=earmark, status__in=_WAITING)
    if by is not None:
        found = found.exclude(Q(submitted_by=by) | Q(approved_by=by))
    return found.exclude(producer__account_encrypted="")


def ready(
    org: Any, earmark: Any, *, by: Any, source_ids: Sequence[str] | None = None
) -> list[PayableItem]:
    candidates = batchable_orders(org, earmark, by=by)
    if source_ids is not None:
        candidates = candidates.filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
    rows = (
        candidates.select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk", "amount_fen", "producer__kind", "producer__payee_name", "producer__name",
            "producer__account_encrypted", "producer__account_masked", "producer__bank_name",
        )
    )  # fmt: skip
    return [
        PayableItem(
            source_type=ORDER_SOURCE,
            source_id=str(pk),
            label=f"XF{pk:06d}",
            payee_kind=PayeeKind.PERSON if kind == ProducerKind.FARMER else PayeeKind.ORGANISATION,
            payee_name=payee or name,
            account_encrypted=account,
            account_masked=masked,
            bank_name=bank,
            amount_fen=amount,
            purpose="消费帮扶货款",
            earmark_id=earmark.pk,
            org_id=org.pk,
        )
        for pk, amount, kind, payee, name, account, masked, bank in rows
    ]


def nothing_ready(org: Any, earmark: Any) -> str:
    return _(
        "No received buy-to-help order of %(org)s from %(earmark)s can go to the bank (you must "
        "not have submitted or approved it, and the producer needs an account)."
    ) % {"org": org, "earmark": earmark}


def _events(rows: Any, *, by: Any) -> None:
    actor = by if getattr(by, "is_authenticated", False) else None
    at = timezone.now()
    HelpOrderEvent.objects.bulk_create(
        HelpOrderEvent(
            order_id=pk, action=action, from_status=source, to_status=target,
            note=note, changes=changes, by=actor, at=at,
        )
        for pk, action, source, target, note, changes in rows
    )  # fmt: skip


def put_in_batch(batch: Any, source_ids: list[str], *, by: Any) -> None:
    orders = list(
        HelpOrder.objects.select_for_update()
        .select_related("org", "earmark")
        .filter(pk__in=[int(pk) for pk in source_ids])
        .order_by("pk")
    )
    rows = []
    for order in orders:
        changes: dict[str, Any] = {"batch": batch.number}
        if order.status == OrderStatus.FAILED:
            reserve(order, by=by)
            changes["reserved_fen"] = order.amount_fen
        rows.append((order.pk, "batch", order.status, OrderStatus.IN_BATCH, "", changes))
    HelpOrder.objects.filter(pk__in=[o.pk for o in orders]).update(
        status=OrderStatus.IN_BATCH, batch=batch, updated_at=timezone.now()
    )
    _events(rows, by=by)


def _back_to_received(batch: Any, ids: list[int], *, by: Any, note: str = "") -> None:
    HelpOrder.objects.filter(pk__in=ids).update(
        status=OrderStatus.RECEIVED, batch=None, updated_at=timezone.now()
    )
    _events(
        ((pk, "unbatch", OrderStatus.IN_BATCH, OrderStatus.RECEIVED, note, {"batch": batch.number})
         for pk in ids),
        by=by,
    )  # fmt: skip


def taken_out(batch: Any, source_id: str, *, by: Any, note: str) -> None:
    ids = list(
        HelpOrder.objects.select_for_update()
        .filter(pk=int(source_id) if source_id.isdigit() else 0, batch=batch)
        .filter(status=OrderStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    if not ids:
        raise RuleViolation(_("The order is not in this batch."), code="not_in_batch")
    _back_to_received(batch, ids, by=by, note=note[:200])


def discarded(batch: Any, source_ids: list[str], *, by: Any) -> None:
    ids = list(
        HelpOrder.objects.select_for_update()
        .filter(batch=batch, status=OrderStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    _back_to_received(batch, ids, by=by)


def states(batch: Any, source_ids: list[str]) -> dict[str, State]:
    found = (
        HelpOrder.objects.select_for_update()
        .filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
        .values_list("pk", "status", "batch_id")
    )
    result = {}
    for pk, status, batch_id in found:
        mine = batch_id == batch.pk
        if status == OrderStatus.PAID and mine:
            result[str(pk)] = State(ItemState.PAID)
        elif status == OrderStatus.FAILED and mine:
            result[str(pk)] = State(ItemState.FAILED)
        elif status == OrderStatus.IN_BATCH and mine:
            result[str(pk)] = State(ItemState.IN_BATCH)
        else:
            result[str(pk)] = State(ItemState.ELSEWHERE, ORDER_FLOW.label_status(status))
    return result


def paid(batch: Any, results: list[payables.Result], *, by: Any) -> None:
    """Paid to the producer: the lines count as 帮助增收 from now on."""
    ids = [int(r.source_id) for r in results]
    HelpOrder.objects.filter(pk__in=ids).update(
        status=OrderStatus.PAID, paid_on=clock.today(), updated_at=timezone.now()
    )
    OrderLine.objects.filter(order_id__in=ids).update(paid=True)
    _events(
        ((int(r.source_id), "pay", OrderStatus.IN_BATCH, OrderStatus.PAID, "",
          {"reference": r.reference}) for r in results),
        by=by,
    )  # fmt: skip


def failed(batch: Any, results: list[payables.Result], *, by: Any) -> None:
    ids = [int(r.source_id) for r in results]
    HelpOrder.objects.filter(pk__in=ids).update(
        status=OrderStatus.FAILED, updated_at=timezone.now()
    )
    _events(
        ((int(r.source_id), "fail", OrderStatus.IN_BATCH, OrderStatus.FAILED, r.reason[:200],
          {"reference": r.reference}) for r in results),
        by=by,
    )  # fmt: skip


ORDER_PAYABLE = payables.PayableKind(
    source_type=ORDER_SOURCE,
    noun="order",
    label=gettext_lazy("Buy-to-help orders"),
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
    payables.register(ORDER_PAYABLE)
