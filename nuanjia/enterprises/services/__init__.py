"""The enterprises app's writes, by subject; their public names are re-exported here."""

from .checkups import add_task, close_finding, complete_task, record_checkup, record_visit
from .firms import county_of, record_figures, register_firm, size_class_on
from .helps import HELP_SOURCE, approve_help, cancel_help, propose_help
from .leases import create_lease, create_property, create_unit, record_rent_paid
from .policies import create_policy, create_rebate_policy
from .rebates import REBATE_SOURCE, approve_rebates, cancel_rebates, stage_rebates
from .relief import (
    RELIEF_ACTIONS,
    RENT_REFUND_SOURCE,
    Eligibility,
    approve_relief,
    cancel_relief,
    check_eligibility,
    compute_relief,
    propose_relief,
    reconcile,
)
from .relief_bulk import stage_reliefs

__all__ = [
    "HELP_SOURCE",
    "REBATE_SOURCE",
    "RELIEF_ACTIONS",
    "RENT_REFUND_SOURCE",
    "Eligibility",
    "add_task",
    "approve_help",
    "approve_rebates",
    "approve_relief",
    "cancel_help",
    "cancel_rebates",
    "cancel_relief",
    "check_eligibility",
    "close_finding",
    "complete_task",
    "compute_relief",
    "county_of",
    "create_lease",
    "create_policy",
    "create_property",
    "create_rebate_policy",
    "create_unit",
    "propose_help",
    "propose_relief",
    "reconcile",
    "record_checkup",
    "record_figures",
    "record_rent_paid",
    "record_visit",
    "register_firm",
    "size_class_on",
    "stage_rebates",
    "stage_reliefs",
]
