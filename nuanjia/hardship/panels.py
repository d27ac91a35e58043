"""Sections other apps add to a family's hardship file page (档案), registered in their
AppConfig.ready(): consumption help shows the produce given to the family, and later apps
whatever else reached it, without hardship importing them. A panel gives a title, its column
headers and the rows for one file (plain text cells); a panel with no rows is not shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FilePanel:
    key: str  # unique, also the panel's data-testid
    title: Any  # a lazy string
    headers: Sequence[Any]  # lazy strings
    rows: Callable[[Any], list[Sequence[str]]]  # fn(hardship file) -> rows of cells
    order: int = 50


_panels: dict[str, FilePanel] = {}


def register(panel: FilePanel) -> FilePanel:
    _panels[panel.key] = panel
    return panel


def panels_for(hardship_file: Any) -> list[tuple[FilePanel, list[Sequence[str]]]]:
    """The registered panels with rows for this file, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda panel: (panel.order, panel.key)):
        rows = panel.rows(hardship_file)
        if rows:
            shown.append((panel, rows))
    return shown
