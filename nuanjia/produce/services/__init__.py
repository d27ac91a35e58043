"""The consumption-help services: every write, each in a transaction with its audit event.
One module per subject (producers, orders, gift bags); their names are re-exported here."""

from .common import may_act_for, month_of, require_role
from .giftbags import (
    BAG_SOURCE,
    add_bag_stock,
    cancel_bag_order,
    change_bag,
    collect_bag,
    create_bag,
    member_order_bag,
    pay_online,
    record_point_payment,
)
from .orders import (
    ORDER_ACTIONS,
    ORDER_SOURCE,
    approve_order,
    cancel_order,
    create_order,
    deliver_order,
    order_limit,
    receive_order,
    record_destination,
    set_order_limit,
    submit_order,
)
from .producers import (
    add_product,
    change_producer,
    is_poverty_county,
    list_poverty_county,
    poverty_counties_on,
    register_producer,
)

__all__ = [
    "BAG_SOURCE",
    "ORDER_ACTIONS",
    "ORDER_SOURCE",
    "add_bag_stock",
    "add_product",
    "approve_order",
    "cancel_bag_order",
    "cancel_order",
    "change_bag",
    "change_producer",
    "collect_bag",
    "create_bag",
    "create_order",
    "deliver_order",
    "is_poverty_county",
    "list_poverty_county",
    "may_act_for",
    "member_order_bag",
    "month_of",
    "order_limit",
    "pay_online",
    "poverty_counties_on",
    "receive_order",
    "record_destination",
    "record_point_payment",
    "register_producer",
    "require_role",
    "set_order_limit",
    "submit_order",
]
