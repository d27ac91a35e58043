"""Construction and upkeep grants (驿站建设/运维补助) on the workflow engine, paid through the ledger."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import staff_of

from ..models import (
    Station,
    StationGrant,
)
from ..workflow import GRANT_FLOW, GrantStep
from .registry import _require_keeper

if TYPE_CHECKING:
    from nuanjia.funds.models import Earmark

# --- construction and upkeep grants (the money link) ----------------------------------------

GRANT_EARMARK = "户外劳动者驿站建设"
GRANT_SOURCE = "stations.grant"


def grant_earmark() -> Earmark:
    from nuanjia.funds.models import Earmark

    earmark = Earmark.objects.filter(name=GRANT_EARMARK).first()
    if earmark is None:
        raise RuleViolation(
            _("The earmark %(name)s is not set up in the ledger.") % {"name": GRANT_EARMARK},
            code="no_earmark",
        )
    return earmark


def _grant_posting(grant: StationGrant, **details: Any) -> dict[str, Any]:
    """What each ledger posting of a station grant carries: account, amount and source."""
    from nuanjia.funds.services import account_for

    return {
        "account": account_for(grant.org, grant_earmark()),
        "amount_fen": grant.amount_fen,
        "source_type": GRANT_SOURCE,
        "source_id": grant.pk,
        "memo": f"{grant.station.code} {grant.get_kind_display()}",
        **details,
    }


@transaction.atomic
def propose_station_grant(
    station: Station, *, kind: str, amount_fen: int, purpose: str, by: Actor
) -> StationGrant:
    """Propose a construction or upkeep grant, paid by the station's host union."""
    from nuanjia.core.money import check_fen

    _require_keeper(by, station.org)
    if kind not in StationGrant.Kind.values:
        raise RuleViolation(_("Choose construction or upkeep."), field="kind")
    amount_fen = check_fen(amount_fen, field="amount", label=_("Amount"))
    purpose = purpose.strip()
    if not purpose or len(purpose) > 200:
        raise RuleViolation(
            _("Say what the grant is for (at most 200 characters)."), field="purpose"
        )
    grant_earmark()
    grant = StationGrant.objects.create(
        station=station,
        org=station.org,
        kind=kind,
        amount_fen=amount_fen,
        purpose=purpose,
        proposed_by=staff_of(by),
    )
    figures = {"kind": kind, "amount_fen": amount_fen, "station": station.code}
    GRANT_FLOW.record(grant, "grant_proposed", "", by=by, changes=figures)
    return grant


@GRANT_FLOW.handler(GrantStep.APPROVE)
@transaction.atomic
def approve_station_grant(grant: StationGrant, *, by: Actor | None, note: str = "") -> StationGrant:
    """Approve a proposed grant and reserve its money in the host's account of the earmark.

    Maker-checker: whoever proposed the grant cannot approve it. Too little money available
    refuses the approval (the ledger's message) and changes nothing."""
    from nuanjia.funds.services import reserve

    with GRANT_FLOW.moving(grant, GrantStep.APPROVE, by=by, note=note) as move:
        reserve(**_grant_posting(move.obj, by=by))
        move.changes["reserved_fen"] = move.obj.amount_fen
    return move.obj


@GRANT_FLOW.handler(GrantStep.PAY)
@transaction.atomic
def pay_station_grant(
    grant: StationGrant,
    *,
    by: Actor | None,
    paid_on: datetime.date | None = None,
    note: str = "",
) -> StationGrant:
    """Record an approved grant as paid: its reservation is spent, at most once."""
    from nuanjia.funds.services import spend

    paid_on = paid_on or clock.today()
    with GRANT_FLOW.moving(grant, GrantStep.PAY, by=by, note=note) as move:
        spend(**_grant_posting(move.obj, by=by, posted_on=paid_on))
        move.obj.paid_on = paid_on
        move.changes["paid_on"] = str(paid_on)
    return move.obj


def cancel_step(grant: StationGrant) -> str:
    """Withdraw (proposed, keepers) or cancel (approved, an approver)."""
    approved = grant.status == StationGrant.Status.APPROVED
    return GrantStep.CANCEL if approved else GrantStep.WITHDRAW


@GRANT_FLOW.handler(GrantStep.WITHDRAW)
@GRANT_FLOW.handler(GrantStep.CANCEL)
@transaction.atomic
def cancel_station_grant(
    grant: StationGrant, *, by: Actor | None, reason: str = "", note: str = ""
) -> StationGrant:
    """Cancel a grant not yet paid: a proposed one is withdrawn by its keepers, an approved
    one is cancelled by an approver with a reason, and its reservation is given back."""
    from nuanjia.funds.services import release

    grant = GRANT_FLOW.lock(grant)
    with GRANT_FLOW.moving(grant, cancel_step(grant), by=by, note=reason or note) as move:
        if move.source == StationGrant.Status.APPROVED:
            release(**_grant_posting(move.obj, by=by, memo=move.note[:200]))
    return move.obj
