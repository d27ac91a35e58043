"""Checking the audit chain on request (the auditor's page, beside `nuanjia audit verify`)."""

from dataclasses import dataclass

from .actors import Actor
from .audit import check_trail, record_event
from .models import AuditEvent


@dataclass(frozen=True)
class ChainCheck:
    events: int  # events in the chain when the check started
    broken_at: int | None = None  # the first broken link's number in its chain
    chain: str = ""  # the chain it is in
    event_id: int | None = None  # the broken event's id, where there is an event
    reason: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def verify_audit_chain(*, by: Actor) -> ChainCheck:
    """Seal and walk every hash chain (core.audit.check_trail) and record that `by` checked.

    The check reads every event, whoever asks: the chains are the province's, and the answer
    (intact, or the first broken link's chain and number) shows no event's content.
    """
    count = AuditEvent.objects.count()
    broken = check_trail()
    check = ChainCheck(
        events=count,
        broken_at=broken.seq if broken else None,
        chain=broken.chain if broken else "",
        event_id=broken.event_id if broken else None,
        reason=broken.reason if broken else "",
    )
    record_event(
        None,
        "audit.verified",
        by=by,
        org=getattr(by, "org", None),
        success=check.is_intact,
        changes={
            "events": check.events,
            "broken_at": check.broken_at,
            "chain": check.chain,
            "event_id": check.event_id,
            "reason": check.reason,
        },
    )
    return check
