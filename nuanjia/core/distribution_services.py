"""Placements of the tables of the newer apps (the reports, the unions' other services:
psychological help, …), kept apart from `distribution` so that module stays under the size
limit; merged into `distribution.TABLES`."""

from __future__ import annotations

from .distribution import (  # defined before distribution imports this
    KeptBy,
    Placement,
    dist,
    local,
    ref,
)

COUNSELLING_CITY = "a line's people, shifts, swaps and sessions carry the line's own union (org)"
GIGJOBS_CITY = (
    "a corner's posts, gig workers, matches and disputes carry the corner's own union (org)"
)

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
    "gigjobs_corner": dist("org"),
    "gigjobs_jobpost": dist("corner", same_city=("org",), why=GIGJOBS_CITY),
    "gigjobs_gigworker": dist(
        "corner",
        same_city=("org",),
        why=GIGJOBS_CITY,
        wide={
            "member": KeptBy(
                "the service reads the member's sign-up by member and changes it in place, never a "
                "second row; the key becomes (city_code, member_id) on Citus",
                "one gig-worker sign-up per member account across the province",
            )
        },
    ),
    "gigjobs_match": dist("corner", same_city=("org", "post", "gig_worker"), why=GIGJOBS_CITY),
    "gigjobs_matchevent": dist("match"),
    "gigjobs_dispute": dist("match", same_city=("org",), why=GIGJOBS_CITY),
}

REPORTS: dict[str, Placement] = {
    "reports_fact": dist(
        "org",
        why="a union's daily figures live with its city's rows; a province or national roll-up "
        "reads every shard's facts of the subtree (few rows a day per union)",
    ),
    "reports_feedcursor": local("how far the refresh has read each change feed (coordinator)"),
    "reports_checkrun": local("the nightly check's runs and their differences (coordinator)"),
    "reports_reporttemplate": ref(
        "a few texts a union writes; a province's template serves every union below it"
    ),
}
