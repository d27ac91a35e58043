"""Reads of the member portal for staff (scoped to their subtree) and for members (their own)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from nuanjia.core.actors import Actor
from nuanjia.orgs.queries import get_scoped_or_404, org_ancestors, scope

from .models import Binding, DataRequest, Join, Member, Partner, PartnerUser


def visible_joins(user: Actor) -> QuerySet[Join]:
    return scope(Join.objects.select_related("org", "county", "occupation", "worker"), user)


def get_join_for(user: Actor, pk: Any, *, write: bool = False) -> Join:
    return get_scoped_or_404(visible_joins(user), user, write=write, pk=pk)


def visible_bindings(user: Actor) -> QuerySet[Binding]:
    return scope(Binding.objects.select_related("org", "worker", "member"), user)


def get_binding_for(user: Actor, pk: Any, *, write: bool = False) -> Binding:
    return get_scoped_or_404(visible_bindings(user), user, write=write, pk=pk)


def filter_joins(
    rows: QuerySet[Join],
    *,
    status: str = "",
    occupation: Any = None,
    county: Any = None,
    week: datetime.date | None = None,
) -> QuerySet[Join]:
    if status == Join.OPEN:
        rows = rows.filter(status__in=Join.WAITING)
    elif status:
        rows = rows.filter(status=status)
    if occupation:
        rows = rows.filter(occupation_id=occupation)
    if county:
        rows = rows.filter(county_id=county)
    if week:
        end = week + datetime.timedelta(days=7)
        rows = rows.filter(created_at__date__gte=week, created_at__date__lt=end)
    return rows


def join_figures(rows: QuerySet[Join]) -> dict[str, list[dict[str, Any]]]:
    """Joins per week, per occupation and per county (入会统计), each row with the figures
    of accepted and all applications; each row's filter opens the list that adds up to it."""
    base = rows.order_by()
    by_week = (
        base.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(total=Count("id"), accepted=Count("id", filter=_accepted()))
        .order_by("-week")
    )
    by_occupation = (
        base.values("occupation_id", "occupation__name")
        .annotate(total=Count("id"), accepted=Count("id", filter=_accepted()))
        .order_by("-total")
    )
    by_county = (
        base.values("county_id", "county__name")
        .annotate(total=Count("id"), accepted=Count("id", filter=_accepted()))
        .order_by("-total")
    )
    return {
        "week": list(by_week),
        "occupation": list(by_occupation),
        "county": list(by_county),
    }


def _accepted() -> Q:
    return Q(status=Join.Status.ACCEPTED)


def visible_partners(user: Actor) -> QuerySet[Partner]:
    return scope(Partner.objects.select_related("org"), user)


def get_partner_for(user: Actor, pk: Any, *, write: bool = False) -> Partner:
    return get_scoped_or_404(visible_partners(user), user, write=write, pk=pk)


def get_partner_user_for(user: Actor, pk: Any, *, write: bool = False) -> PartnerUser:
    rows = scope(PartnerUser.objects.select_related("partner"), user, org_field="partner__org")
    return get_scoped_or_404(rows, user, write=write, pk=pk)


def partners_near(member: Member) -> QuerySet[Partner]:
    """The active partners a member may meet: those of their union and of the unions above
    it (the member chooses which may see their name)."""
    worker = member.worker
    if worker is None:
        return Partner.objects.none()
    home = worker.union or worker.org
    return Partner.objects.filter(org__in=org_ancestors(home), is_active=True).select_related("org")


def visible_data_requests(user: Actor) -> QuerySet[DataRequest]:
    return scope(DataRequest.objects.select_related("org", "member"), user)


def get_data_request_for(user: Actor, pk: Any, *, write: bool = False) -> DataRequest:
    return get_scoped_or_404(visible_data_requests(user), user, write=write, pk=pk)
