"""1元 gift bags (1元购爱心礼包): a union sets up a bag of a producer's goods (content in grams,
the member price, its subsidy per bag from an earmark) with its stock and collection points;
members order on the phone, pay the member price at the point (cash or the point's payment
code, recorded by the point; or online through the payment adapter), and collect. Collecting
moves one bag out of stock, spends the subsidy from the ledger and counts in the figures, once:
every step locks the order and checks its status."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import check_fen
from nuanjia.core.text import one_line
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Member, Partner
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from .. import payments
from ..models import BagOrder, BagStockMove, GiftBag, Producer
from ..rules import BagOrderStatus, PayMethod
from .common import city_code, month_of, require_role

BAG_SOURCE = "produce.bag_order"  # the ledger's name for a collected bag's subsidy
MAX_BAGS = 10_000_000


@transaction.atomic
def create_bag(
    org: Org,
    producer: Producer,
    earmark: Earmark,
    *,
    name: str,
    grams: int,
    member_price_fen: int,
    subsidy_fen: int,
    points: list[Partner],
    by: Actor,
) -> GiftBag:
    require_role(by, org)
    if not isinstance(grams, int) or grams <= 0:
        raise RuleViolation(_("Enter the bag's content in jin above 0."), field="grams")
    clean = one_line(name, "name", 100, required_message=_("Enter the bag's name."))
    if GiftBag.objects.filter(org=org, name=clean).exists():
        raise RuleViolation(_("This union already has a gift bag of this name."), field="name")
    _points(points)
    bag = GiftBag.objects.create(
        org=org, producer=producer, earmark=earmark, name=clean, grams=grams,
        member_price_fen=check_fen(member_price_fen, field="member_price_fen"),
        subsidy_fen=check_fen(subsidy_fen, field="subsidy_fen") if subsidy_fen != 0 else 0,
        created_by=staff_of(by),
    )  # fmt: skip
    bag.points.set(points)
    record_event(bag, "produce.bag_created", by=by, org=org, changes={
        "name": clean, "producer": producer.name, "grams": grams,
        "member_price_fen": bag.member_price_fen, "subsidy_fen": bag.subsidy_fen,
        "points": [p.name for p in points],
    })  # fmt: skip
    return bag


def _points(points: list[Partner]) -> list[Partner]:
    wrong = [p for p in points if p.kind != Partner.Kind.COLLECTION_POINT or not p.is_active]
    if wrong or not points:
        raise RuleViolation(_("Choose one or more active collection points."), field="points")
    return points


@transaction.atomic
def change_bag(
    bag: GiftBag,
    *,
    name: str,
    member_price_fen: int,
    subsidy_fen: int,
    points: list[Partner],
    is_open: bool,
    by: Actor,
) -> GiftBag:
    """The union changes a bag's name, prices, points or closes it to new orders. Its content,
    producer and earmark stay: orders and the ledger carry them. Orders already placed keep
    their subsidy and their point."""
    require_role(by, bag.org)
    bag = GiftBag.objects.select_for_update().get(pk=bag.pk)
    clean = one_line(name, "name", 100, required_message=_("Enter the bag's name."))
    if GiftBag.objects.filter(org=bag.org, name=clean).exclude(pk=bag.pk).exists():
        raise RuleViolation(_("This union already has a gift bag of this name."), field="name")
    new = {
        "name": clean,
        "member_price_fen": check_fen(member_price_fen, field="member_price_fen"),
        "subsidy_fen": check_fen(subsidy_fen, field="subsidy_fen") if subsidy_fen != 0 else 0,
        "is_open": bool(is_open),
    }
    chosen = _points(points)
    changes: dict[str, Any] = {
        key: [getattr(bag, key), value] for key, value in new.items() if getattr(bag, key) != value
    }
    before = sorted(p.name for p in bag.points.all())
    if before != sorted(p.name for p in chosen):
        changes["points"] = [before, sorted(p.name for p in chosen)]
    for key, value in new.items():
        setattr(bag, key, value)
    bag.save(update_fields=list(new))
    bag.points.set(chosen)
    record_event(bag, "produce.bag_changed", by=by, org=bag.org, changes=changes)
    return bag


@transaction.atomic
def add_bag_stock(bag: GiftBag, bags: int, *, by: Actor, note: str = "") -> GiftBag:
    """Bags received into stock (from the producer)."""
    require_role(by, bag.org)
    if not isinstance(bags, int) or not 0 < bags <= MAX_BAGS:
        raise RuleViolation(_("Enter a whole number of bags above 0."), field="bags")
    bag = GiftBag.objects.select_for_update().get(pk=bag.pk)
    bag.stock += bags
    bag.save(update_fields=["stock"])
    BagStockMove.objects.create(
        bag=bag, change=bags, note=one_line(note, "note", 200), by_label=str(staff_of(by))
    )
    record_event(
        bag, "produce.bag_stocked", by=by, org=bag.org, changes={"bags": bags, "stock": bag.stock}
    )
    return bag


def _open_orders(bag: GiftBag) -> int:
    return bag.orders.filter(status__in=[BagOrderStatus.ORDERED, BagOrderStatus.PAID]).count()


@transaction.atomic
def member_order_bag(member: Member, bag: GiftBag, point: Partner) -> BagOrder:
    """A member bound to a worker of the bag's union (or below) orders one bag, to collect at
    one of its points; refused when every bag in stock is already spoken for."""
    if member.worker_id is None or member.worker is None:
        raise RuleViolation(_("Link your account to your member record first."), code="unbound")
    bag = GiftBag.objects.select_for_update().get(pk=bag.pk)
    worker_org = member.worker.org
    if not bag.is_open or not worker_org.path.startswith(bag.org.path):
        raise RuleViolation(_("This gift bag is not offered to you."), field="bag")
    if not bag.points.filter(pk=point.pk, is_active=True).exists():
        raise RuleViolation(_("Choose one of the bag's collection points."), field="point")
    if _open_orders(bag) >= bag.stock:
        raise RuleViolation(_("Sorry, these gift bags are sold out."), field="bag", code="sold_out")
    try:
        with transaction.atomic():
            order = BagOrder.objects.create(
                bag=bag, member=member, worker_id=member.worker_id, point=point,
                grams=bag.grams, subsidy_fen=bag.subsidy_fen, org=bag.org,
                city=city_code(bag.org), county=bag.producer.region_code,
            )  # fmt: skip
    except IntegrityError:
        raise RuleViolation(_("You have already ordered this gift bag."), field="bag") from None
    record_event(order, "produce.bag_ordered", by=None, org=bag.org,
                 actor_label=member.actor_label, changes={"bag": bag.name, "point": point.name})  # fmt: skip
    return order


def _lock(order: BagOrder) -> BagOrder:
    return (
        BagOrder.objects.select_for_update(of=("self",))
        .select_related("bag", "point")
        .get(pk=order.pk)
    )


def _point_user(order: BagOrder, user: Any) -> None:
    if user is None or not user.is_active or user.partner_id != order.point_id:
        raise RuleViolation(_("This order is collected at another point."), code="other_point")


def _paid(order: BagOrder, method: str, reference: str, label: str) -> BagOrder:
    order.status = BagOrderStatus.PAID
    order.pay_method = method
    order.paid_fen = order.bag.member_price_fen
    order.payment_reference = reference
    order.paid_at = timezone.now()
    order.recorded_by_label = label
    order.save(update_fields=["status", "pay_method", "paid_fen", "payment_reference", "paid_at",
                              "recorded_by_label"])  # fmt: skip
    record_event(order, "produce.bag_paid", by=None, org=order.org, actor_label=label, changes={
        "method": method, "paid_fen": order.paid_fen, "reference": reference,
    })  # fmt: skip
    return order


@transaction.atomic
def record_point_payment(
    order: BagOrder, *, user: Any, method: str, reference: str = ""
) -> BagOrder:
    """The point took the member price in cash or by its own payment code."""
    order = _lock(order)
    _point_user(order, user)
    if order.status != BagOrderStatus.ORDERED:
        raise RuleViolation(_("This order is not waiting for payment."), code="not_ordered")
    if method not in (PayMethod.CASH, PayMethod.POINT_CODE):
        raise RuleViolation(_("Choose cash or the point's payment code."), field="method")
    return _paid(order, method, one_line(reference, "reference", 64), user.actor_label)


@transaction.atomic
def pay_online(order: BagOrder, member: Member) -> BagOrder:
    """The member pays the member price online through the configured adapter."""
    order = _lock(order)
    if order.member_id != member.pk:
        raise RuleViolation(_("This is not your order."), code="not_yours")
    if order.status != BagOrderStatus.ORDERED:
        raise RuleViolation(_("This order is not waiting for payment."), code="not_ordered")
    adapter = payments.adapter()
    if adapter is None:
        raise RuleViolation(_("Online payment is not available: pay at the collection point."))
    charge = adapter.charge(
        order_reference=str(order), amount_fen=order.bag.member_price_fen, payer=member.phone_masked
    )
    if not charge.ok:
        raise RuleViolation(
            _("The payment did not go through: %(reason)s") % {"reason": charge.reason},
            code="payment_failed",
        )
    return _paid(order, PayMethod.ONLINE, charge.reference[:64], member.actor_label)


@transaction.atomic
def collect_bag(order: BagOrder, *, user: Any) -> BagOrder:
    """The member collected the paid bag: one bag out of stock, the subsidy spent from the
    bag's earmark, the order counted in the month's figures — once."""
    order = _lock(order)
    _point_user(order, user)
    if order.status != BagOrderStatus.PAID:
        raise RuleViolation(_("Only a paid order is collected."), code="not_paid")
    bag = GiftBag.objects.select_for_update().get(pk=order.bag_id)
    if bag.stock < 1:
        raise RuleViolation(_("No bag is left in stock."), code="no_stock")
    bag.stock -= 1
    bag.save(update_fields=["stock"])
    BagStockMove.objects.create(bag=bag, change=-1, order=order, by_label=user.actor_label)
    if order.subsidy_fen:
        account = funds.account_for(bag.org, bag.earmark)
        for posting in (funds.reserve, funds.spend):
            posting(account, order.subsidy_fen, by=None, source_type=BAG_SOURCE,
                    source_id=order.pk, memo=f"1元购 {order}")  # fmt: skip
    order.status = BagOrderStatus.COLLECTED
    order.collected_at = timezone.now()
    order.month = month_of(clock.today())
    order.save(update_fields=["status", "collected_at", "month"])
    record_event(order, "produce.bag_collected", by=None, org=order.org,
                 actor_label=user.actor_label, changes={"subsidy_fen": order.subsidy_fen,
                                                        "stock": bag.stock})  # fmt: skip
    return order


@transaction.atomic
def cancel_bag_order(order: BagOrder, member: Member) -> BagOrder:
    order = _lock(order)
    if order.member_id != member.pk:
        raise RuleViolation(_("This is not your order."), code="not_yours")
    if order.status != BagOrderStatus.ORDERED:
        raise RuleViolation(_("A paid order is cancelled at the collection point."), code="paid")
    order.status = BagOrderStatus.CANCELLED
    order.save(update_fields=["status"])
    record_event(order, "produce.bag_order_cancelled", by=None, org=order.org,
                 actor_label=member.actor_label, changes={"bag": order.bag.name})  # fmt: skip
    return order
