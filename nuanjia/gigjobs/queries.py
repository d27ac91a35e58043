"""Reads of the gig-job app, every staff read scoped to the viewer's subtree (orgs.queries);
the member's and the employer's reads limited to their own rows; the near search."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.lists import ListSpec, Sort
from nuanjia.orgs.queries import get_scoped_or_404, scope
from nuanjia.stations.rules import cell_ranges, haversine_m

from .models import Corner, GigWorker, JobPost, Match
from .rules import NEAR_LIMIT, NEAR_RADIUS_M, MatchStatus, PostStatus

CORNER_LIST = ListSpec("gigjobs.corners", {"name": Sort(("name",), gettext_lazy("By name"))})
POST_LIST = ListSpec("gigjobs.posts", {"new": Sort(("-created_at",), gettext_lazy("Newest"))})
MATCH_LIST = ListSpec("gigjobs.matches", {"new": Sort(("-created_at",), gettext_lazy("Newest"))})
WORKER_LIST = ListSpec("gigjobs.workers", {"name": Sort(("name",), gettext_lazy("By name"))})


def visible_corners(user: Actor) -> QuerySet[Corner]:
    return scope(Corner.objects.select_related("org"), user)


def get_corner_for(user: Actor, pk: Any, *, write: bool = False) -> Corner:
    return get_scoped_or_404(visible_corners(user), user, write=write, pk=pk)


def visible_posts(user: Actor) -> QuerySet[JobPost]:
    return scope(JobPost.objects.select_related("corner"), user)


def get_post_for(user: Actor, pk: Any, *, write: bool = False) -> JobPost:
    return get_scoped_or_404(visible_posts(user), user, write=write, pk=pk)


def visible_workers(user: Actor) -> QuerySet[GigWorker]:
    return scope(GigWorker.objects.select_related("corner"), user)


def get_worker_for(user: Actor, pk: Any, *, write: bool = False) -> GigWorker:
    return get_scoped_or_404(visible_workers(user), user, write=write, pk=pk)


def visible_matches(user: Actor) -> QuerySet[Match]:
    return scope(Match.objects.select_related("post", "gig_worker", "corner"), user)


def get_match_for(user: Actor, pk: Any, *, write: bool = False) -> Match:
    return get_scoped_or_404(visible_matches(user), user, write=write, pk=pk)


def corner_matches(corner: Corner) -> QuerySet[Match]:
    return Match.objects.filter(corner=corner).select_related("post", "gig_worker", "corner")


# ---- the member on the phone ----------------------------------------------------------------


def gig_worker_of(member: Any) -> GigWorker | None:
    return GigWorker.objects.select_related("corner").filter(member=member).first()


def member_matches(member: Any) -> QuerySet[Match]:
    return Match.objects.filter(gig_worker__member=member).select_related("post", "corner")


def near_posts(lat: float, lng: float, *, on: datetime.date,
               radius_m: float = NEAR_RADIUS_M) -> list[tuple[float, JobPost]]:  # fmt: skip
    """Open posts not yet over within `radius_m` of a WGS-84 point, nearest first, each with
    its distance in metres: the grid cells around the point (as the stations' near search),
    then haversine."""
    cells = Q()
    for first, last in cell_ranges(lat, lng, radius_m):
        cells |= Q(cell__range=(first, last))
    rows = JobPost.objects.filter(cells, status=PostStatus.OPEN, ends_on__gte=on)
    found = [(haversine_m(lat, lng, post.lat, post.lng), post)
             for post in rows.select_related("corner")[:2000]]  # fmt: skip
    found = [pair for pair in found if pair[0] <= radius_m]
    found.sort(key=lambda pair: (pair[0], pair[1].pk))
    return found[:NEAR_LIMIT]


def nearest_corners(lat: float | None, lng: float | None) -> list[Corner]:
    corners = list(Corner.objects.filter(is_active=True).select_related("org")[:500])
    if lat is None or lng is None:
        return corners[:50]
    return sorted(corners, key=lambda c: haversine_m(lat, lng, c.lat, c.lng))[:50]


# ---- the employer on /p/ ---------------------------------------------------------------------


def partner_posts(partner: Any) -> QuerySet[JobPost]:
    return JobPost.objects.filter(partner=partner).select_related("corner")


def partner_matches(partner: Any) -> QuerySet[Match]:
    return (
        Match.objects.filter(post__partner=partner)
        .exclude(status=MatchStatus.DECLINED)
        .select_related("post", "gig_worker")
    )
