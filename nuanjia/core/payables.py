"""The payable registry: what payment batches can pay, filled by the apps that own payables.

A payable is anything an app owes someone and pays through the bank: a relief grant to a
worker, a benefit settlement to a merchant, a fee rebate to a firm's union. Payment batches
(one paying union and earmark, one bank file) work on this interface only; the owning app
registers a `PayableKind` at start-up (AppConfig.ready) with:

- `ready(org, earmark, *, by, source_ids)`: the items of the paying union and earmark that
  may go into a batch now, their rows locked (a payable is in at most one open batch);
- `put_in_batch`, `taken_out`, `discarded`: the app moves its own rows and writes their
  history when items go into a draft batch, one is taken out, or the draft is dropped;
- `states(batch_id, source_ids)`: under lock, where each item stands, so a bank result is
  applied only to an item still waiting in that batch;
- `paid`, `failed`: the app moves its rows and history when the bank paid or refused them.

The money is the ledger's: an item's amount is held reserved under its own source
(source_type, source_id) while it waits — the app reserves when it approves — and the batch
spends it when paid, releases it when failed, in the same transaction as the callbacks.
`core` imports nothing of ours, so this module names no app and no model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class PayeeKind(StrEnum):
    """Who receives the money: the bank file's layout follows it."""

    PERSON = "person"  # 代发: a person's own account (工资卡、社保卡)
    ORGANISATION = "organisation"  # 对公: a hospital's, shop's, firm's or union's account


class ItemState(StrEnum):
    """Where a payable stands when a bank result arrives for it."""

    IN_BATCH = "in_batch"  # waiting in this batch for the bank
    PAID = "paid"  # already paid (a second result "paid" changes nothing)
    FAILED = "failed"  # already failed in this batch
    ELSEWHERE = "elsewhere"  # anything else: not this batch's to settle


@dataclass(frozen=True, slots=True)
class PayableItem:
    """One amount owed, as a batch line needs it. The account is the encrypted token
    (core.crypto) and its masked form; the bank file decrypts it, pages show the mask."""

    source_type: str  # the registered kind, e.g. "relief.grant"
    source_id: str  # the owning row's key, as the ledger names it
    label: str  # the number people quote (RG000123); the bank reference ends with it
    payee_kind: PayeeKind
    payee_name: str
    account_encrypted: str
    account_masked: str
    bank_name: str
    amount_fen: int
    purpose: str  # 用途 on the bank file (the grant type, "商户结算", "会费返还" …)
    earmark_id: int
    org_id: int  # the paying union


@dataclass(frozen=True, slots=True)
class Result:
    """A bank result handed to the owning app's `paid` or `failed` callback."""

    source_id: str
    reference: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class State:
    state: ItemState
    label: str = ""  # the app's own word for where it stands, for the refusal message


Callback = Callable[..., Any]


@dataclass(frozen=True)
class PayableKind:
    """One registered kind of payable: its source type, its items and its callbacks.

    `noun` names the kind in batch audit records ("grant": first_grant, last_grant); `label`
    names it for people (finance chooses what to pay by it), a lazy translation or text.
    Signatures (batch is the payment batch row; `by` the acting person or None):
    ready(org, earmark, *, by, source_ids=None) -> list[PayableItem], rows locked;
    put_in_batch(batch, source_ids, *, by); taken_out(batch, source_id, *, by, note) (one
    item, audited as a step of its own); discarded(batch, source_ids, *, by);
    states(batch, source_ids) -> {source_id: State}, rows locked;
    paid(batch, results, *, by); failed(batch, results, *, by);
    nothing_ready(org, earmark) -> the message when no item can go (why, in the app's words).
    """

    source_type: str
    noun: str
    ready: Callback
    put_in_batch: Callback
    taken_out: Callback
    discarded: Callback
    states: Callback
    paid: Callback
    failed: Callback
    nothing_ready: Callback
    # How finance's batch form names the kind ("Relief grants"); the source type by default.
    label: Any = ""

    @property
    def title(self) -> str:
        return str(self.label or self.source_type)


_kinds: dict[str, PayableKind] = {}


def register(kind: PayableKind) -> PayableKind:
    """Add a payable kind (AppConfig.ready). Registering the same source type again
    replaces it (a reloaded app), so tests can register kinds of their own."""
    _kinds[kind.source_type] = kind
    return kind


def unregister(source_type: str) -> None:
    _kinds.pop(source_type, None)


def kind_of(source_type: str) -> PayableKind:
    """The registered kind; LookupError names an unknown one (a programming error)."""
    try:
        return _kinds[source_type]
    except KeyError:
        raise LookupError(f"no payable kind {source_type!r} is registered") from None


def registered() -> Sequence[PayableKind]:
    return tuple(_kinds.values())
