"""Fee rebates as a payable kind ("enterprises.fee_rebate"): approved rebates go to the bank in
a 对公 batch, to the firm's union account; paid or failed by the bank's results. The money was
reserved per rebate on approval; the batch spends or releases it; a failed rebate put in a new
batch is reserved again."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import payables
from nuanjia.core.errors import RuleViolation
from nuanjia.core.payables import ItemState, PayableItem, PayeeKind, State
from nuanjia.funds import services as funds

from .models import Rebate
from .rules import RebateStatus
from .services.rebates import REBATE_SOURCE

_WAITING = (RebateStatus.APPROVED, RebateStatus.FAILED)


def ready(org, earmark, *, by, source_ids: Sequence[str] | None = None) -> list[PayableItem]:
    found = Rebate.objects.filter(org=org, earmark=earmark, status__in=_WAITING)
    if by is not None:
        found = found.exclude(Q(batch__staged_by=by) | Q(batch__approved_by=by))
    if source_ids is not None:
        found = found.filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
    rows = found.select_for_update(of=("self",)).order_by("pk").values_list(
        "pk", "amount_fen", "firm__union_account_name", "firm__employer__name",
        "firm__union_account_encrypted", "firm__union_account_masked", "firm__union_bank_name",
    )  # fmt: skip
    return [
        PayableItem(
            source_type=REBATE_SOURCE,
            source_id=str(pk),
            label=f"FK{pk:08d}",
            payee_kind=PayeeKind.ORGANISATION,
            payee_name=(name or f"{firm}工会")[:100],
            account_encrypted=account,
            account_masked=masked,
            bank_name=bank,
            amount_fen=amount,
            purpose="工会经费返还",
            earmark_id=earmark.pk,
            org_id=org.pk,
        )
        for pk, amount, name, firm, account, masked, bank in rows
        if amount > 0
    ]


def nothing_ready(org, earmark) -> str:
    return _(
        "No approved fee rebate of %(org)s from %(earmark)s can go to the bank (you must not "
        "have staged or approved it)."
    ) % {"org": org, "earmark": earmark}


def put_in_batch(batch, source_ids: list[str], *, by) -> None:
    rebates = list(
        Rebate.objects.select_for_update().select_related("org", "earmark")
        .filter(pk__in=[int(pk) for pk in source_ids]).order_by("pk")
    )  # fmt: skip
    for rebate in rebates:
        if rebate.status == RebateStatus.FAILED:
            funds.reserve(
                funds.account_for(rebate.org, rebate.earmark), rebate.amount_fen, by=by,
                source_type=REBATE_SOURCE, source_id=str(rebate.pk), memo=str(rebate),
            )  # fmt: skip
    Rebate.objects.filter(pk__in=[r.pk for r in rebates]).update(
        status=RebateStatus.IN_BATCH, payment_batch=batch
    )


def taken_out(batch, source_id: str, *, by, note: str) -> None:
    moved = Rebate.objects.filter(
        pk=int(source_id) if source_id.isdigit() else 0, payment_batch=batch,
        status=RebateStatus.IN_BATCH,
    ).update(status=RebateStatus.APPROVED, payment_batch=None)  # fmt: skip
    if not moved:
        raise RuleViolation(_("The rebate is not in this batch."), code="not_in_batch")


def discarded(batch, source_ids: list[str], *, by) -> None:
    Rebate.objects.filter(payment_batch=batch, status=RebateStatus.IN_BATCH).update(
        status=RebateStatus.APPROVED, payment_batch=None
    )


def states(batch, source_ids: list[str]) -> dict[str, State]:
    mine: dict[str, ItemState] = {
        RebateStatus.PAID: ItemState.PAID,
        RebateStatus.FAILED: ItemState.FAILED,
        RebateStatus.IN_BATCH: ItemState.IN_BATCH,
    }
    result = {}
    found = Rebate.objects.select_for_update().filter(
        pk__in=[int(pk) for pk in source_ids if pk.isdigit()]
    ).values_list("pk", "status", "payment_batch_id")  # fmt: skip
    for pk, status, batch_id in found:
        if batch_id == batch.pk and status in mine:
            result[str(pk)] = State(mine[status])
        else:
            result[str(pk)] = State(ItemState.ELSEWHERE, str(RebateStatus(status).label))
    return result


def paid(batch, results: list[payables.Result], *, by) -> None:
    Rebate.objects.filter(pk__in=[int(r.source_id) for r in results]).update(
        status=RebateStatus.PAID
    )


def failed(batch, results: list[payables.Result], *, by) -> None:
    Rebate.objects.filter(pk__in=[int(r.source_id) for r in results]).update(
        status=RebateStatus.FAILED
    )


REBATE_PAYABLE = payables.PayableKind(
    source_type=REBATE_SOURCE, noun="fee_rebate", label=gettext_lazy("Union fee rebates"),
    ready=ready, put_in_batch=put_in_batch, taken_out=taken_out, discarded=discarded,
    states=states, paid=paid, failed=failed, nothing_ready=nothing_ready,
)  # fmt: skip


def register() -> None:
    payables.register(REBATE_PAYABLE)
