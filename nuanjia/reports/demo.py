"""The demo's report facts: built from every demo row (the refresh keeps them current)."""

from nuanjia.core import clock

from . import services


def load_demo_facts() -> dict[str, int]:
    """Rebuild the facts from the first demo row's day to today (idempotent)."""
    first = services.earliest_day()
    if first is None:
        return {}
    return services.rebuild(first, clock.today())
