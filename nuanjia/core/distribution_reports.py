"""Placements of the reports' tables of closed months, the map and named periods (issue 20),
kept apart from `distribution` so that module stays under the size limit; merged into
`distribution.TABLES`."""

from __future__ import annotations

from .distribution import Placement, local, ref  # defined before distribution imports this

REPORTS_MORE: dict[str, Placement] = {
    "reports_frozenperiod": local("the closed months whose figures are frozen (coordinator)"),
    "reports_frozenfact": local("a closed month's frozen figures with their hash (coordinator)"),
    "reports_mapshape": local("the operator's approved map outline (coordinator)"),
    "reports_namedperiod": ref("the campaigns' periods of the reports' picker"),
}
