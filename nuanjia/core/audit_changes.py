"""An audit event's `changes` as people read them: one row per field, before → after.

Services record changes as {field: [before, after]} (`core.audit.diff`), a status step as
{"status": [from, to], "note": …}, and facts as {field: value}. Secrets are already redacted.
"""

import json
from dataclasses import dataclass
from typing import Any

EMPTY = "—"


@dataclass(frozen=True)
class ChangeRow:
    field: str
    value: str  # the value of a plain fact, or the new value of a change
    before: str | None = None  # set only for a change

    @property
    def is_change(self) -> bool:
        return self.before is not None


def display_value(value: Any) -> str:
    """A recorded value as text: lists joined with 、, nothing as —, objects as compact JSON."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list | tuple):
        return "、".join(display_value(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_rows(changes: Any) -> list[ChangeRow]:
    """One row per recorded field; a two-item list reads as before → after."""
    if not isinstance(changes, dict):
        return [] if changes in (None, "") else [ChangeRow("", display_value(changes))]
    rows = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append(ChangeRow(field, display_value(value[1]), display_value(value[0])))
        else:
            rows.append(ChangeRow(field, display_value(value)))
    return rows
