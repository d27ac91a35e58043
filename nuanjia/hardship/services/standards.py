"""Setting a region's 低保 standard and minimum wage."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org

from .. import queries, rules
from ..models import RegionalAmount
from .guards import _require_role


def _region_org(region_code: str) -> Org | None:
    return Org.objects.filter(code=region_code, kind__in=queries.ADMINISTRATIVE_KINDS).first()


def _regional_row_region(by, region_code: str, *, unknown: str, outside: str) -> tuple[str, Org]:
    """Who may set a region's standard or policy, and for which region: a reviewer or
    approver of a city (or the province) union, for a region within it. Returns the cleaned
    code and the region's union."""
    _require_role(by, rules.STANDARD_ROLES)
    if queries.user_region_org(by) is None:
        raise PermissionDenied
    region_code = (region_code or "").strip()
    region = _region_org(region_code)
    if region is None:
        raise RuleViolation(unknown % {"code": region_code}, field="region_code")
    if not region.is_within(by.org):
        raise RuleViolation(outside, field="region_code")
    return region_code, region


def _refuse_same_date(model, region_code: str, effective_on, instance, message: str) -> None:
    clash = model.objects.filter(region_code=region_code, effective_on=effective_on)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise RuleViolation(message, field="effective_on")


@transaction.atomic
def save_regional_amount(
    model: type[RegionalAmount],
    *,
    by,
    region_code: str,
    effective_on: datetime.date,
    monthly_fen: int,
    note: str = "",
    instance: RegionalAmount | None = None,
) -> RegionalAmount:
    """Create or change a 低保 standard or minimum wage of a region in the actor's subtree.

    Only reviewers and approvers of a city (or the province) union set them. A change does not
    touch filed families by itself: run the re-assessment (run_reassessment) to propose new
    categories and put changed families on the review list.
    """
    region_code, region = _regional_row_region(
        by,
        region_code,
        unknown=_("%(code)s is not the region code of a city or county."),
        outside=_("You can set standards only for regions of your own union."),
    )
    if monthly_fen is None or monthly_fen <= 0:
        raise RuleViolation(_("Enter a monthly amount above zero."), field="monthly_fen")
    _refuse_same_date(
        model,
        region_code,
        effective_on,
        instance,
        _("The region already has an amount from this date; change that row instead."),
    )
    created = instance is None
    row = instance or model()
    before = {
        "region_code": row.region_code,
        "effective_on": str(row.effective_on or ""),
        "monthly_fen": row.monthly_fen,
        "note": row.note,
    }
    row.region_code = region_code
    row.effective_on = effective_on
    row.monthly_fen = monthly_fen
    row.note = note.strip()
    row.updated_by = by
    row.save()
    after = {
        "region_code": row.region_code,
        "effective_on": str(row.effective_on),
        "monthly_fen": row.monthly_fen,
        "note": row.note,
    }
    changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    action = f"hardship.{model._meta.model_name}.{'created' if created else 'changed'}"
    record_event(row, action, by=by, org=region, changes=changes)
    return row
