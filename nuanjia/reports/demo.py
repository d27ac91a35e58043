"""The demo's report facts: built from every demo row (the refresh keeps them current)."""

from nuanjia.core import clock

from . import services


def last_event_id() -> int:
    """The newest audit event's id (0 for none): every change audits, so a demo load that
    leaves it unmoved changed nothing."""
    from nuanjia.core.models import AuditEvent

    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def load_demo_facts(*, since_event: int | None = None) -> dict[str, int]:
    """Rebuild the facts from the first demo row's day to today (idempotent). With
    `since_event` (the newest audit event before the loaders ran), nothing is rebuilt when no
    event was written since and facts exist: a second load changes nothing, the rebuild's
    own audit event included."""
    from nuanjia.funds.demo import seed_year
    from nuanjia.orgs.models import Org

    from .models import Fact
    from .report_default import ensure_default

    root = Org.objects.filter(parent__isnull=True).order_by("path").first()
    if root is not None:
        ensure_default(root, year=seed_year())
    unchanged = since_event is not None and last_event_id() == since_event
    if unchanged and Fact.objects.exists():
        return {}
    first = services.earliest_day()
    if first is None:
        return {}
    return services.rebuild(first, clock.today())
