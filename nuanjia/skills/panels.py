"""The certificates panel of a worker's record page (core.workerpanels)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .queries import certificates_of


def certificate_rows(worker: Any) -> list[Sequence[str]]:
    return [
        (c.get_kind_display(), c.get_level_display() if c.level else "—", c.occupation,
         c.number, c.issuer, c.issued_on.isoformat())
        for c in certificates_of(worker)[:100]
    ]  # fmt: skip
