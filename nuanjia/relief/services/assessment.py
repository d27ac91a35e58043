"""Guards and the assessment shown before proposing: the caps in force and the province-wide duplicate warning."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_name
from nuanjia.core.money import format_yuan
from nuanjia.funds import services as funds
from nuanjia.funds.models import FundAccount
from nuanjia.hardship.models import HardshipFile
from nuanjia.people.models import Worker
from nuanjia.standards.queries import dibao_fen_for

from .. import queries, rules
from ..models import (
    Grant,
    GrantType,
    PaymentBatch,
)
from ..workflow import FLOW

REASON_MAX = 500


# ---- Guards -------------------------------------------------------------------------------


def _text(value: str, field: str, message: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(message, field=field)
    if len(value) > REASON_MAX:
        raise RuleViolation(_("At most %(count)d characters.") % {"count": REASON_MAX}, field=field)
    return value


def _reason(step: str, reason: str) -> str:
    """A step's required reason, refused on the `reason` field when missing."""
    return _text(reason, "reason", str(FLOW.step(step).reason))


def _account(grant_or_batch: Grant | PaymentBatch) -> FundAccount:
    return funds.account_for(grant_or_batch.org, grant_or_batch.earmark)


# ---- Assessment: caps and the duplicate warning -------------------------------------------


@dataclass
class Assessment:
    """What the proposer is shown before (and when) proposing: the caps and the warnings."""

    check: rules.CapCheck
    warnings: list[str] = field(default_factory=list)
    category: str = ""
    region_code: str = ""


def assess(
    worker: Worker,
    grant_type: GrantType,
    amount_fen: int,
    *,
    school_stage: str = "",
    hardship_file: HardshipFile | None = None,
    on: datetime.date | None = None,
    exclude_id: int | None = None,
    viewer: Actor | None = None,
) -> Assessment:
    """Check an amount against the caps in force for the worker's region and category, and
    warn when the worker already has a grant of the type this year anywhere in the province.

    The warning names the union and the date; a union outside the viewer's subtree is named,
    the amount is not (the proposer needs to know that, not how much).
    """
    on = on or clock.today()
    household = getattr(worker, "household", None)
    hardship_file = hardship_file or queries.family_file(worker)
    category = hardship_file.category if hardship_file is not None else ""
    region_code = (
        (
            hardship_file.region_code
            if hardship_file is not None
            else (household.region_code if household is not None else "")
        )
        or worker.region_code
        or worker.org.region_code
    )
    caps = queries.caps_for(grant_type, region_code, category, school_stage, on)
    year_total = queries.year_total_fen(
        grant_type=grant_type,
        worker_id=worker.pk,
        household_id=household.pk if household is not None else None,
        year=on.year,
        year_scope=caps.year_scope,
        exclude_id=exclude_id,
    )
    dibao = dibao_fen_for(region_code, on) if caps.dibao_months is not None else None
    check = rules.check_caps(amount_fen, caps, year_total_fen=year_total, dibao_fen=dibao)
    warnings = []
    for other in queries.same_type_this_year(
        grant_type=grant_type, worker_id=worker.pk, year=on.year, exclude_id=exclude_id
    ):
        visible = viewer is not None and viewer.org is not None and other.org.is_within(viewer.org)
        warnings.append(
            _(
                "%(name)s already has a %(type)s grant this year: %(org)s, %(date)s, %(status)s"
                "%(amount)s."
            )
            % {
                "name": mask_name(worker.name),
                "type": grant_type.name,
                "org": other.org.name,
                "date": f"{other.proposed_on:%Y-%m-%d}",
                "status": other.get_status_display(),
                "amount": (
                    _(", %(amount)s yuan") % {"amount": format_yuan(other.amount_fen)}
                    if visible
                    else ""
                ),
            }
        )
    return Assessment(check=check, warnings=warnings, category=category, region_code=region_code)


def _refuse_caps(check: rules.CapCheck) -> None:
    if not check.is_ok:
        raise RuleViolation(
            _("The amount is above a limit: %(reasons)s") % {"reasons": " ".join(check.refusals)},
            field="amount",
            code="over_cap",
        )
