"""What the pioneers app registers with the lower apps at start-up: the to-do tiles, the
measures and the names of its audit events."""

from __future__ import annotations


def register_all() -> None:
    from nuanjia.core import audit_names, measures, todo

    from .audit import EVENT_NAMES
    from .measures import MEASURES
    from .todo import pioneers_todo

    audit_names.register(EVENT_NAMES)
    todo.register(pioneers_todo)
    measures.register(*MEASURES)
