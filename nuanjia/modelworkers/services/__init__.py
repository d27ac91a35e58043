"""The model-worker services (every write, audited): collectives and their honours, village
bases and pairings, and the regular help for model workers in difficulty."""

from nuanjia.core.errors import RuleViolation

from .bases import add_base, add_pairing, add_visit, change_base
from .collectives import add_collective, add_collective_honour
from .common import honoured, may_manage, require_manager
from .help import (
    Period,
    add_case,
    approve_payment,
    earmark,
    end_case,
    period_amount,
    period_of,
    propose_payment,
    propose_period,
    refuse_payment,
    reserve,
    save_standard,
    standard_for,
)

__all__ = [
    "Period",
    "RuleViolation",
    "add_base",
    "add_case",
    "add_collective",
    "add_collective_honour",
    "add_pairing",
    "add_visit",
    "approve_payment",
    "change_base",
    "earmark",
    "end_case",
    "honoured",
    "may_manage",
    "period_amount",
    "period_of",
    "propose_payment",
    "propose_period",
    "refuse_payment",
    "require_manager",
    "reserve",
    "save_standard",
    "standard_for",
]
