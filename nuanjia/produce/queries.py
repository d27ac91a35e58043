"""Reads of the consumption-help app, scoped through orgs.queries: producers the viewer's
union or a union above registered, orders and gift bags of the viewer's subtree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.funds.sources import SourceLabel
from nuanjia.members.models import Partner
from nuanjia.orgs.queries import get_scoped_or_404, scope, within
from nuanjia.orgs.rules import Perm, actor_can

from .models import BagOrder, GiftBag, GoodsDestination, HelpOrder, Producer
from .rules import BagOrderStatus, Destination, OrderStatus
from .units import format_jin


def visible_producers(user: Actor) -> QuerySet[Producer]:
    """Producers of the viewer's subtree and of the unions above it (who may buy from them)."""
    org = getattr(user, "org", None)
    if not (getattr(user, "is_authenticated", False) and org is not None):
        return Producer.objects.none()
    if not actor_can(user, Perm.VIEW_BUSINESS):  # the admin roles see no business rows
        return Producer.objects.none()
    return Producer.objects.filter(
        within(org.path, "org__path") | Q(org__code__in=org.ancestor_codes())
    )


def get_producer_for(user: Actor, pk: Any, *, write: bool = False) -> Producer:
    producers = visible_producers(user).select_related("org")
    if write:
        producers = scope(Producer.objects.select_related("org"), user)
    return get_scoped_or_404(producers, user, write=write, pk=pk)


def visible_orders(user: Actor) -> QuerySet[HelpOrder]:
    return scope(HelpOrder.objects.select_related("org", "producer", "earmark"), user)


def get_order_for(user: Actor, pk: Any, *, write: bool = False) -> HelpOrder:
    return get_scoped_or_404(visible_orders(user), user, write=write, pk=pk)


def visible_bags(user: Actor) -> QuerySet[GiftBag]:
    return scope(GiftBag.objects.select_related("org", "producer", "earmark"), user)


def get_bag_for(user: Actor, pk: Any, *, write: bool = False) -> GiftBag:
    return get_scoped_or_404(visible_bags(user), user, write=write, pk=pk)


def collection_points(user: Actor) -> QuerySet[Partner]:
    """Active collection points of the viewer's subtree: those a new gift bag may use."""
    points = Partner.objects.filter(kind=Partner.Kind.COLLECTION_POINT, is_active=True)
    return scope(points, user)


def bag_point_choices(user: Actor, bag: GiftBag) -> QuerySet[Partner]:
    """The points a bag may be changed to: the viewer's active collection points and the
    bag's own."""
    own = bag.points.values_list("pk", flat=True)
    return Partner.objects.filter(
        Q(pk__in=collection_points(user).values("pk")) | Q(pk__in=own)
    ).order_by("name", "pk")


def visible_bag_orders(user: Actor) -> QuerySet[BagOrder]:
    return scope(BagOrder.objects.select_related("bag", "point", "member"), user)


# ---- members and points ----------------------------------------------------------------------


def bags_for_member(member: Any) -> QuerySet[GiftBag]:
    """Open gift bags of the member's union or a union above it."""
    if member.worker_id is None:
        return GiftBag.objects.none()
    codes = member.worker.org.ancestor_codes()
    return GiftBag.objects.filter(is_open=True, org__code__in=codes).prefetch_related("points")


def member_orders(member: Any) -> QuerySet[BagOrder]:
    return BagOrder.objects.filter(member=member).select_related("bag", "point")


def point_orders(partner: Any) -> QuerySet[BagOrder]:
    return BagOrder.objects.filter(point=partner).select_related("bag", "member")


def open_bag_order_count(member: Any) -> int:
    return (
        member_orders(member)
        .filter(status__in=[BagOrderStatus.ORDERED, BagOrderStatus.PAID])
        .count()
    )


# ---- the ledger's and the hardship file's views ---------------------------------------------


def paid_order_ids() -> Any:
    """Orders paid by the bank: each must have exactly one spend (`nuanjia funds check`)."""
    return HelpOrder.objects.filter(status=OrderStatus.PAID).values_list("pk", flat=True).iterator()


def order_labels(ids: list[int]) -> dict[int, SourceLabel]:
    return {
        pk: SourceLabel(
            _("Buy-to-help order %(number)s") % {"number": f"XF{pk:06d}"},
            reverse("produce:order", args=[pk]),
        )
        for pk in HelpOrder.objects.filter(pk__in=ids).values_list("pk", flat=True)
    }


def collected_bag_ids() -> Any:
    """Collected bags with a subsidy: each has exactly one spend."""
    return (
        BagOrder.objects.filter(status=BagOrderStatus.COLLECTED, subsidy_fen__gt=0)
        .values_list("pk", flat=True)
        .iterator()
    )


def bag_order_labels(ids: list[int]) -> dict[int, SourceLabel]:
    return {
        pk: SourceLabel(_("Gift bag order %(number)s") % {"number": f"LB{pk:06d}"})
        for pk in BagOrder.objects.filter(pk__in=ids).values_list("pk", flat=True)
    }


def family_rows(hardship_file: Any) -> list[Sequence[str]]:
    """The produce given to the family (for hardship.panels): date, producer, 斤, order."""
    rows = GoodsDestination.objects.filter(
        hardship_file=hardship_file, kind=Destination.FAMILY
    ).select_related("order__producer")
    return [
        (row.on.isoformat(), row.order.producer.name, format_jin(row.grams), str(row.order))
        for row in rows.order_by("on", "pk")
    ]
