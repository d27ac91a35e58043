"""Payables whose rows carry their own status and batch: the half of a payable kind that is
the same for every app, written once.

Campaigns' settlements, merchants' statements, producers' orders, mutual-aid claims, rent
refunds and fee rebates all move the same way once approved: into a draft batch (a failed
one has its amount reserved again first), out of it again, paid or failed by the bank, each
move a bulk update of the rows' status and batch plus, where the app keeps one, a history row
per item. A subclass of `RowPayable` says which model, which field holds the status, which
values it takes, who may not build the batch (segregation of duties) and how a row becomes a
bank line; `kind()` turns it into the `payables.PayableKind` the batches work on.

`core` imports nothing of ours: the subclass brings its models and its ledger calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import payables
from .errors import RuleViolation
from .payables import ItemState, PayableItem, PayeeKind, State

# (row id, action, status before, status after, note, changes) — one history row.
EventRow = tuple[int, str, str, str, str, dict[str, Any]]


def numeric_ids(source_ids: Iterable[str]) -> list[int]:
    """The row ids among the source ids a batch hands back (anything else matches nothing)."""
    return [int(pk) for pk in source_ids if pk.isdigit()]


class RowPayable:
    """One payable kind over one model. Set the class attributes; write `candidates`, `item`,
    `reserve_again`, `nothing_ready` and `not_in_batch`; override the rest where the app
    differs (extra fields when paid, its own history row)."""

    source_type: ClassVar[str]
    noun: ClassVar[str]  # names the kind in batch audit records
    label: ClassVar[Any]  # names it for finance (a lazy translation)
    model: ClassVar[type[models.Model]]
    event_model: ClassVar[type[models.Model] | None] = None  # the history rows, if any
    event_fk: ClassVar[str] = ""  # the history row's key to the row, e.g. "claim_id"
    status_field: ClassVar[str] = "status"
    batch_field: ClassVar[str] = "batch"
    waiting: ClassVar[str]  # approved and not in a batch (where a taken-out row goes back)
    in_batch: ClassVar[str] = "in_batch"
    paid_status: ClassVar[str] = "paid"
    failed_status: ClassVar[str] = "failed"
    makers: ClassVar[tuple[str, ...]] = ("prepared_by", "approved_by")  # may not build it
    item_fields: ClassVar[tuple[str, ...]]  # read for `item`, after the row's id
    related: ClassVar[tuple[str, ...]] = ()  # loaded with a row reserved again
    stamped: ClassVar[bool] = True  # the rows have `updated_at`
    reference: ClassVar[str] = "{pk:06d}"  # the label people quote, e.g. "JS{pk:06d}"
    purpose: ClassVar[str] = ""  # 用途 on the bank file
    payee_kind: ClassVar[PayeeKind] = PayeeKind.ORGANISATION

    # The app's half.

    def candidates(self, org: Any, earmark: Any) -> models.QuerySet[Any]:
        """The rows of the paying union and earmark that may go to the bank (waiting or
        failed), whoever builds the batch."""
        raise NotImplementedError

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem | None:
        """The bank line of one row (id first, then `item_fields`); None leaves it out."""
        raise NotImplementedError

    def line(self, org: Any, earmark: Any, row: tuple[Any, ...], **overrides: Any) -> PayableItem:
        """The bank line of a row read as (id, amount, payee, account, masked account, bank),
        with the kind's reference, purpose and payee kind unless overridden."""
        pk, amount, payee, account, masked, bank = row
        fields: dict[str, Any] = {
            "source_type": self.source_type, "source_id": str(pk),
            "label": self.reference.format(pk=pk), "payee_kind": self.payee_kind,
            "payee_name": payee, "account_encrypted": account, "account_masked": masked,
            "bank_name": bank, "amount_fen": amount, "purpose": self.purpose,
            "earmark_id": earmark.pk, "org_id": org.pk,
        }  # fmt: skip
        return PayableItem(**{**fields, **overrides})

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        """Hold a failed row's amount again before it goes into a new batch; the fen held."""
        raise NotImplementedError

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        raise NotImplementedError

    def not_in_batch(self) -> str:
        raise NotImplementedError

    def label_status(self, status: str) -> str:
        return str(status)

    def paid_fields(self) -> dict[str, Any]:
        """Fields set beside the status when the bank paid (a paid-on day …)."""
        return {}

    def after_paid(self, ids: list[int]) -> None:
        """Anything else the app marks when its rows are paid."""

    def event(self, row: EventRow) -> dict[str, Any]:
        """The history row's fields for one move."""
        pk, action, source, target, note, changes = row
        return {
            self.event_fk: pk,
            "action": action,
            "from_status": source,
            "to_status": target,
            "note": note,
            "changes": changes,
        }

    # The shared half.

    def batchable(self, org: Any, earmark: Any, *, by: Any = None) -> models.QuerySet[Any]:
        """What this person may put into a batch: not what they made or approved."""
        found = self.candidates(org, earmark)
        if by is not None:
            made = Q()
            for field in self.makers:
                made |= Q(**{field: by})
            found = found.exclude(made)
        return found

    def ready(
        self, org: Any, earmark: Any, *, by: Any, source_ids: Sequence[str] | None = None
    ) -> list[PayableItem]:
        found = self.batchable(org, earmark, by=by)
        if source_ids is not None:
            found = found.filter(pk__in=numeric_ids(source_ids))
        rows = (
            found.select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", *self.item_fields)
        )
        items = (self.item(org, earmark, row) for row in rows)
        return [item for item in items if item is not None]

    def record(self, rows: Iterable[EventRow], *, by: Any) -> None:
        """History rows for many moves at once (none where the app keeps no history)."""
        if self.event_model is None:
            return
        actor = by if getattr(by, "is_authenticated", False) else None
        at = timezone.now()
        self.event_model._default_manager.bulk_create(
            self.event_model(**self.event(row), by=actor, at=at) for row in rows
        )

    def _set(self, ids: list[int], status: str, **fields: Any) -> None:
        if self.stamped:
            fields["updated_at"] = timezone.now()
        self.model._default_manager.filter(pk__in=ids).update(
            **{self.status_field: status}, **fields
        )

    def _locked(self) -> models.QuerySet[Any]:
        return self.model._default_manager.select_for_update()

    def put_in_batch(self, batch: Any, source_ids: list[str], *, by: Any) -> None:
        """Into the draft batch; a failed one has its amount reserved again first."""
        found = self._locked().select_related(*self.related)
        rows: list[EventRow] = []
        for obj in found.filter(pk__in=numeric_ids(source_ids)).order_by("pk"):
            status = getattr(obj, self.status_field)
            changes: dict[str, Any] = {"batch": batch.number}
            if status == self.failed_status:
                changes["reserved_fen"] = self.reserve_again(obj, by=by)
            rows.append((obj.pk, "batch", status, self.in_batch, "", changes))
        self._set([row[0] for row in rows], self.in_batch, **{self.batch_field: batch})
        self.record(rows, by=by)

    def _back_to_waiting(self, batch: Any, ids: list[int], *, by: Any, note: str = "") -> None:
        self._set(ids, self.waiting, **{self.batch_field: None})
        changes = {"batch": batch.number}
        self.record(
            ((pk, "unbatch", self.in_batch, self.waiting, note, changes) for pk in ids), by=by
        )

    def _in_batch(self, batch: Any) -> models.QuerySet[Any]:
        return self._locked().filter(**{self.batch_field: batch, self.status_field: self.in_batch})

    def taken_out(self, batch: Any, source_id: str, *, by: Any, note: str) -> None:
        """One row out of a draft batch: waiting again, its money still reserved."""
        found = self._in_batch(batch).filter(pk__in=numeric_ids([source_id]))
        ids = list(found.values_list("pk", flat=True))
        if not ids:
            raise RuleViolation(self.not_in_batch(), code="not_in_batch")
        self._back_to_waiting(batch, ids, by=by, note=note[:200])

    def discarded(self, batch: Any, source_ids: list[str], *, by: Any) -> None:
        ids = list(self._in_batch(batch).values_list("pk", flat=True))
        self._back_to_waiting(batch, ids, by=by)

    def states(self, batch: Any, source_ids: list[str]) -> dict[str, State]:
        mine = {
            self.paid_status: ItemState.PAID,
            self.failed_status: ItemState.FAILED,
            self.in_batch: ItemState.IN_BATCH,
        }
        found = self._locked().filter(pk__in=numeric_ids(source_ids))
        result = {}
        for pk, status, batch_id in found.values_list(
            "pk", self.status_field, f"{self.batch_field}_id"
        ):
            if batch_id == batch.pk and status in mine:
                result[str(pk)] = State(mine[status])
            else:
                result[str(pk)] = State(ItemState.ELSEWHERE, self.label_status(status))
        return result

    def paid(self, batch: Any, results: list[payables.Result], *, by: Any) -> None:
        ids = [int(r.source_id) for r in results]
        self._set(ids, self.paid_status, **self.paid_fields())
        self.after_paid(ids)
        self.record(
            (
                (int(r.source_id), "pay", self.in_batch, self.paid_status, "",
                 {"reference": r.reference})
                for r in results
            ),
            by=by,
        )  # fmt: skip

    def failed(self, batch: Any, results: list[payables.Result], *, by: Any) -> None:
        """The bank refused them: failed (the batch released the money), kept on this batch
        until they go into a new one."""
        self._set([int(r.source_id) for r in results], self.failed_status)
        self.record(
            (
                (int(r.source_id), "fail", self.in_batch, self.failed_status, r.reason[:200],
                 {"reference": r.reference})
                for r in results
            ),
            by=by,
        )  # fmt: skip

    def kind(self) -> payables.PayableKind:
        return payables.PayableKind(
            source_type=self.source_type,
            noun=self.noun,
            label=self.label,
            ready=self.ready,
            put_in_batch=self.put_in_batch,
            taken_out=self.taken_out,
            discarded=self.discarded,
            states=self.states,
            paid=self.paid,
            failed=self.failed,
            nothing_ready=self.nothing_ready,
        )
