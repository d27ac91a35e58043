"""What the benefits app registers with the lower apps at start-up: the card-scan use, the
member's and the merchant's pages, the payable and the ledger's posting source, the to-do
tile of the reviewers and the names of the audit events. Each part has its own function."""

from __future__ import annotations


def _audit_names() -> None:
    from nuanjia.core import audit_names

    from .audit import EVENT_NAMES

    audit_names.register(EVENT_NAMES)


def _scanning() -> None:
    """The scan use "benefit" of the members' one scan service."""
    from nuanjia.members.services.scanning import register_use

    from .services.redemptions import benefit_use

    register_use(benefit_use())


def register_all() -> None:
    _audit_names()
    _scanning()
