"""Placements of the tables of the newer apps (the reports, the unions' other services:
psychological help, …), kept apart from `distribution` so that module stays under the size
limit; merged into `distribution.TABLES`."""

from __future__ import annotations

from .distribution import (
    KeptBy,
    Placement,
    dist,
    local,
    ref,
)  # defined before distribution imports this

COUNSELLING_CITY = "a line's people, shifts, swaps and sessions carry the line's own union (org)"

MODELWORKERS_CITY = "a collective's honours and a case's payments carry the same union (org)"
ONE_CASE_PER_WORKER = KeptBy(
    "a case is taken on by the worker's owning union or one above; the key becomes "
    "(city_code, worker) with city_code the worker's city, so a province-level case is kept in "
    "the worker's city's shard and the worker's rows (case, payments) meet there",
    "one active help case and one live payment a period per model worker across the province",
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
    "modelworkers_collective": dist("org"),
    "modelworkers_collectivehonour": dist("collective", same_city=("org",), why=MODELWORKERS_CITY),
    "modelworkers_base": dist("org"),
    "modelworkers_pairing": dist("org"),
    "modelworkers_pairingvisit": dist("pairing"),
    "modelworkers_helpstandard": ref("a few dated rows per region and honour level, read by all"),
    "modelworkers_helpcase": dist(
        "org", wide={"modelworkers_case_one_active": ONE_CASE_PER_WORKER}
    ),
    "modelworkers_helppayment": dist(
        "case",
        same_city=("org",),
        why=MODELWORKERS_CITY,
        wide={"modelworkers_payment_once_per_period": ONE_CASE_PER_WORKER},
    ),
    "modelworkers_helppaymentevent": dist("payment"),
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
