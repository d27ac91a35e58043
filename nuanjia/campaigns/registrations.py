"""What the campaigns app registers with the lower apps at start-up: to-do tiles, the ledger's
posting sources, the eligibility facts only campaigns know. Each part has its own function."""

from __future__ import annotations


def _screening() -> None:
    """The caseworkers' tile of findings waiting for a decision."""
    from nuanjia.core import todo

    from .todo_screening import screening_todo

    todo.register(screening_todo)


def _lists() -> None:
    """The approvers' and caseworkers' tiles of enrolment lists."""
    from nuanjia.core import todo

    from .todo import roster_todo

    todo.register(roster_todo)


def _facts() -> None:
    """ "Already helped in this campaign" and the last health check, for rules."""
    from .eligibility_facts import register_campaign_facts

    register_campaign_facts()


def register_all() -> None:
    _screening()
    _lists()
    _facts()
