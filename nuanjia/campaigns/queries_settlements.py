"""Reads of partner settlements: the paying unions' lists and queues (scoped to the viewer's
subtree), one settlement's rows that add up to its amount, and the partner's own statements
(its rows with names masked unless the worker consented for that partner)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.masking import mask_name
from nuanjia.funds.sources import SourceLabel
from nuanjia.members.models import PartnerConsent
from nuanjia.orgs.queries import get_scoped_or_404
from nuanjia.orgs.rules import Role

from .models import Booking, Meal, Nomination, PartnerContract, Settlement
from .queries import scoped
from .rules import ActivityKind, SettlementStatus

PARTNER_KINDS = (ActivityKind.HEALTH_CHECK, ActivityKind.BREAKFAST, ActivityKind.TRIP)


def visible_settlements(user: Actor) -> QuerySet[Settlement]:
    return scoped(
        Settlement.objects.select_related(
            "org", "partner", "activity", "earmark", "contract", "prepared_by", "approved_by",
            "confirmed_by", "batch",
        ),
        user,
    )  # fmt: skip


def get_settlement_for(user: Actor, pk: Any, *, write: bool = False) -> Settlement:
    return get_scoped_or_404(visible_settlements(user), user, write=write, pk=pk)


def visible_contracts(user: Actor) -> QuerySet[PartnerContract]:
    """The partner contracts a union of the viewer's subtree pays (the prepare form's list)."""
    return scoped(
        PartnerContract.objects.select_related("activity", "partner", "org", "earmark").filter(
            activity__kind__in=PARTNER_KINDS
        ),
        user,
    )


def get_contract_for(user: Actor, pk: Any, *, write: bool = False) -> PartnerContract:
    return get_scoped_or_404(visible_contracts(user), user, write=write, pk=pk)


def parse_month(value: str | None) -> datetime.date | None:
    """ "2026-03" (or a whole date) as the first day of that month; None when unreadable."""
    text = (value or "").strip()
    for pattern in ("%Y-%m", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class SettlementFilters:
    status: str = ""
    partner: Any = None  # a partner id
    month: datetime.date | None = None  # any day of the month
    queue: str = ""  # "mine": what waits on the viewer's roles


# The waiting states whose tiles and queues each role works on.
QUEUES = {
    Role.CASEWORKER.value: (SettlementStatus.DISPUTED,),
    Role.APPROVER.value: (SettlementStatus.CONFIRMED,),
    Role.FINANCE.value: (SettlementStatus.APPROVED, SettlementStatus.FAILED),
}


def settlements_list(user: Actor, filters: SettlementFilters) -> QuerySet[Settlement]:
    found = visible_settlements(user)
    if filters.status in SettlementStatus.values:
        found = found.filter(status=filters.status)
    if filters.partner:
        found = found.filter(partner_id=filters.partner)
    if filters.month is not None:
        found = found.filter(month=filters.month.replace(day=1))
    if filters.queue in QUEUES:
        found = found.filter(status__in=QUEUES[filters.queue])
        if filters.queue == Role.APPROVER:
            found = found.exclude(prepared_by_id=user.pk)
    return found


def to_approve(user: Actor) -> QuerySet[Settlement]:
    """Confirmed statements another person prepared (the approvers' queue)."""
    return settlements_list(user, SettlementFilters(queue=Role.APPROVER))


def disputed(user: Actor) -> QuerySet[Settlement]:
    return settlements_list(user, SettlementFilters(queue=Role.CASEWORKER))


def ready_to_pay(user: Actor) -> QuerySet[Settlement]:
    """Approved (or failed) statements waiting for finance's next batch."""
    return settlements_list(user, SettlementFilters(queue=Role.FINANCE))


# ---- rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettlementRow:
    """One completed row of a statement: a check done, a breakfast, a trip-goer."""

    pk: int
    day: datetime.date
    worker_id: int
    name: str
    place: str  # the outlet or the trip
    amount_fen: int


def _raw_rows(settlement: Settlement) -> list[tuple[int, Any, int, str, str]]:
    kind = ActivityKind(settlement.activity.kind)
    if kind == ActivityKind.HEALTH_CHECK:
        return list(
            Booking.objects.filter(settlement=settlement)
            .order_by("done_on", "pk")
            .values_list("pk", "done_on", "worker_id", "worker__name", "outlet__name")
        )
    if kind == ActivityKind.BREAKFAST:
        return list(
            Meal.objects.filter(settlement=settlement)
            .order_by("day", "pk")
            .values_list("pk", "day", "worker_id", "worker__name", "outlet__name")
        )
    return list(
        Nomination.objects.filter(settlement=settlement)
        .order_by("trip__ends_on", "pk")
        .values_list("pk", "trip__ends_on", "worker_id", "worker__name", "trip__name")
    )


def settlement_rows(settlement: Settlement, *, partner: Any = None) -> list[SettlementRow]:
    """The statement's rows at its price; with `partner`, names masked unless the worker
    consented that this partner may see them."""
    raw = _raw_rows(settlement)
    shown: set[int] = set()
    if partner is not None:
        shown = set(
            PartnerConsent.objects.filter(
                partner=partner,
                withdrawn_at=None,
                member__worker_id__in=[row[2] for row in raw],
            ).values_list("member__worker_id", flat=True)
        )
    return [
        SettlementRow(
            pk=pk,
            day=day,
            worker_id=worker_id,
            name=name if partner is None or worker_id in shown else mask_name(name),
            place=place or "",
            amount_fen=settlement.price_fen,
        )
        for pk, day, worker_id, name, place in raw
    ]


# ---- the partner's own statements ------------------------------------------------------------


def partner_settlements(partner: Any) -> QuerySet[Settlement]:
    """A partner's statements (never a draft: every settlement is prepared when created)."""
    return Settlement.objects.select_related("activity", "org").filter(partner=partner)


def get_partner_settlement(partner: Any, pk: Any) -> Settlement:
    from django.http import Http404

    found = partner_settlements(partner).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# ---- the ledger ------------------------------------------------------------------------------


def paid_settlement_ids() -> Any:
    """Paid settlements: each must have exactly one spend (`nuanjia funds check`)."""
    paid = Settlement.objects.filter(status=SettlementStatus.PAID)
    return paid.values_list("pk", flat=True).iterator()


def settlement_labels(ids: list[int]) -> dict[int, SourceLabel]:
    """How the ledger's pages name a settlement behind a posting: "结算 JS000012", linked."""
    return {
        pk: SourceLabel(
            _("Partner settlement %(number)s") % {"number": f"JS{pk:06d}"},
            reverse("campaigns:settlement", args=[pk]),
        )
        for pk in Settlement.objects.filter(pk__in=ids).values_list("pk", flat=True)
    }
