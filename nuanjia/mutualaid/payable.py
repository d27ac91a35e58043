"""Approved claims as a payable kind ("mutualaid.claim"): the pool's union pays them in a 代发
batch to the member's account and each comes back paid or failed, exactly once (the ledger's
one spend per source). Registered in registrations.

The money follows relief's grants: reserved in the pool's account on approval, spent when the
bank paid, released when it failed; a failed claim put into a new batch is reserved again."""

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

from .models import Claim, ClaimEvent
from .rules import SOURCE_CLAIM, ClaimStatus
from .services.decisions import reserve_payment
from .workflow import CLAIM_FLOW

_WAITING = (ClaimStatus.APPROVED, ClaimStatus.FAILED)


def ready(
    org: Any, earmark: Any, *, by: Any, source_ids: Sequence[str] | None = None
) -> list[PayableItem]:
    found = Claim.objects.filter(pool_org=org, plan__earmark=earmark, status__in=_WAITING)
    if by is not None:
        found = found.exclude(Q(submitted_by=by) | Q(approved_by=by))
    if source_ids is not None:
        found = found.filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
    rows = (
        found.select_for_update(of=("self",))
        .order_by("pk")
        .values_list(
            "pk", "approved_fen", "worker__name", "account_encrypted", "account_masked", "bank_name"
        )
    )
    return [
        PayableItem(
            source_type=SOURCE_CLAIM, source_id=str(pk), label=f"LP{pk:07d}",
            payee_kind=PayeeKind.PERSON, payee_name=name, account_encrypted=account,
            account_masked=masked, bank_name=bank, amount_fen=amount, purpose="互助保障金",
            earmark_id=earmark.pk, org_id=org.pk,
        )
        for pk, amount, name, account, masked, bank in rows
    ]  # fmt: skip


def nothing_ready(org: Any, earmark: Any) -> str:
    return _(
        "No approved mutual aid claim of %(org)s can go to the bank (you must not have entered "
        "or approved it)."
    ) % {"org": org}


def _events(rows: Any, *, by: Any) -> None:
    actor = by if getattr(by, "is_authenticated", False) else None
    at = timezone.now()
    ClaimEvent.objects.bulk_create(
        ClaimEvent(claim_id=pk, action=action, from_status=source, to_status=target, note=note,
                   changes=changes, by=actor, at=at)
        for pk, action, source, target, note, changes in rows
    )  # fmt: skip


def put_in_batch(batch: Any, source_ids: list[str], *, by: Any) -> None:
    claims = list(
        Claim.objects.select_for_update()
        .select_related("plan")
        .filter(pk__in=[int(pk) for pk in source_ids])
        .order_by("pk")
    )
    rows = []
    for claim in claims:
        changes: dict[str, Any] = {"batch": batch.number}
        if claim.status == ClaimStatus.FAILED:
            reserve_payment(claim, by=by)
            changes["reserved_fen"] = claim.approved_fen
        rows.append((claim.pk, "batch", claim.status, ClaimStatus.IN_BATCH, "", changes))
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
        status=ClaimStatus.IN_BATCH, batch=batch, updated_at=timezone.now()
    )
    _events(rows, by=by)


def _back(batch: Any, ids: list[int], *, by: Any, note: str = "") -> None:
    Claim.objects.filter(pk__in=ids).update(
        status=ClaimStatus.APPROVED, batch=None, updated_at=timezone.now()
    )
    _events(
        (
            (
                pk,
                "unbatch",
                ClaimStatus.IN_BATCH,
                ClaimStatus.APPROVED,
                note,
                {"batch": batch.number},
            )
            for pk in ids
        ),
        by=by,
    )


def taken_out(batch: Any, source_id: str, *, by: Any, note: str) -> None:
    ids = list(
        Claim.objects.select_for_update()
        .filter(
            pk=int(source_id) if source_id.isdigit() else 0,
            batch=batch,
            status=ClaimStatus.IN_BATCH,
        )
        .values_list("pk", flat=True)
    )
    if not ids:
        raise RuleViolation(_("The claim is not in this batch."), code="not_in_batch")
    _back(batch, ids, by=by, note=note[:200])


def discarded(batch: Any, source_ids: list[str], *, by: Any) -> None:
    ids = list(
        Claim.objects.select_for_update()
        .filter(batch=batch, status=ClaimStatus.IN_BATCH)
        .values_list("pk", flat=True)
    )
    _back(batch, ids, by=by)


def states(batch: Any, source_ids: list[str]) -> dict[str, State]:
    found = (
        Claim.objects.select_for_update()
        .filter(pk__in=[int(pk) for pk in source_ids if pk.isdigit()])
        .values_list("pk", "status", "batch_id")
    )
    mine: dict[str, ItemState] = {
        ClaimStatus.PAID: ItemState.PAID,
        ClaimStatus.FAILED: ItemState.FAILED,
        ClaimStatus.IN_BATCH: ItemState.IN_BATCH,
    }
    result = {}
    for pk, status, batch_id in found:
        if batch_id == batch.pk and status in mine:
            result[str(pk)] = State(mine[status])
        else:
            result[str(pk)] = State(ItemState.ELSEWHERE, CLAIM_FLOW.label_status(status))
    return result


def paid(batch: Any, results: list[payables.Result], *, by: Any) -> None:
    ids = [int(r.source_id) for r in results]
    Claim.objects.filter(pk__in=ids).update(
        status=ClaimStatus.PAID, paid_on=clock.today(), updated_at=timezone.now()
    )
    _events(
        (
            (
                int(r.source_id),
                "pay",
                ClaimStatus.IN_BATCH,
                ClaimStatus.PAID,
                "",
                {"reference": r.reference},
            )
            for r in results
        ),
        by=by,
    )


def failed(batch: Any, results: list[payables.Result], *, by: Any) -> None:
    ids = [int(r.source_id) for r in results]
    Claim.objects.filter(pk__in=ids).update(status=ClaimStatus.FAILED, updated_at=timezone.now())
    _events(
        ((int(r.source_id), "fail", ClaimStatus.IN_BATCH, ClaimStatus.FAILED, r.reason[:200], {"reference": r.reference})
         for r in results),
        by=by,
    )  # fmt: skip


CLAIM_PAYABLE = payables.PayableKind(
    source_type=SOURCE_CLAIM, noun="claim", label=gettext_lazy("Mutual aid claims"),
    ready=ready, put_in_batch=put_in_batch, taken_out=taken_out, discarded=discarded,
    states=states, paid=paid, failed=failed, nothing_ready=nothing_ready,
)  # fmt: skip


def register() -> None:
    payables.register(CLAIM_PAYABLE)
