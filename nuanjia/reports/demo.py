"""The demo's report facts: built from every demo row (the refresh keeps them current)."""

from nuanjia.core import clock

from . import services


def load_demo_facts() -> dict[str, int]:
    """Rebuild the facts from the first demo row's day to today (idempotent)."""
    from nuanjia.funds.demo import seed_year
    from nuanjia.orgs.models import Org

    from .report_default import ensure_default

    root = Org.objects.filter(parent__isnull=True).order_by("path").first()
    if root is not None:
        ensure_default(root, year=seed_year())
    first = services.earliest_day()
    if first is None:
        return {}
    return services.rebuild(first, clock.today())
