"""What the campaigns app registers with the lower apps at start-up: to-do tiles, the ledger's
posting sources, the eligibility facts only campaigns know. Each part has its own function."""

from __future__ import annotations


def register_all() -> None:
    pass
