"""What the consumption-help app registers with the lower apps at start-up: the payable kind
of its orders, the ledger's posting sources, the member's and the collection point's pages,
the panel on a hardship family's file, the to-do tiles and the names of its audit events."""

from __future__ import annotations


def _money() -> None:
    from nuanjia.funds import sources

    from . import order_payable
    from .queries import bag_order_labels, collected_bag_ids, order_labels, paid_order_ids
    from .services.giftbags import BAG_SOURCE
    from .services.orders import ORDER_SOURCE

    order_payable.register()
    sources.register(
        sources.PostingSource(
            source_type=ORDER_SOURCE, label="buy-to-help order", paid_ids=paid_order_ids,
            describe=order_labels,
        )
    )  # fmt: skip
    sources.register(
        sources.PostingSource(
            source_type=BAG_SOURCE, label="gift bag subsidy", paid_ids=collected_bag_ids,
            describe=bag_order_labels,
        )
    )  # fmt: skip


def _pages() -> None:
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import mypages, partnerpages, todo
    from nuanjia.hardship import panels
    from nuanjia.members.models import Partner

    from .queries import family_rows, open_bag_order_count
    from .todo import orders_todo

    mypages.register(
        mypages.MyPage(
            _("1 yuan gift bags"), "produce:my_bags", order=40, needs_record=True,
            badge=open_bag_order_count,
        )
    )  # fmt: skip
    partnerpages.register(
        partnerpages.PartnerPage(
            _("Gift bag collection"), "produce:point_orders",
            kinds=frozenset({Partner.Kind.COLLECTION_POINT}), order=20,
        )
    )  # fmt: skip
    panels.register(
        panels.FilePanel(
            key="produce-given",
            title=_("Produce given (consumption help)"),
            headers=(_("Date"), _("Producer"), _("Jin"), _("Order")),
            rows=family_rows,
        )
    )
    todo.register(orders_todo)


def _audit_names() -> None:
    from nuanjia.core import audit_names

    from .audit import EVENT_NAMES

    audit_names.register(EVENT_NAMES)


def register_all() -> None:
    _audit_names()
    _money()
    _pages()
