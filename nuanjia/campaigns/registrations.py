"""What the campaigns app registers with the lower apps at start-up: to-do tiles, the ledger's
posting sources, the eligibility facts only campaigns know. Each part has its own function."""

from __future__ import annotations


def _screening() -> None:
    """The caseworkers' tile of findings waiting for a decision."""
    from nuanjia.core import todo

    from .todo_screening import screening_todo

    todo.register(screening_todo)


def _lists() -> None:
    """The approvers' and caseworkers' tiles of enrolment lists."""
    from nuanjia.core import todo

    from .todo import roster_todo

    todo.register(roster_todo)


def _facts() -> None:
    """ "Already helped in this campaign" and the last health check, for rules."""
    from .eligibility_facts import register_campaign_facts

    register_campaign_facts()


def _goods() -> None:
    """Goods: purchases post to the ledger (a source `nuanjia funds check` knows), the
    approvers' to-do tile, the names of the goods' audit events."""
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names, todo
    from nuanjia.funds import sources

    from .queries_goods import paid_purchase_ids, purchase_labels
    from .services.goods import GOODS_SOURCE
    from .todo_goods import goods_todo

    sources.register(
        sources.PostingSource(
            source_type=GOODS_SOURCE,
            label="goods purchase",
            paid_ids=paid_purchase_ids,
            describe=purchase_labels,
        )
    )
    todo.register(goods_todo)
    audit_names.register(
        {
            "campaigns.goods_item_added": _("Goods item added to the catalogue"),
            "campaigns.goods_donated": _("Donated goods received into stock"),
            "campaigns.goods_allocated": _("Goods sent to a union below"),
            "campaigns.goods_handed_out": _("Goods handed out"),
            "campaigns.goods_returned": _("Goods returned to stock"),
            "campaigns.signed_list_read": _("Signed list of a hand-out downloaded"),
            "campaigns.purchase.propose": _("Goods purchase proposed"),
            "campaigns.purchase.approve": _("Goods purchase approved and received"),
            "campaigns.purchase.cancel": _("Goods purchase withdrawn"),
        }
    )


def _breakfasts() -> None:
    """Free breakfasts: the scan use "breakfast", the shop's page on the partner home, the
    names of the breakfasts' audit events."""
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names, partnerpages
    from nuanjia.members.models import Partner
    from nuanjia.members.services.scanning import register_use

    from .services.breakfasts import MEAL_LIST_RECORDED, MEAL_RECORDED, breakfast_use

    register_use(breakfast_use())
    partnerpages.register(
        partnerpages.PartnerPage(
            _("Free breakfasts"), "campaigns:breakfast_scan", frozenset({Partner.Kind.SHOP})
        )
    )
    audit_names.register(
        {
            MEAL_RECORDED: _("Free breakfast recorded"),
            MEAL_LIST_RECORDED: _("Paper list of breakfasts recorded"),
        }
    )


def _audit_names() -> None:
    from nuanjia.core import audit_names

    from .audit import EVENT_NAMES

    audit_names.register(EVENT_NAMES)


def register_all() -> None:
    _audit_names()
    _screening()
    _lists()
    _facts()
    _goods()
    _breakfasts()
