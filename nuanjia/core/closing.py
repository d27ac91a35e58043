"""Month close (结账) followers: what a higher app does when a union closes a month.

`funds` owns the close (its `close_period` service, the only 结账 button); `reports` freezes
the subtree's figures of that month. funds cannot import reports (layers), so reports
registers a follower here in its AppConfig.ready() and funds calls `month_closed` inside its
close transaction: a follower that fails undoes the close. core names no app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Follower = Callable[..., Any]  # (org, year, month, *, by)

_followers: list[Follower] = []


def register(follower: Follower) -> None:
    """Add a follower (AppConfig.ready); registering the same function again is a no-op."""
    if follower not in _followers:
        _followers.append(follower)


def unregister(follower: Follower) -> None:
    if follower in _followers:
        _followers.remove(follower)


def month_closed(org: Any, year: int, month: int, *, by: Any) -> None:
    """Run every follower of a month close (inside the closing transaction)."""
    for follower in list(_followers):
        follower(org, year, month, by=by)
