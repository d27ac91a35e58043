"""Placements of the tables of the unions' other services (issue 23: psychological help, …),
kept apart from `distribution` so that module stays under the size limit; merged into
`distribution.TABLES`."""

from __future__ import annotations

from .distribution import Placement, dist  # defined before distribution imports this

COUNSELLING_CITY = "a line's people, shifts, swaps and sessions carry the line's own union (org)"

SERVICES: dict[str, Placement] = {
    "counselling_line": dist("org"),
    "counselling_helper": dist("line", same_city=("org",), why=COUNSELLING_CITY),
    "counselling_qualification": dist("helper"),
    "counselling_shift": dist("line", same_city=("org", "helper"), why=COUNSELLING_CITY),
    "counselling_swap": dist("shift", same_city=("org", "taker", "giver"), why=COUNSELLING_CITY),
    "counselling_swapevent": dist("swap"),
    "counselling_session": dist("line", same_city=("org", "helper"), why=COUNSELLING_CITY),
    "counselling_event": dist("org"),
    "counselling_attendance": dist("event"),
}
