"""Writing and verifying audit events.

Every state change and every reveal of personal data calls `record_event` inside the
transaction that makes the change, so the event exists exactly when the change does.
"""

import contextvars
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from .actors import Actor
from .models import AuditChainHead
from .models import AuditEvent as AuditEvent  # re-exported: callers import it from here
from .prepared import PreparedInsert

GENESIS_HASH = "0" * 64
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


def redact(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Replace the value of any secret-looking field by a marker; keep that it changed."""
    clean = {}
    for field, value in changes.items():
        if any(secret in field.lower() for secret in SECRET_FIELDS):
            clean[field] = REDACTED
        else:
            clean[field] = value
    return clean


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
    """The SHA-256 over an event's content and its predecessor's hash."""
    payload = [
        event.id,
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
    """An event's row built and compiled, not yet chained: `append_event` gives it its id,
    time and hashes under the chain's lock. Building is most of the cost, so a hot path
    prepares before it queues for the lock."""
    org = org if org is not None else _org_of(obj)
    actor = by if getattr(by, "is_authenticated", False) else None
    event = AuditEvent(
        at=timezone.now(),
        actor_id=actor.pk if actor else None,
        actor_label=actor_label or (actor.get_username() if actor else ""),
        org_id=getattr(org, "pk", None),
        org_path=getattr(org, "path", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=(label if label is not None else (str(obj) if obj is not None else ""))[:255],
        changes=redact(changes or {}),
        ip=current_ip.get(),
        success=success,
        prev_hash="",
    )
    return PreparedInsert(event)


def _lock_head() -> tuple[int, str]:
    """The chain head's (last_id, last_hash), locked until commit; created on first use."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_id, last_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608 -- our own table name
        row = cursor.fetchone()
    if row is None:
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        return head.last_id, head.last_hash
    return int(row[0]), str(row[1])


def append_event(prepared: PreparedInsert[AuditEvent], **late: Any) -> AuditEvent:
    """Chain and write a prepared event, in the caller's transaction (which must be open).

    `late` fills fields known only now, such as the id of the object just inserted.
    """
    event = prepared.obj
    for name, value in late.items():
        setattr(event, name, value)
    last_id, last_hash = _lock_head()
    event.id, event.at, event.prev_hash = last_id + 1, timezone.now(), last_hash
    event.hash = event_digest(event)
    prepared.execute(**late, id=event.id, at=event.at, prev_hash=event.prev_hash, hash=event.hash)
    connection = transaction.get_connection()
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_id = %s, last_hash = %s WHERE id = 1",  # noqa: S608 -- our own table name
            [event.id, event.hash],
        )
    return event


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
    event_id: int
    reason: str

    def __str__(self) -> str:
        return f"audit event #{self.event_id}: {self.reason}"


def verify_chain(
    events: Iterable[AuditEvent] | None = None, chunk_size: int = 5000
) -> BrokenLink | None:
    """Walk the chain from the first event; return the first broken link, or None."""
    if events is None:
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)
    expected_id = 1
    previous_hash = GENESIS_HASH
    for event in events:
        if event.id != expected_id:
            return BrokenLink(expected_id, f"missing (next present is #{event.id})")
        if event.prev_hash != previous_hash:
            return BrokenLink(event.id, "previous-hash link does not match")
        if event_digest(event) != event.hash:
            return BrokenLink(event.id, "content does not match its hash (edited)")
        previous_hash = event.hash
        expected_id += 1
    head = AuditChainHead.objects.filter(id=1).first()
    last_id = expected_id - 1
    if head is not None and (head.last_id != last_id or head.last_hash != previous_hash):
        return BrokenLink(
            head.last_id, f"chain ends at #{last_id} but the head records #{head.last_id}"
        )
    return None
