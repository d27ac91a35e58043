"""Panels on the home page (desk) that higher apps fill: a leader's figures of the month
(reports). desk cannot import them (layers); each app registers a provider in its
AppConfig.ready(), a function of the signed-in user giving its panels (none for most)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomeLine:
    label: str
    value: str  # as shown, with its unit
    note: str = ""  # e.g. the change on the year before
    url: str = ""


@dataclass(frozen=True)
class HomePanel:
    title: str
    url: str  # the page the panel summarises
    lines: Sequence[HomeLine]
    name: str = ""  # a stable name (data-testid)


PanelProvider = Callable[[Any], list[HomePanel]]
_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> PanelProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(user: Any) -> list[HomePanel]:
    return [panel for provider in _providers for panel in provider(user)]
