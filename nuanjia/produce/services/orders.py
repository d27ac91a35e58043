"""Buy-to-help orders (以购代销): a union buys a producer's goods, lines in units at the
product's price; submitted, approved (above the union's limit by another person than the
submitter: maker-checker) with the amount reserved on the union's earmark, delivered and
received, then paid to the producer by a payment batch (`order_payable`). Where the goods
went is recorded against a received order: sold to members, given to a named hardship family,
or handed out in an activity of another app (a generic reference)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import check_fen, format_yuan
from nuanjia.core.text import one_line
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.hardship.models import HardshipFile
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for, staff_of
from nuanjia.orgs.rules import Role

from ..models import GoodsDestination, HelpOrder, OrderLimit, OrderLine, Producer, Product
from ..rules import APPROVER_ROLES, ARRIVED, ORDER_ROLES, Destination, OrderStep
from ..workflow import ORDER_FLOW
from .common import city_code, month_of, require_role

ORDER_SOURCE = "produce.order"  # the ledger's and the payment batches' name for orders
ORDER_ACTIONS = {
    "create": gettext_lazy("Drawn up"),
    OrderStep.SUBMIT.value: gettext_lazy("Submitted"),
    OrderStep.APPROVE.value: gettext_lazy("Approved; amount reserved"),
    OrderStep.DELIVER.value: gettext_lazy("Delivered by the producer"),
    OrderStep.RECEIVE.value: gettext_lazy("Received by the union"),
    OrderStep.CANCEL.value: gettext_lazy("Cancelled"),
    "batch": gettext_lazy("Put in a payment batch"),
    "unbatch": gettext_lazy("Taken out of the payment batch"),
    "pay": gettext_lazy("Paid to the producer"),
    "fail": gettext_lazy("Payment failed"),
    "destination": gettext_lazy("Where the goods went recorded"),
}
MAX_UNITS = 10_000_000


# ---- limits ---------------------------------------------------------------------------------


def order_limit(org: Org) -> int:
    """The union's limit in fen: its own, else its nearest ancestor's, else 0 (every order
    is then approved by another person)."""
    limits = dict(
        OrderLimit.objects.filter(org__code__in=org.ancestor_codes()).values_list(
            "org__code", "limit_fen"
        )
    )
    for code in reversed(org.ancestor_codes()):
        if code in limits:
            return int(limits[code])
    return 0


@transaction.atomic
def set_order_limit(org: Org, limit_fen: int, *, by: Actor) -> OrderLimit:
    """An approver of the union (or above) sets the amount above which orders need a checker."""
    require_role(by, org, APPROVER_ROLES)
    amount = check_fen(limit_fen, field="limit_fen") if limit_fen != 0 else 0
    before = order_limit(org)
    row, _created = OrderLimit.objects.update_or_create(
        org=org, defaults={"limit_fen": amount, "set_by": staff_of(by)}
    )
    record_event(row, "produce.limit_set", by=by, org=org, changes={"limit_fen": [before, amount]})
    return row


# ---- drawing up ----------------------------------------------------------------------------


def _lines(producer: Producer, lines: Sequence[tuple[Product, int]]) -> list[OrderLine]:
    if not lines:
        raise RuleViolation(_("Add at least one product to the order."), field="lines")
    built = []
    for number, (product, units) in enumerate(lines, start=1):
        if product.producer_id != producer.pk or not product.is_active:
            raise RuleViolation(
                _("Line %(n)s: the product is not one of this producer's.") % {"n": number},
                field="lines",
            )
        if not isinstance(units, int) or not 0 < units <= MAX_UNITS:
            raise RuleViolation(
                _("Line %(n)s: enter a whole number of units above 0.") % {"n": number},
                field="lines",
            )
        check_fen(units * product.price_fen, field="lines", label=_("Line %(n)s") % {"n": number})
        built.append(
            OrderLine(
                product=product, units=units, price_fen=product.price_fen,
                grams=units * product.grams, amount_fen=units * product.price_fen,
            )
        )  # fmt: skip
    return built


@transaction.atomic
def create_order(
    org: Org,
    producer: Producer,
    earmark: Earmark,
    lines: Sequence[tuple[Product, int]],
    *,
    by: Actor,
    ordered_on: datetime.date | None = None,
    note: str = "",
) -> HelpOrder:
    """A caseworker of the buying union draws up an order from one producer (a draft)."""
    require_role(by, org, ORDER_ROLES)
    if not producer.is_active:
        raise RuleViolation(_("This producer is no longer active."), field="producer")
    built = _lines(producer, lines)
    check_fen(sum(line.amount_fen for line in built), field="lines", label=_("The order"))
    day = ordered_on or clock.today()
    order = HelpOrder.objects.create(
        org=org, producer=producer, earmark=earmark, ordered_on=day,
        grams=sum(line.grams for line in built), amount_fen=sum(line.amount_fen for line in built),
        note=one_line(note, "note", 200), created_by=staff_of(by),
    )  # fmt: skip
    for line in built:
        line.order = order
        line.org = org
        line.city, line.county, line.month = city_code(org), producer.region_code, month_of(day)
    OrderLine.objects.bulk_create(built)
    ORDER_FLOW.record(order, "create", "", by=by, note=order.note, changes={
        "producer": producer.name, "lines": len(built), "grams": order.grams,
        "amount_fen": order.amount_fen, "earmark": earmark.code,
    })  # fmt: skip
    return order


@ORDER_FLOW.handler(OrderStep.SUBMIT)
@transaction.atomic
def submit_order(order: HelpOrder, *, by: Actor, note: str = "") -> HelpOrder:
    with ORDER_FLOW.moving(order, OrderStep.SUBMIT, by=by, note=note) as move:
        move.changes["amount_fen"] = move.obj.amount_fen
    return move.obj


# ---- approval and the money -----------------------------------------------------------------


def _post(posting: Any, order: HelpOrder, amount: int, *, by: Actor | None, memo: str) -> None:
    posting(
        funds.account_for(order.org, order.earmark),
        amount,
        by=by,
        source_type=ORDER_SOURCE,
        source_id=str(order.pk),
        memo=memo[:200],
    )


def reserve(order: HelpOrder, *, by: Actor | None) -> None:
    """Hold the order's amount on the buying union's earmark (refused when short)."""
    _post(funds.reserve, order, order.amount_fen, by=by, memo=f"以购代销 {order}")


def _require_checker(order: HelpOrder, by: Actor) -> None:
    limit = order_limit(order.org)
    if order.amount_fen > limit and order.submitted_by_id == staff_of(by).pk:
        raise RuleViolation(
            _(
                "The order's %(amount)s yuan is above the union's limit of %(limit)s yuan: "
                "another person than its submitter must approve it."
            )
            % {"amount": format_yuan(order.amount_fen), "limit": format_yuan(limit)},
            code="maker_checker",
        )


@ORDER_FLOW.handler(OrderStep.APPROVE)
@transaction.atomic
def approve_order(order: HelpOrder, *, by: Actor, note: str = "") -> HelpOrder:
    """Approved and its amount reserved in one transaction; above the union's limit the
    submitter may not approve it."""
    with ORDER_FLOW.moving(order, OrderStep.APPROVE, by=by, note=note) as move:
        _require_checker(move.obj, by)
        account = funds.account_for(move.obj.org, move.obj.earmark)
        if account.available_fen < move.obj.amount_fen:
            raise RuleViolation(
                _("%(org)s has %(available)s yuan available in %(earmark)s, less than the order.")
                % {
                    "org": move.obj.org,
                    "available": format_yuan(account.available_fen),
                    "earmark": move.obj.earmark,
                },
                code="insufficient_funds",
            )
        reserve(move.obj, by=by)
        move.changes["reserved_fen"] = move.obj.amount_fen
        move.changes["limit_fen"] = order_limit(move.obj.org)
    return move.obj


@ORDER_FLOW.handler(OrderStep.DELIVER)
@transaction.atomic
def deliver_order(
    order: HelpOrder, *, by: Actor, on: datetime.date | None = None, note: str = ""
) -> HelpOrder:
    with ORDER_FLOW.moving(order, OrderStep.DELIVER, by=by, note=note) as move:
        move.obj.delivered_on = on or clock.today()
        move.changes["delivered_on"] = move.obj.delivered_on
    return move.obj


@ORDER_FLOW.handler(OrderStep.RECEIVE)
@transaction.atomic
def receive_order(
    order: HelpOrder, *, by: Actor, on: datetime.date | None = None, note: str = ""
) -> HelpOrder:
    """The union received the goods: its 斤 count in the figures from now on."""
    with ORDER_FLOW.moving(order, OrderStep.RECEIVE, by=by, note=note) as move:
        move.obj.received_on = on or clock.today()
        move.changes["received_on"] = move.obj.received_on
        OrderLine.objects.filter(order=move.obj).update(arrived=True)
    return move.obj


@ORDER_FLOW.handler(OrderStep.CANCEL)
@transaction.atomic
def cancel_order(order: HelpOrder, *, by: Actor, reason: str = "", note: str = "") -> HelpOrder:
    """Withdrawn: what it holds reserved is released, its lines leave the figures."""
    with ORDER_FLOW.moving(order, OrderStep.CANCEL, by=by, note=reason or note) as move:
        if move.obj.destinations.exists():
            raise RuleViolation(
                _("Where the goods went is recorded: the order can no longer be cancelled."),
                code="has_destinations",
            )
        account = funds.account_for(move.obj.org, move.obj.earmark)
        held = funds.held_for(account, ORDER_SOURCE, move.obj.pk)
        if held:
            _post(funds.release, move.obj, held, by=by, memo=move.note)
            move.changes["released_fen"] = held
        OrderLine.objects.filter(order=move.obj).update(arrived=False)
    return move.obj


# ---- where the goods went -------------------------------------------------------------------


def _family(order: HelpOrder, hardship_file: HardshipFile | None) -> HardshipFile:
    if hardship_file is None:
        raise RuleViolation(_("Choose the hardship family's file."), field="hardship_file")
    if not hardship_file.org.path.startswith(order.org.path):
        raise RuleViolation(
            _("The family's file is not kept by the buying union or a union below it."),
            field="hardship_file",
        )
    return hardship_file


@transaction.atomic
def record_destination(
    order: HelpOrder,
    kind: str,
    grams: int,
    *,
    by: Actor,
    sales_fen: int = 0,
    hardship_file: HardshipFile | None = None,
    source_type: str = "",
    source_id: str = "",
    label: str = "",
    on: datetime.date | None = None,
) -> GoodsDestination:
    """Some of a received order's goods went somewhere; never more than the order holds."""
    order = ORDER_FLOW.lock(order)
    if not acts_for(by, order.org, {Role.CASEWORKER, Role.APPROVER}):
        raise RuleViolation(
            _("Only a caseworker or approver of this union or a union above may do this."),
            field="org", code="forbidden",
        )  # fmt: skip
    if order.status not in ARRIVED:
        raise RuleViolation(
            _("Record where the goods went once they are received."), code="not_received"
        )
    if kind not in Destination.values:
        raise RuleViolation(_("Choose where the goods went."), field="kind")
    if not isinstance(grams, int) or grams <= 0:
        raise RuleViolation(_("Enter the quantity in jin above 0."), field="grams")
    placed = order.destinations.aggregate(total=Sum("grams"))["total"] or 0
    if placed + grams > order.grams:
        raise RuleViolation(
            _("Only %(left)s jin of the order are left to place.")
            % {"left": f"{(order.grams - placed) / 500:.1f}"},
            field="grams", code="too_much",
        )  # fmt: skip
    fields: dict[str, Any] = {"label": one_line(label, "label", 100)}
    if kind == Destination.FAMILY:
        family = _family(order, hardship_file)
        fields |= {"hardship_file": family, "label": fields["label"] or family.number}
    elif kind == Destination.ACTIVITY:
        fields |= {
            "source_type": one_line(source_type, "source_type", 40),
            "source_id": one_line(source_id, "source_id", 40),
        }
        if not fields["label"]:
            raise RuleViolation(_("Name the activity."), field="label")
    else:
        fields["sales_fen"] = check_fen(sales_fen, field="sales_fen")
    day = on or clock.today()
    row = GoodsDestination.objects.create(
        order=order, kind=kind, grams=grams, on=day, org=order.org, city=city_code(order.org),
        county=order.producer.region_code, month=month_of(order.ordered_on),
        recorded_by=staff_of(by), **fields,
    )  # fmt: skip
    ORDER_FLOW.record(order, "destination", order.status, by=by, changes={
        "kind": kind, "grams": grams, "sales_fen": row.sales_fen, "label": row.label,
        "hardship_file": row.hardship_file_id, "source": f"{row.source_type}:{row.source_id}",
    })  # fmt: skip
    return row
