"""Setting up campaigns and their activities: create, change, open and close; each audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import check_fen
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import Activity, Campaign
from ..rules import ActivityKind, CampaignStatus
from .common import require_planner

CODE_MAX = 32


def _period(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise RuleViolation(_("The end date is before the start date."), field="ends_on")


def _levels(levels: Iterable[str]) -> list[str]:
    chosen = [str(level) for level in levels]
    unknown = sorted(set(chosen) - set(Org.Kind.values))
    if unknown:
        raise RuleViolation(
            _("Unknown union level: %(level)s.") % {"level": unknown[0]}, field="levels"
        )
    return sorted(set(chosen))


@transaction.atomic
def create_campaign(
    *,
    code: str,
    name: str,
    lead_org: Org,
    starts_on: datetime.date,
    ends_on: datetime.date,
    levels: Iterable[str] = (),
    earmarks: Iterable[Any] = (),
    note: str = "",
    by: Actor,
) -> Campaign:
    """A new campaign, being planned (筹备) until it is opened."""
    require_planner(by, lead_org)
    code = one_line(code, "code", CODE_MAX, required_message=_("Give the campaign a code."))
    if Campaign.objects.filter(code=code).exists():
        raise RuleViolation(_("Another campaign has this code."), field="code")
    name = one_line(name, "name", 100, required_message=_("Give the campaign a name."))
    _period(starts_on, ends_on)
    campaign = Campaign.objects.create(
        code=code,
        name=name,
        lead_org=lead_org,
        starts_on=starts_on,
        ends_on=ends_on,
        levels=_levels(levels),
        note=one_line(note, "note", 500),
        created_by=staff_of(by),
    )
    chosen = list(earmarks)
    campaign.earmarks.set(chosen)
    record_event(
        campaign,
        "campaigns.campaign_created",
        by=by,
        org=lead_org,
        changes={
            "code": code,
            "name": name,
            "period": [starts_on.isoformat(), ends_on.isoformat()],
            "levels": campaign.levels,
            "earmarks": [earmark.code for earmark in chosen],
        },
    )
    return campaign


@transaction.atomic
def set_campaign_status(campaign: Campaign, status: str, *, by: Actor, note: str = "") -> Campaign:
    """Open a campaign being planned, or close one under way (a closed one stays closed)."""
    require_planner(by, campaign.lead_org)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    allowed = {
        CampaignStatus.DRAFT: {CampaignStatus.OPEN},
        CampaignStatus.OPEN: {CampaignStatus.CLOSED},
    }.get(CampaignStatus(campaign.status), set())
    if status not in allowed:
        raise RuleViolation(_("The campaign cannot move to this status."), field="status")
    before = campaign.status
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    record_event(
        campaign,
        "campaigns.campaign_status",
        by=by,
        org=campaign.lead_org,
        changes={"status": [before, status], **({"note": note[:200]} if note else {})},
    )
    return campaign


def _check_cash(kind: str, grant_type: Any, cash_fen: int | None) -> int | None:
    if cash_fen is not None:
        cash_fen = check_fen(cash_fen, field="cash_fen", label=str(_("Cash per person")))
    if kind != ActivityKind.VISIT and (grant_type is not None or cash_fen is not None):
        raise RuleViolation(_("Only a warmth visit pays cash."), field="grant_type")
    if cash_fen is not None and grant_type is None:
        raise RuleViolation(_("Choose the grant type the cash is paid as."), field="grant_type")
    return cash_fen


def _checked_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule as people.eligibility reads it back (refused with the position when wrong)."""
    if not rule:
        return {}
    from nuanjia.people import eligibility

    return dict(eligibility.parse_rule(rule).as_json())


@transaction.atomic
def create_activity(
    campaign: Campaign,
    *,
    kind: str,
    name: str,
    org: Org,
    rule: dict[str, Any] | None = None,
    grant_type: Any = None,
    cash_fen: int | None = None,
    uses_places: bool = False,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
    by: Actor,
) -> Activity:
    """A new activity of `campaign`, run by `org` (the lead union or one below it)."""
    require_planner(by, org)
    if campaign.status == CampaignStatus.CLOSED:
        raise RuleViolation(_("The campaign is closed."), field="campaign")
    if not org.path.startswith(campaign.lead_org.path):
        raise RuleViolation(_("The union is not part of this campaign."), field="org")
    if kind not in ActivityKind.values:
        raise RuleViolation(_("Choose the kind of activity."), field="kind")
    name = one_line(name, "name", 100, required_message=_("Give the activity a name."))
    cash_fen = _check_cash(kind, grant_type, cash_fen)
    rule = _checked_rule(rule or {})
    if starts_on and ends_on:
        _period(starts_on, ends_on)
    activity = Activity.objects.create(
        campaign=campaign,
        kind=kind,
        name=name,
        org=org,
        rule=rule,
        grant_type=grant_type,
        cash_fen=cash_fen,
        uses_places=uses_places,
        starts_on=starts_on,
        ends_on=ends_on,
        note=one_line(note, "note", 500),
        created_by=staff_of(by),
    )
    record_event(
        activity,
        "campaigns.activity_created",
        by=by,
        org=org,
        changes={
            "campaign": campaign.code,
            "kind": kind,
            "name": name,
            "rule": activity.rule,
            "cash_fen": cash_fen,
            "grant_type": getattr(grant_type, "code", None),
            "uses_places": uses_places,
        },
    )
    return activity


@transaction.atomic
def change_rule(activity: Activity, rule: dict[str, Any], *, by: Actor) -> Activity:
    """A new eligibility rule; lists already drawn up keep the rows they have."""
    require_planner(by, activity.org)
    before = activity.rule
    activity.rule = _checked_rule(rule)
    activity.save(update_fields=["rule", "updated_at"])
    record_event(
        activity,
        "campaigns.rule_changed",
        by=by,
        org=activity.org,
        changes={"rule": [before, activity.rule]},
    )
    return activity
