"""What the benefits pages and API read, scoped to the viewer's subtree: offers and terms by
their paying union, redemptions and flags by the member's union, statements by the paying
union. The member's own offers and coupons; the merchant's own uses of a day."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from nuanjia.core.actors import Actor
from nuanjia.members.models import Partner
from nuanjia.orgs.queries import get_scoped_or_404, scope

from .models import Flag, MerchantTerms, Offer, Redemption, Statement
from .rules import StatementStatus
from .services import counters
from .services.coupons import usable_coupons
from .services.redemptions import OfferLeft, eligible_union, live_offers


def visible_terms(user: Actor) -> QuerySet[MerchantTerms]:
    return scope(MerchantTerms.objects.select_related("partner", "org", "earmark"), user)


def get_terms_for(user: Actor, pk: Any, *, write: bool = False) -> MerchantTerms:
    return get_scoped_or_404(visible_terms(user), user, write=write, pk=pk)


def visible_offers(user: Actor) -> QuerySet[Offer]:
    found = Offer.objects.select_related("partner", "terms", "org")
    return scope(found, user, org_field="terms__org")


def get_offer_for(user: Actor, pk: Any, *, write: bool = False) -> Offer:
    return get_scoped_or_404(visible_offers(user), user, write=write, pk=pk)


def visible_merchants(user: Actor) -> QuerySet[Partner]:
    """Merchant partners registered by a union of the viewer's subtree."""
    return scope(Partner.objects.filter(kind=Partner.Kind.MERCHANT), user).order_by("name")


def visible_redemptions(user: Actor) -> QuerySet[Redemption]:
    found = Redemption.objects.select_related("offer", "partner", "outlet", "worker", "org")
    return scope(found, user).order_by("-at", "-id")


def filter_redemptions(
    found: QuerySet[Redemption], *, offer: int | None = None, partner: int | None = None,
    start: datetime.date | None = None, end: datetime.date | None = None, city: str = "",
) -> QuerySet[Redemption]:  # fmt: skip
    if city:
        found = found.filter(partner__benefit_terms__city=city)
    if offer:
        found = found.filter(offer_id=offer)
    if partner:
        found = found.filter(partner_id=partner)
    if start:
        found = found.filter(day__gte=start)
    if end:
        found = found.filter(day__lte=end)
    return found


def visible_flags(user: Actor) -> QuerySet[Flag]:
    return scope(
        Flag.objects.select_related("worker", "org", "redemption__partner", "decided_by"), user
    )


def get_flag_for(user: Actor, pk: Any, *, write: bool = False) -> Flag:
    return get_scoped_or_404(visible_flags(user), user, write=write, pk=pk)


def visible_statements(user: Actor) -> QuerySet[Statement]:
    found = Statement.objects.select_related(
        "partner", "org", "earmark", "terms", "prepared_by", "approved_by", "confirmed_by"
    )
    return scope(found, user)


def get_statement_for(user: Actor, pk: Any, *, write: bool = False) -> Statement:
    return get_scoped_or_404(visible_statements(user), user, write=write, pk=pk)


# ---- the member's and the merchant's own -----------------------------------------------------


def member_offers(worker_id: int, day: datetime.date) -> list[tuple[Partner, OfferLeft]]:
    """The offers open to the member on `day` at every merchant, with the uses left."""
    found = []
    offers = (
        Offer.objects.filter(is_active=True, terms__is_active=True)
        .filter(starts_on__lte=day, ends_on__gte=day)
        .filter(terms__starts_on__lte=day, terms__ends_on__gte=day)
        .select_related("org", "partner")
        .order_by("partner__name", "name")
    )
    for offer in offers:
        if eligible_union(offer, worker_id, day) is None:
            continue
        left = counters.member_left(offer, worker_id, day)
        found.append((offer.partner, OfferLeft(offer.pk, offer.name, offer.member_price_fen,
                                               offer.subsidy_fen, left)))  # fmt: skip
    return found


def member_coupons(worker_id: int, day: datetime.date) -> Any:
    return usable_coupons(worker_id, None, day).select_related("batch__partner")


def merchant_uses(partner_id: int, day: datetime.date) -> QuerySet[Redemption]:
    """The merchant's uses of `day`, newest first (its reversal list)."""
    return (
        Redemption.objects.filter(partner_id=partner_id, day=day)
        .select_related("offer", "outlet", "coupon__batch")
        .order_by("-at", "-id")
    )


def paid_statement_ids() -> Any:
    """Paid statements: each must have exactly one spend (`nuanjia funds check`)."""
    paid = Statement.objects.filter(status=StatementStatus.PAID)
    return paid.values_list("pk", flat=True).iterator()


def statement_labels(ids: list[int]) -> dict[int, Any]:
    """How the ledger's pages name a statement behind a posting, linked."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from nuanjia.funds.sources import SourceLabel

    return {
        pk: SourceLabel(
            _("Merchant statement %(number)s") % {"number": f"DZ{pk:06d}"},
            reverse("benefits:statement", args=[pk]),
        )
        for pk in Statement.objects.filter(pk__in=ids).values_list("pk", flat=True)
    }


def statement_queue(user: Actor, queue: str) -> QuerySet[Statement]:
    """What waits on a role: disputed (caseworker), to approve, ready to pay (finance)."""
    waiting = {
        "caseworker": [StatementStatus.DISPUTED],
        "approver": [StatementStatus.CONFIRMED],
        "finance": [StatementStatus.APPROVED, StatementStatus.FAILED],
    }.get(queue)
    found = visible_statements(user)
    return found.filter(status__in=waiting) if waiting else found


__all__ = ["live_offers"]
