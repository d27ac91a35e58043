"""Sections other apps add to a worker's record page (people's 职工档案), registered in their
AppConfig.ready() as core.todo's tiles are: skills shows the certificates a worker holds, and
later apps whatever else they keep of a worker, without people importing them. A panel gives
a title, its column headers and the rows for one worker (plain text cells); a panel with no
rows is not shown. The record page is already scoped: a panel shows what is the worker's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkerPanel:
    key: str  # unique, also the panel's data-testid
    title: Any  # a lazy string
    headers: Sequence[Any]  # lazy strings
    rows: Callable[[Any], list[Sequence[str]]]  # fn(worker) -> rows of cells
    order: int = 50


_panels: dict[str, WorkerPanel] = {}


def register(panel: WorkerPanel) -> WorkerPanel:
    _panels[panel.key] = panel
    return panel


def panels_for(worker: Any) -> list[tuple[WorkerPanel, list[Sequence[str]]]]:
    """The registered panels with rows for this worker, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda panel: (panel.order, panel.key)):
        rows = panel.rows(worker)
        if rows:
            shown.append((panel, rows))
    return shown
