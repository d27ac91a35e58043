"""Checking the audit chain on request (the auditor's page, beside `nuanjia audit verify`)."""

from dataclasses import dataclass

from .audit import record_event, verify_chain
from .models import AuditEvent


@dataclass(frozen=True)
class ChainCheck:
    events: int  # events in the chain when the check started
    broken_at: int | None = None  # the first broken link's event id
    reason: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def verify_audit_chain(*, by) -> ChainCheck:
    """Walk the whole hash chain (core.audit.verify_chain) and record that `by` checked it.

    The check reads every event, whoever asks: the chain is one for the province, and the answer
    (intact, or the first broken event's number) shows no event's content.
    """
    count = AuditEvent.objects.count()
    broken = verify_chain()
    check = ChainCheck(
        events=count,
        broken_at=broken.event_id if broken else None,
        reason=broken.reason if broken else "",
    )
    record_event(
        None,
        "audit.verified",
        by=by,
        org=getattr(by, "org", None),
        success=check.is_intact,
        changes={"events": check.events, "broken_at": check.broken_at, "reason": check.reason},
    )
    return check
