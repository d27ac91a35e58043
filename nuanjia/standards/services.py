"""Writes of the regional standards: a 低保 standard or minimum wage of a region from a date.

Who may set a region's rows, and for which region, is shared with the apps that keep their own
dated regional tables (hardship's policies): `regional_row_region`, `refuse_same_date`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import roles_of, staff_of

from . import queries
from .models import RegionalAmount
from .rules import STANDARD_ROLES


def regional_row_region(
    by: Actor, region_code: str, *, unknown: str, outside: str
) -> tuple[str, Org]:
    """Who may set a region's standard or policy, and for which region: a reviewer or
    approver of a city (or the province) union, for a region within it. Returns the cleaned
    code and the region's union."""
    if not (roles_of(by) & STANDARD_ROLES) or queries.user_region_org(by) is None:
        raise PermissionDenied
    region_code = (region_code or "").strip()
    region = queries.region_org(region_code)
    if region is None:
        raise RuleViolation(unknown % {"code": region_code}, field="region_code")
    if not region.is_within(by.org):
        raise RuleViolation(outside, field="region_code")
    return region_code, region


def refuse_same_date(
    model: type[models.Model],
    region_code: str,
    effective_on: datetime.date,
    instance: models.Model | None,
    message: str,
) -> None:
    """A region has at most one row per effective date."""
    clash = model._default_manager.filter(region_code=region_code, effective_on=effective_on)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise RuleViolation(message, field="effective_on")


@transaction.atomic
def save_regional_amount(
    model: type[RegionalAmount],
    *,
    by: Actor,
    region_code: str,
    effective_on: datetime.date,
    monthly_fen: int,
    note: str = "",
    instance: RegionalAmount | None = None,
) -> RegionalAmount:
    """Create or change a 低保 standard or minimum wage of a region in the actor's subtree.

    Only reviewers and approvers of a city (or the province) union set them. A change does not
    touch filed families by itself: the hardship app's re-assessment proposes new categories.
    """
    region_code, region = regional_row_region(
        by,
        region_code,
        unknown=_("%(code)s is not the region code of a city or county."),
        outside=_("You can set standards only for regions of your own union."),
    )
    if monthly_fen is None or monthly_fen <= 0:
        raise RuleViolation(_("Enter a monthly amount above zero."), field="monthly_fen")
    refuse_same_date(
        model,
        region_code,
        effective_on,
        instance,
        _("The region already has an amount from this date; change that row instead."),
    )
    created = instance is None
    row = instance or model()
    before = _amount_fields(row)
    row.region_code = region_code
    row.effective_on = effective_on
    row.monthly_fen = monthly_fen
    row.note = note.strip()
    row.updated_by = staff_of(by)
    row.save()
    after = _amount_fields(row)
    changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    action = f"standards.{model._meta.model_name}.{'created' if created else 'changed'}"
    record_event(row, action, by=by, org=region, changes=changes)
    return row


def _amount_fields(row: RegionalAmount) -> dict[str, object]:
    return {
        "region_code": row.region_code,
        "effective_on": str(row.effective_on or ""),
        "monthly_fen": row.monthly_fen,
        "note": row.note,
    }
