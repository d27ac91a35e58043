"""Report templates: who may see and edit them, saving with the placeholders checked, and the
audit events (issue 20 item 5).

A union sees the templates of its own union and of the unions above it (the province's
default serves every city) and of its subtree; it edits those of its subtree. Every save
checks the text (reports.narrative.parse) and writes an audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core import audit, text
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within
from nuanjia.orgs.rules import Perm, actor_can

from . import narrative
from .models_report import ReportTemplate

# The campaigns app shares the reports' layer: its model is reached through the foreign key.
Campaign: Any = ReportTemplate._meta.get_field("campaign").related_model

CREATED = "reports.template_created"
EDITED = "reports.template_edited"


def _ancestor_paths(org: Org) -> list[str]:
    parts = [part for part in org.path.split("/") if part]
    return ["/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]


def visible_templates(user: Any) -> QuerySet[ReportTemplate]:
    """The templates of the user's union, of the unions above it and of its subtree."""
    if not actor_can(user, Perm.VIEW_BUSINESS):
        return ReportTemplate.objects.none()
    found = Q(org__path__in=_ancestor_paths(user.org)) | within(user.org.path, "org__path")
    return ReportTemplate.objects.filter(found).select_related("org", "campaign")


def template_for(user: Any, pk: int) -> ReportTemplate:
    """A template the user may read, or 404 (as a union outside the subtree)."""
    found = visible_templates(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def may_edit(user: Any, template: ReportTemplate) -> bool:
    return actor_can(user, Perm.VIEW_BUSINESS) and template.org.path.startswith(user.org.path)


def _campaign(user: Any, campaign_id: int | None) -> Campaign | None:
    """A campaign led by a union above the user's, their own or one of their subtree."""
    if not campaign_id:
        return None
    found = (
        Campaign.objects.filter(pk=campaign_id)
        .filter(Q(lead_org__path__in=_ancestor_paths(user.org)) | within(user.org.path, "lead_org__path"))
        .first()
    )  # fmt: skip
    if found is None:
        raise RuleViolation(_("There is no such campaign."), field="campaign")
    return found


def _cleaned(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    title = text.one_line(
        data.get("title"), "title", 100, required_message=_("Give the report a title.")
    )
    body = text.text_block(
        data.get("body"), "body", 20000, required_message=_("Write the report's text.")
    )
    campaign = _campaign(user, data.get("campaign"))
    narrative.parse(body, has_campaign=campaign is not None)
    return {"title": title, "body": body, "campaign": campaign}


def create_template(user: Any, data: dict[str, Any], org: Org | None = None) -> ReportTemplate:
    """A new template of the user's union (or of `org` in their subtree)."""
    if not actor_can(user, Perm.VIEW_BUSINESS):
        raise RuleViolation(_("You may not write reports."), code="forbidden")
    org = org or user.org
    cleaned = _cleaned(user, data)
    with transaction.atomic():
        template = ReportTemplate.objects.create(org=org, **cleaned)
        audit.record_event(
            template, CREATED, by=user,
            changes={"title": template.title, "campaign": template.campaign_id},
        )  # fmt: skip
    return template


def edit_template(user: Any, template: ReportTemplate, data: dict[str, Any]) -> ReportTemplate:
    if not may_edit(user, template):
        raise Http404
    cleaned = _cleaned(user, data)
    before = {"title": template.title, "body": template.body, "campaign": template.campaign_id}
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(template, name, value)
        template.save()
        after = {"title": template.title, "body": template.body, "campaign": template.campaign_id}
        audit.record_event(template, EDITED, by=user, changes=audit.diff(before, after))
    return template


EVENT_NAMES = {
    CREATED: _lazy("Report template created"),
    EDITED: _lazy("Report template edited"),
}
