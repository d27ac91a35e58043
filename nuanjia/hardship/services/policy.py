"""Setting a region's hardship policy (帮扶政策参数) within the bounds docs/domain.md sets."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow import _jsonable
from nuanjia.orgs.permissions import staff_of
from nuanjia.standards.services import refuse_same_date, regional_row_region

from ..models import HardshipPolicy

# (field, lowest, highest, message naming the bound) for each configurable figure.
POLICY_BOUNDS = (
    ("relative_multiple", Decimal("1"), Decimal("5"), gettext_lazy("The relative-hardship multiple is between 1 and 5 times dibao.")),
    ("tiered_help_multiple", Decimal("1"), Decimal("3"), gettext_lazy("The tiered-help multiple is between 1 and 3.")),
    ("publicity_days", 1, 30, gettext_lazy("Publicity lasts 1 to 30 days.")),
    ("gradual_exit_min_months", 1, 12, gettext_lazy("A gradual exit lasts at least 1 month and at most 12.")),
    ("gradual_exit_max_months", 1, 12, gettext_lazy("A gradual exit lasts at least 1 month and at most 12.")),
    # xgettext:no-python-format
    ("gradual_exit_max_percent", 1, 100, gettext_lazy("The gradual-exit share is 1 to 100 % of the pre-exit standard.")),
    # xgettext:no-python-format
    ("spot_check_percent", 30, 100, gettext_lazy("At least 30 % of the annual reviews are spot-checked.")),
    ("review_interval_months", 1, 12, gettext_lazy("Files are reviewed at least once a year (1 to 12 months).")),
    ("retention_years", 10, 50, gettext_lazy("Files are kept at least 10 years after exit.")),
    ("average_home_area_m2", Decimal("1"), Decimal("500"), gettext_lazy("Enter the local average home area per person in m².")),
)  # fmt: skip


@transaction.atomic
def save_policy(
    *,
    by: Actor,
    region_code: str,
    effective_on: datetime.date,
    values: dict[str, Any],
    note: str = "",
    instance: HardshipPolicy | None = None,
) -> HardshipPolicy:
    """Create or change a region's hardship policy from a date (the province's, a city's or a
    county's). Bounds follow docs/domain.md: at least a yearly review with ≥ 30 % spot checks, files
    kept ≥ 10 years; the campaign's 1–6 months at ≤ 60 % are the defaults, not the bounds."""
    region_code, region = regional_row_region(
        by,
        region_code,
        unknown=_("%(code)s is not the region code of the province, a city or a county."),
        outside=_("You can set policies only for regions of your own union."),
    )
    if effective_on is None:
        raise RuleViolation(_("Enter the date the policy takes effect."), field="effective_on")
    cleaned = {}
    for name, lowest, highest, message in POLICY_BOUNDS:
        value = values.get(name)
        if value is None or not lowest <= value <= highest:
            raise RuleViolation(str(message), field=name)
        cleaned[name] = value
    if cleaned["gradual_exit_min_months"] > cleaned["gradual_exit_max_months"]:
        raise RuleViolation(
            _("The shortest gradual exit cannot be longer than the longest."),
            field="gradual_exit_min_months",
        )
    refuse_same_date(
        HardshipPolicy,
        region_code,
        effective_on,
        instance,
        _("The region already has a policy from this date; change that row instead."),
    )
    created = instance is None
    row = instance or HardshipPolicy()
    fields = ("region_code", "effective_on", "note", *cleaned)
    before = {name: _jsonable(getattr(row, name)) for name in fields} if not created else {}
    row.region_code, row.effective_on, row.note = region_code, effective_on, (note or "").strip()
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.updated_by = staff_of(by)
    row.save()
    after = {name: _jsonable(getattr(row, name)) for name in fields}
    changes = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    action = f"hardship.policy.{'created' if created else 'changed'}"
    record_event(row, action, by=by, org=region, changes=changes)
    return row
