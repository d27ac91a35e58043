"""Reads of partners' contracts: a contract shows to the staff of the union that signed it,
of the unions above it (who see what their subtree runs) and of the unions below it (who book
and serve under it), for an activity they can see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nuanjia.core.actors import Actor
from nuanjia.members.models import Partner
from nuanjia.orgs.queries import get_scoped_or_404, within

from .models import Activity, PartnerContract
from .queries import visible_activities


def visible_contracts(user: Actor) -> QuerySet[PartnerContract]:
    activities = visible_activities(user)
    org = getattr(user, "org", None)
    if org is None:
        return PartnerContract.objects.none()
    line = within(org.path, "org__path") | Q(org__code__in=org.path.strip("/").split("/"))
    return (
        PartnerContract.objects.select_related("partner", "org", "earmark", "activity")
        .filter(activity__in=activities)
        .filter(line)
    )


def get_contract_for(user: Actor, pk: Any, *, write: bool = False) -> PartnerContract:
    return get_scoped_or_404(visible_contracts(user), user, write=write, pk=pk)


def contracts_of(user: Actor, activity: Activity) -> QuerySet[PartnerContract]:
    return visible_contracts(user).filter(activity=activity)


def partners_to_sign(user: Actor, activity: Activity, kind: str) -> QuerySet[Partner]:
    """Partners of `kind` registered on the viewer's line without a contract for `activity`."""
    org = user.org
    line = within(org.path, "org__path") | Q(org__code__in=org.path.strip("/").split("/"))
    taken = PartnerContract.objects.filter(activity=activity).values("partner_id")
    return Partner.objects.filter(line, kind=kind, is_active=True).exclude(pk__in=taken)
