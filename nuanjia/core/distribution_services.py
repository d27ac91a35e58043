"""Placements of the tables of the newer apps (the reports, the unions' other services:
psychological help, …), kept apart from `distribution` so that module stays under the size
limit; merged into `distribution.TABLES`."""

from __future__ import annotations

from .distribution import (  # defined before distribution imports this
    PROVINCE_BATCH,
    WORKER_INVARIANT,
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

SKILLS_WORKER = KeptBy(
    "a plain column without a database foreign key on Citus, checked by the service",
    "a province or city union's course, contest or academy takes workers of the cities below",
)
SKILLS_ABOVE = KeptBy(
    "a plain column without a database foreign key on Citus, checked by the service",
    "a provider registered by a union above serves the courses of the unions below it",
)

SERVICES |= {
    "skills_provider": dist("org"),
    "skills_course": dist("org", cross={"provider": SKILLS_ABOVE}),
    "skills_enrolment": dist("course", same_city=("org",), cross={"worker": SKILLS_WORKER},
                             why="a trainee row carries its course's union (org)"),
    "skills_coursesession": dist("course"),
    "skills_attendance": dist("enrolment", same_city=("session",),
                              why="a session and a trainee of one course are in its city"),
    "skills_certificate": dist(
        "worker.org", why=WORKER_INVARIANT,
        cross={"enrolment": SKILLS_WORKER},
        wide={"skills_certificate_unique": KeptBy(
            "a KEYED lookup table skills_certificatekey(kind, number, issuer → city_code, "
            "certificate_id) written in the certificate's transaction",
            "one paper is one certificate across the province, whoever records it",
        ), "enrolment": KeptBy(
            "the exam service writes at most one certificate for a trainee, under the trainee "
            "row's lock", "a provincial course's trainee and her certificate may be in two cities",
        )},
    ),
    "skills_settlement": dist("course", same_city=("org",), cross={"batch": PROVINCE_BATCH,
                              "provider": SKILLS_ABOVE}, why="a settlement's org is its course's union"),
    "skills_settlementevent": dist("settlement"),
    "skills_contest": dist("org"),
    "skills_entrant": dist("contest", same_city=("org",), cross={"worker": SKILLS_WORKER},
                           why="an entrant row carries its contest's union (org)"),
    "skills_academy": dist("org"),
    "skills_teacher": dist("academy", cross={"worker": SKILLS_WORKER}),
    "skills_base": dist("academy"),
}  # fmt: skip
PIONEERS_CITY = (
    "a team's employer and leader, a studio's leader and members are of the row's own union's "
    "subtree (checked by the services), so in its city"
)
PIONEERS_PROVINCE = KeptBy(
    "a plain column, checked by the services (the team or studio is in the organiser's subtree)",
    "a province-level competition or alliance takes teams and studios of every city",
)

PIONEERS_OWN = (
    "an entry and a membership carry their competition's or alliance's union, a result its "
    "studio's union and a project of the same studio"
)

PIONEERS: dict[str, Placement] = {
    "pioneers_team": dist("org", same_city=("employer", "leader"), why=PIONEERS_CITY),
    "pioneers_title": dist(
        "org",
        same_city=("team",),
        why="a title carries its team's union",
        wide={
            "pioneers_title_unique_certificate": KeptBy(
                "the award service checks the number province-wide under the title's row lock; "
                "on a cluster a KEYED lookup table of certificate numbers",
                "a certificate number names one title across the province",
            )
        },
    ),
    "pioneers_titleevent": dist("title"),
    "pioneers_competition": dist("org"),
    "pioneers_entry": dist(
        "competition", same_city=("org",), cross={"team": PIONEERS_PROVINCE}, why=PIONEERS_OWN
    ),
    "pioneers_alliance": dist("org"),
    "pioneers_alliancemembership": dist(
        "alliance", same_city=("org",), cross={"studio": PIONEERS_PROVINCE}, why=PIONEERS_OWN
    ),
    "pioneers_studio": dist("org", same_city=("leader",), why=PIONEERS_CITY),
    "pioneers_studiomember": dist("studio", same_city=("worker",), why=PIONEERS_CITY),
    "pioneers_project": dist("studio"),
    "pioneers_result": dist("studio", same_city=("org", "project"), why=PIONEERS_OWN),
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
