"""Writing and verifying audit events.

Every state change and every reveal of personal data calls `record_event` inside the
transaction that makes the change, so the event exists exactly when the change does.
"""

import contextvars
import datetime
import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nuanjia.core.prepared import hot_cursor

from .actors import Actor
from .models import AuditChain, AuditRootEntry
from .models import AuditEvent as AuditEvent  # re-exported: callers import it from here
from .prepared import PreparedInsert, unsaved

GENESIS_HASH = "0" * 64
# The chain of events of no union, which also holds every event written before chains were
# split by city (they were one chain, numbered by their id).
BASE_CHAIN = "/"
# The scheduler seals the chains' heads in the root chain at most this often (and only when
# a head moved); every check of the trail seals at once.
SEAL_INTERVAL_SECONDS = 300
# Field names whose values never enter the audit trail in clear.
SECRET_FIELDS = frozenset(
    {"password", "secret", "key", "token", "otp", "id_number", "bank_account", "totp_key"}
)
REDACTED = "***"

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)


def _org_of(obj: Any) -> Any:
    """The org an object belongs to: itself for an org, else its `org` attribute."""
    if obj is None:
        return None
    if getattr(obj, "_meta", None) is not None and obj._meta.label_lower == "orgs.org":
        return obj
    return getattr(obj, "org", None)


@functools.lru_cache(maxsize=4096)
def _is_secret(field: str) -> bool:
    """A secret-looking field name (answered once per name: every event asks it of each)."""
    return any(secret in field.lower() for secret in SECRET_FIELDS)


def redact(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Replace the value of any secret-looking field by a marker; keep that it changed."""
    return {field: REDACTED if _is_secret(field) else value for field, value in changes.items()}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}, JSON-friendly."""
    return {
        field: [_jsonable(before.get(field)), _jsonable(after.get(field))]
        for field in after
        if before.get(field) != after.get(field)
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    return str(value)


def event_digest(event: AuditEvent) -> str:
    """The SHA-256 over an event's content and its predecessor's hash.

    The chain's name is hashed too, except in the base chain "/", whose events written
    before chains were split hashed their number alone, so they verify unchanged."""
    payload = [
        event.seq,
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_label,
        event.org_id,
        event.org_path,
        event.action,
        event.object_type,
        event.object_id,
        event.object_label,
        event.changes,
        event.ip,
        bool(event.success),
        event.prev_hash,
    ]
    if event.chain != BASE_CHAIN:
        payload.append(event.chain)
    return _sha256(payload)


def _sha256(payload: list[Any]) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def prepare_event(
    obj: Any,
    action: str,
    *,
    by: Actor | None = None,
    changes: Mapping[str, Any] | None = None,
    success: bool = True,
    org: Any = None,
    actor_label: str = "",
    label: str | None = None,
) -> PreparedInsert[AuditEvent]:
    """An event's row built and compiled, not yet chained: `append_event` gives it its chain,
    number, time and hashes under the chain's lock. Building is most of the cost, so a hot path
    prepares before it queues for the lock."""
    org = org if org is not None else _org_of(obj)
    actor = by if getattr(by, "is_authenticated", False) else None
    values = {
        "at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_label": actor_label or (actor.get_username() if actor else ""),
        "org_id": getattr(org, "pk", None),
        "org_path": getattr(org, "path", "") or "",
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "object_label": (label if label is not None else (str(obj) if obj is not None else ""))[
            :255
        ],
        "changes": redact(changes or {}),
        "ip": current_ip.get(),
        "success": success,
        "prev_hash": "",
    }
    event = unsaved(AuditEvent, values)  # AuditEvent(**values), without __init__'s walk
    return PreparedInsert(event)


def chain_of(org_path: str) -> str:
    """The chain an event of the union at `org_path` belongs to: the path of its city-level
    union (`AUDIT_CHAIN_DEPTH` codes deep), the province's path for the province, "/" for none."""
    codes = [code for code in org_path.split("/") if code]
    depth = settings.AUDIT_CHAIN_DEPTH  # 0: one chain for everything
    if not codes or depth < 1:
        return BASE_CHAIN
    return "/" + "/".join(codes[:depth]) + "/"


def _held_chain(connection: Any) -> str | None:
    """The chain this transaction has locked already, if it still holds the lock.

    The choice is marked by a no-op commit hook: Django drops the hook when the transaction,
    or the savepoint the lock was taken in, rolls back — exactly when the row lock goes."""
    held = getattr(connection, "_nuanjia_audit_chain", None)
    if held is None:
        return None
    chain, marker = held
    if any(hook[1] is marker for hook in connection.run_on_commit):
        return str(chain)
    return None


def _hold(connection: Any, chain: str) -> None:
    def marker() -> None:
        """Marks the transaction that holds the chain's lock; does nothing on commit."""

    connection.on_commit(marker)
    connection._nuanjia_audit_chain = (chain, marker)


def lock_chain(org_path: str = "", *, take_number: bool = False) -> tuple[str, int, str]:
    """Lock the chain this transaction's events go to until commit; (chain, last seq, last hash).

    A transaction appends to one chain only: the chain of its first event (or of the first
    `lock_chain` call, by `org_path`), whatever the unions of its later events. So it never
    holds two chain locks, and two transactions never wait on each other's chains in
    opposite orders. The ledger calls this before locking accounts, for the same reason.
    `take_number` (PostgreSQL, `append_event`) moves the head's number on as it locks it.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("audit events need an open transaction")
    chain = _held_chain(connection) or chain_of(org_path)
    table, key = _head_table(connection)
    if take_number:
        sql = f"UPDATE {table} SET last_seq = last_seq + 1 WHERE {key} = %s RETURNING last_seq - 1, last_hash"  # noqa: S608 -- our own table name
    else:
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        sql = f"SELECT last_seq, last_hash FROM {table} WHERE {key} = %s{lock}"  # noqa: S608 -- our own table name
    with hot_cursor() as cursor:
        cursor.execute(sql, [chain])
        row = cursor.fetchone()
        if row is None:
            AuditChain.objects.get_or_create(key=chain)
            cursor.execute(sql, [chain])
            row = cursor.fetchone()
    _hold(connection, chain)
    return chain, int(row[0]), str(row[1])


def append_event(prepared: PreparedInsert[AuditEvent], **late: Any) -> AuditEvent:
    """Chain and write a prepared event, in the caller's transaction (which must be open).

    `late` fills fields known only now, such as the id of the object just inserted. Three
    statements (lock and read the head, insert, move the head); two on PostgreSQL, where the
    head's number moves as it is locked and the insert carries the head's new hash.
    """
    return append_event_and(prepared, (), **late)[0]


def append_event_and(
    prepared: PreparedInsert[AuditEvent], also: Sequence[tuple[str, list[Any]]], **late: Any
) -> tuple[AuditEvent, list[int]]:
    """`append_event`, and the caller's data-changing statements `also` (each SQL with a
    RETURNING clause, and its parameters, run in order after the event): (the event, the
    rows each returned). On PostgreSQL they ride in the event's own statement as more `WITH`
    parts, saving a round trip each (a fast path's own INSERTs, its last guarded UPDATE
    whose lock is then held only to the commit); their rows are all written when the
    statement ends, so a foreign key between two parts holds."""
    event = prepared.obj
    for name, value in late.items():
        setattr(event, name, value)
    connection = transaction.get_connection()
    postgres = connection.vendor == "postgresql"
    chain, last_seq, last_hash = lock_chain(event.org_path, take_number=postgres)
    event.chain, event.seq, event.prev_hash = chain, last_seq + 1, last_hash
    event.at = timezone.now()
    event.hash = event_digest(event)
    values = {**late, "chain": chain, "seq": event.seq, "at": event.at}
    values |= {"prev_hash": last_hash, "hash": event.hash}
    table, key = _head_table(connection)
    if postgres:
        moved = f"UPDATE {table} SET last_hash = %s WHERE {key} = %s"  # noqa: S608 -- our own table name
        parts = "".join(f", x{n} AS ({sql})" for n, (sql, _) in enumerate(also))
        counts = "".join(f", (SELECT count(*) FROM x{n})" for n in range(len(also)))  # noqa: S608 -- our own SQL
        template = f"WITH e AS ({{insert}}){parts} {moved} RETURNING (SELECT id FROM e){counts}"  # noqa: S608 -- our own SQL and the caller's
        params = [value for _, part in also for value in part]
        prepared.execute_within(template, [*params, event.hash, chain], **values)
        return event, [int(count) for count in prepared.returned[1:]]
    prepared.execute(**values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = %s, last_hash = %s WHERE {key} = %s",  # noqa: S608 -- our own table name
            [event.seq, event.hash, chain],
        )
        found = []
        for sql, params in also:
            cursor.execute(sql, params)
            found.append(len(cursor.fetchall()))
    return event, found


def _head_table(connection: Any) -> tuple[str, str]:
    """The quoted name of the heads' table and of its key column."""
    return connection.ops.quote_name(AuditChain._meta.db_table), connection.ops.quote_name("key")


@transaction.atomic
def record_event(obj: Any, action: str, **details: Any) -> AuditEvent:
    """Append one event to the chain, now.

    `obj` is the model instance acted on (or None); `details` are `prepare_event`'s: `by`,
    `changes` (secret fields redacted), `success`, `org` (default: the object's org),
    `actor_label`, `label`.
    """
    return append_event(prepare_event(obj, action, **details))


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    seq: int  # the broken link's number in its chain
    reason: str
    event_id: int | None = None  # the event's id where there is an event

    def __str__(self) -> str:
        where = f"audit chain {self.chain} no. {self.seq}"
        if self.event_id is not None:
            where += f" (event #{self.event_id})"
        return f"{where}: {self.reason}"


def seal_heads(reason: str = "interval", *, min_interval: float = 0) -> AuditRootEntry | None:
    """Append a seal of every chain's head to the root chain (in its own transaction).

    The scheduler seals every few minutes (`min_interval` seconds since the last seal, and only
    when a head moved); every check of the trail seals first. None when nothing was sealed."""
    with transaction.atomic():
        AuditChain.objects.get_or_create(key=AuditChain.ROOT)
        root = AuditChain.objects.select_for_update().get(key=AuditChain.ROOT)
        heads = {
            key: [seq, digest]
            for key, seq, digest in AuditChain.objects.exclude(key=AuditChain.ROOT)
            .order_by("key")
            .values_list("key", "last_seq", "last_hash")
        }
        last = AuditRootEntry.objects.filter(seq=root.last_seq).first()
        now = timezone.now()
        if reason == "interval" and not _seal_due(last, heads, now, min_interval):
            return None
        entry = AuditRootEntry(
            seq=root.last_seq + 1, at=now, reason=reason, heads=heads, prev_hash=root.last_hash
        )
        entry.hash = seal_digest(entry)
        entry.save(force_insert=True)
        AuditChain.objects.filter(key=AuditChain.ROOT).update(
            last_seq=entry.seq, last_hash=entry.hash
        )
    return entry


def check_trail() -> BrokenLink | None:
    """Seal every chain's head, then verify every chain and the seals (`nuanjia audit verify`
    and the auditor's page). Sealing first is safe: a chain shorter than at its last seal
    breaks the seals' order, so the new seal cannot hide a deleted tail."""
    seal_heads("verify")
    return verify_chain()


def _seal_due(
    last: AuditRootEntry | None,
    heads: dict[str, list[Any]],
    now: datetime.datetime,
    min_interval: float,
) -> bool:
    """A timed seal is due when a head moved and the last seal is old enough."""
    if last is None:
        return bool(heads)
    moved = bool(last.heads != heads)
    return moved and (now - last.at).total_seconds() >= min_interval


def seal_digest(entry: AuditRootEntry) -> str:
    at = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    return _sha256([entry.seq, at, entry.reason, entry.heads, entry.prev_hash])


def verify_chain(chunk_size: int = 5000) -> BrokenLink | None:
    """Walk every chain from its first event and the root chain of seals; return the first
    broken link, or None.

    Each chain must be gapless from no. 1, each event's hash must match its content and link
    to its predecessor's, and the chain must end where its head row says. The newest seal must
    name, for every chain, an event that is still there with the hash it had: so a deleted
    tail (head row rolled back with it) or a chain swapped for another self-consistent one
    is found too."""
    events = AuditEvent.objects.order_by("chain", "seq").iterator(chunk_size=chunk_size)
    heads = dict(AuditChain.objects.exclude(key=AuditChain.ROOT).values_list("key", "last_seq"))
    hashes = dict(AuditChain.objects.exclude(key=AuditChain.ROOT).values_list("key", "last_hash"))
    walker = _ChainWalker(heads, hashes)
    for event in events:
        broken = walker.step(event)
        if broken is not None:
            return broken
    return walker.finish() or _verify_seals(chunk_size)


class _ChainWalker:
    """Checks events in (chain, seq) order against their links and the chains' heads."""

    def __init__(self, heads: dict[str, int], hashes: dict[str, str]) -> None:
        self.heads, self.hashes = heads, hashes
        self.chain: str | None = None
        self.expected_seq, self.previous_hash = 1, GENESIS_HASH
        self.seen: set[str] = set()

    def step(self, event: AuditEvent) -> BrokenLink | None:
        if event.chain != self.chain:
            broken = self._close()
            if broken is not None:
                return broken
            self.chain, self.expected_seq, self.previous_hash = event.chain, 1, GENESIS_HASH
            self.seen.add(event.chain)
        if event.seq != self.expected_seq:
            return BrokenLink(
                event.chain, self.expected_seq, f"missing (next present is no. {event.seq})"
            )
        if event.prev_hash != self.previous_hash:
            return BrokenLink(event.chain, event.seq, "previous-hash link does not match", event.id)
        if event_digest(event) != event.hash:
            return BrokenLink(
                event.chain, event.seq, "content does not match its hash (edited)", event.id
            )
        self.previous_hash = event.hash
        self.expected_seq += 1
        return None

    def _close(self) -> BrokenLink | None:
        """The chain just walked ends where its head row says."""
        if self.chain is None:
            return None
        last = self.expected_seq - 1
        head_seq = self.heads.get(self.chain)
        if head_seq != last or self.hashes.get(self.chain) != self.previous_hash:
            return BrokenLink(
                self.chain, last, f"chain ends at no. {last} but its head records no. {head_seq}"
            )
        return None

    def finish(self) -> BrokenLink | None:
        broken = self._close()
        if broken is not None:
            return broken
        for chain, head_seq in sorted(self.heads.items()):
            if chain not in self.seen and head_seq:
                return BrokenLink(chain, 1, f"missing (its head records no. {head_seq})")
        return None


def _verify_seals(chunk_size: int) -> BrokenLink | None:
    """The root chain links up, no chain goes back from one seal to the next, and every
    chain's newest sealed head is still in it with the hash it had. As each event's hash
    covers its predecessor's, that head vouches for the whole chain up to it."""
    expected_seq, previous_hash = 1, GENESIS_HASH
    sealed: dict[str, tuple[int, str, int]] = {}  # chain: (seq, hash, seal)
    for entry in AuditRootEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return BrokenLink(AuditChain.ROOT, expected_seq, "seal missing")
        if entry.prev_hash != previous_hash or seal_digest(entry) != entry.hash:
            return BrokenLink(AuditChain.ROOT, entry.seq, "seal edited or out of order")
        broken = _compare_seal(entry, sealed)
        if broken is not None:
            return broken
        previous_hash, expected_seq = entry.hash, expected_seq + 1
    root = AuditChain.objects.filter(key=AuditChain.ROOT).first()
    if root is not None and (root.last_seq, root.last_hash) != (expected_seq - 1, previous_hash):
        return BrokenLink(AuditChain.ROOT, expected_seq - 1, "seals end before the root head")
    for chain, (seq, digest, seal) in sorted(sealed.items()):
        found = AuditEvent.objects.filter(chain=chain, seq=seq).values_list("hash", flat=True)
        if seq and list(found) != [digest]:
            return BrokenLink(chain, seq, f"seal no. {seal} names an event no longer in the chain")
    return None


def _compare_seal(
    entry: AuditRootEntry, sealed: dict[str, tuple[int, str, int]]
) -> BrokenLink | None:
    """A seal's heads against the previous seals': no chain shorter, gone or rewritten."""
    for chain, (seq, _hash, _seal) in sealed.items():
        if chain not in entry.heads:
            return BrokenLink(chain, seq, f"chain gone from seal no. {entry.seq}")
    for chain, (seq, digest) in entry.heads.items():
        before = sealed.get(chain)
        if before is not None and (seq < before[0] or (seq == before[0] and digest != before[1])):
            return BrokenLink(
                chain, seq, f"chain went back from no. {before[0]} (seal no. {before[2]}) "
                f"to no. {seq} (seal no. {entry.seq})",
            )  # fmt: skip
        sealed[chain] = (seq, digest, entry.seq)
    return None
