"""What the model-worker app registers with the lower apps at start-up: the payable kind of
its help payments and their ledger source, the approver's to-do tile, the measures and the
names of its audit events."""

from __future__ import annotations


def register_all() -> None:
    from nuanjia.core import audit_names, measures, todo
    from nuanjia.funds import sources

    from . import payable
    from .audit import EVENT_NAMES
    from .measures import MEASURES
    from .queries import paid_payment_ids
    from .rules import HELP_SOURCE
    from .todo import modelworkers_todo

    audit_names.register(EVENT_NAMES)
    payable.register()
    sources.register(
        sources.PostingSource(source_type=HELP_SOURCE, label="model worker help payment",
                              paid_ids=paid_payment_ids)
    )  # fmt: skip
    todo.register(modelworkers_todo)
    measures.register(*MEASURES)
