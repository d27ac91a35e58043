"""Reads of campaigns, scoped. A campaign is visible to the unions taking part: its lead union's
subtree, and the lead union's ancestors' staff (who see what their subtree runs). Every row a
union records (lists, places, visits, goods, findings) is scoped by its own union."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404, scope, visible_orgs, within
from nuanjia.orgs.rules import Perm, actor_can

from .models import Activity, Campaign


def _taking_part(user: Actor, field: str) -> Q:
    """Campaigns led in the user's subtree, or led above the user's union (its levels reach
    down to the user): one path range or the user's ancestors' codes."""
    org = user.org
    ancestors = [code for code in org.path.strip("/").split("/")]
    return within(org.path, f"{field}__path") | Q(**{f"{field}__code__in": ancestors})


def visible_campaigns(user: Actor) -> QuerySet[Campaign]:
    if not getattr(user, "is_authenticated", False) or getattr(user, "org", None) is None:
        return Campaign.objects.none()
    if not actor_can(user, Perm.VIEW_BUSINESS):
        return Campaign.objects.none()
    return Campaign.objects.select_related("lead_org").filter(_taking_part(user, "lead_org"))


def get_campaign_for(user: Actor, pk: Any, *, write: bool = False) -> Campaign:
    return get_scoped_or_404(visible_campaigns(user), user, write=write, pk=pk)


def visible_activities(user: Actor) -> QuerySet[Activity]:
    campaigns = visible_campaigns(user)
    return Activity.objects.select_related("campaign", "org", "grant_type").filter(
        campaign__in=campaigns
    )


def get_activity_for(user: Actor, pk: Any, *, write: bool = False) -> Activity:
    return get_scoped_or_404(visible_activities(user), user, write=write, pk=pk)


def scoped(queryset: QuerySet[Any], user: Actor, *, org_field: str = "org") -> QuerySet[Any]:
    """Any campaign row of the user's subtree (lists, places, visits, goods, findings)."""
    return scope(queryset, user, org_field=org_field)


def union_by_code(user: Actor, code: str, field: str = "org") -> Org:
    """A union of the user's subtree by its code, or the refusal naming `field`."""
    org = visible_orgs(user).filter(code=(code or "").strip()).first()
    if org is None:
        raise RuleViolation(_("No union with this code in your reach."), field=field)
    return org


def _child_code(at: Org, path: str) -> str:
    rest = path[len(at.path) :].strip("/")
    return rest.split("/", 1)[0] if rest else at.code


def roll_up(at: Org, counts: Iterable[tuple[int, int]]) -> dict[str, int]:
    """Counts per owning union (org id, count) summed per union right below `at`, or `at`
    itself for its own rows (one query for the paths of the unions that have any)."""
    counts = list(counts)
    paths = dict(Org.objects.filter(pk__in=[pk for pk, _n in counts]).values_list("pk", "path"))
    by_code: dict[str, int] = {}
    for org_id, value in counts:
        code = _child_code(at, paths[org_id])
        by_code[code] = by_code.get(code, 0) + value
    return by_code


def campaign_periods() -> list[Any]:
    """Every campaign not being planned as a named period of the reports (core.measures)."""
    from nuanjia.core.measures import NamedPeriod

    from .rules import CampaignStatus

    return [
        NamedPeriod(f"campaign-{c.code}", c.name, c.starts_on, c.ends_on, c.lead_org.path)
        for c in Campaign.objects.exclude(status=CampaignStatus.DRAFT).select_related("lead_org")
    ]
