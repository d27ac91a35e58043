"""Psychological help's background work: high-risk sessions past their follow-up time are
escalated at every tick of the scheduler (each minute), a cheap idempotent chore."""

from __future__ import annotations


def escalation_chore() -> int:
    from .services.sessions import escalate_overdue

    return escalate_overdue()
