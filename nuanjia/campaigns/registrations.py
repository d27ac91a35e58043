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


def _settlements() -> None:
    """Partner settlements: a payable kind of the payment batches, a posting source of the
    ledger (`nuanjia funds check`), the to-do tiles and the names of their audit events."""
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names, partnerpages, todo
    from nuanjia.funds import sources
    from nuanjia.members.models import Partner

    from . import settlement_payable
    from .queries_settlements import paid_settlement_ids, settlement_labels
    from .services.settlements import SETTLEMENT_SOURCE
    from .todo_settlements import settlements_todo

    settlement_payable.register()
    sources.register(
        sources.PostingSource(
            source_type=SETTLEMENT_SOURCE,
            label="settlement",
            paid_ids=paid_settlement_ids,
            describe=settlement_labels,
        )
    )
    todo.register(settlements_todo)
    partnerpages.register(
        partnerpages.PartnerPage(
            _("Monthly statements"),
            "campaigns:partner_statements",
            kinds=frozenset({Partner.Kind.HOSPITAL, Partner.Kind.SHOP, Partner.Kind.TRAVEL}),
            order=80,
        )
    )
    audit_names.register(
        {
            "campaigns.settlement.prepare": _("Partner settlement prepared"),
            "campaigns.settlement.confirm": _("Partner settlement confirmed by the partner"),
            "campaigns.settlement.dispute": _("Partner settlement disputed by the partner"),
            "campaigns.settlement.approve": _("Partner settlement approved, amount reserved"),
            "campaigns.settlement.cancel": _("Partner settlement cancelled"),
        }
    )


def _health() -> None:
    """Free health checks: the caseworkers' tile of checks whose day passed unmarked, the
    member's page, the hospital's page, the "health_check" card-scan use, the audit names."""
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names, mypages, partnerpages, todo
    from nuanjia.members.models import Partner
    from nuanjia.members.services.scanning import Use, register_use

    from .services.health_checks import worker_has_booked_check
    from .todo_health import health_todo
    from .views.health_member import open_check_count

    todo.register(health_todo)
    mypages.register(
        mypages.MyPage(
            _("My free health check"), "campaigns:my_checks", order=30, needs_record=True,
            badge=open_check_count,
        )
    )  # fmt: skip
    partnerpages.register(
        partnerpages.PartnerPage(
            _("Health check bookings"), "campaigns:partner_checks",
            kinds=frozenset({Partner.Kind.HOSPITAL}), order=10,
        )
    )  # fmt: skip
    register_use(Use("health_check", _("Health check booking"), worker_has_booked_check))
    audit_names.register(
        {
            "campaigns.check_booked": _("Health check booked"),
            "campaigns.check_day_changed": _("Health check given a new day"),
            "campaigns.check_attended": _("Health check attended"),
            "campaigns.check_missed": _("Health check missed: invited again"),
            "campaigns.check_no_show": _("Health check missed twice: place returned"),
            "campaigns.check_invitations_sent": _("Health check invitations sent"),
            "campaigns.check_completions_imported": _("Hospital's completion sheet imported"),
            "campaigns.check_records_imported": _("Checks done elsewhere imported"),
        }
    )


def _trips() -> None:
    """Trips: the approvers' and caseworkers' tiles, the travel partner's page, the names of
    the trips' audit events."""
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names, partnerpages, todo
    from nuanjia.members.models import Partner

    from .todo_trips import trips_todo

    todo.register(trips_todo)
    partnerpages.register(
        partnerpages.PartnerPage(
            _("Our trips"), "campaigns:partner_trips", frozenset({Partner.Kind.TRAVEL})
        )
    )
    audit_names.register(
        {
            "campaigns.trip_created": _("Trip set up"),
            "campaigns.trip_places_changed": _("Places of a trip changed"),
            "campaigns.trip_closed": _("Trip closed to nominations"),
            "campaigns.trip_cancelled": _("Trip cancelled"),
            "campaigns.trip_list_read": _("Trip list downloaded by the travel partner"),
            "campaigns.nomination.nominate": _("Worker nominated for a trip"),
            "campaigns.nomination.approve": _("Trip nomination approved"),
            "campaigns.nomination.refuse": _("Trip nomination refused"),
            "campaigns.nomination.withdraw": _("Trip nomination withdrawn"),
            "campaigns.nomination.attended": _("Went on the trip"),
            "campaigns.nomination.absent": _("Did not go on the trip"),
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


def _periods() -> None:
    """Each campaign's dates are a period of the reports' picker (core.measures)."""
    from nuanjia.core import measures

    from .queries import campaign_periods

    measures.register_periods(campaign_periods)


def register_all() -> None:
    _periods()
    _audit_names()
    _screening()
    _lists()
    _facts()
    _goods()
    _settlements()
    _health()
    _trips()
    _breakfasts()
