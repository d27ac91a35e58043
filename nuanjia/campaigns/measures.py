"""Campaigns' measures for the reports (core.measures): a campaign's reach — visits (人次) and
the people visited (人, once a year), cash paid through the visits' grants (元), goods handed
out (件, by item), free health checks done, free breakfasts and trip places taken (人次).
Each is counted at the union that recorded the row, and its first dimension is the campaign
(its id), so a campaign's report reads its own figures. Visits, hand-outs, health checks and
meals carry no update stamp: their ids feed the refresh (a cancellation or a return is
caught by the nightly check)."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column, money
from nuanjia.relief.rules import Status as GrantStatus

from .models import Booking, Campaign, GoodsItem, Handout, Visit
from .partner_models import Meal, Nomination
from .rules import ActivityKind, BookingStatus, NominationStatus, VisitStatus


def _campaign_name(code: str) -> str:
    if not code.isdigit():
        return code
    return Campaign.objects.filter(pk=int(code)).values_list("name", flat=True).first() or code


def _item_name(code: str) -> str:
    if not code.isdigit():
        return code
    return GoodsItem.objects.filter(pk=int(code)).values_list("name", flat=True).first() or code


CAMPAIGN = measures.Dimension(_("Campaign"), _campaign_name)
ITEM = measures.Dimension(_("Item"), _item_name)
BY_CAMPAIGN = (("activity__campaign_id", CAMPAIGN),)


def _visits() -> QuerySet[Visit]:
    return Visit.objects.filter(status=VisitStatus.DONE)


def _people() -> QuerySet[Visit]:
    return measures.first_in_year(_visits(), person="worker_id", day="visited_on")


def _cash() -> QuerySet[Visit]:
    return _visits().filter(grant__status=GrantStatus.PAID, grant__paid_on__isnull=False)


def _goods() -> QuerySet[Handout]:
    return Handout.objects.filter(returned=False).annotate(
        handed_on=measures.local_day("recorded_at")
    )


def _checks() -> QuerySet[Booking]:
    return Booking.objects.filter(
        activity__kind=ActivityKind.HEALTH_CHECK, status=BookingStatus.DONE, done_on__isnull=False
    )


def _trips() -> QuerySet[Nomination]:
    return Nomination.objects.filter(status=NominationStatus.ATTENDED)


VISIT_COLUMNS = (
    column(_("Activity"), "activity.name"),
    column(_("Worker"), "worker.name"),
    column(_("Union"), "org.name"),
    column(_("Visited on"), "visited_on"),
)
VISIT_CHANGES = (measures.ChangeFeed(lambda: Visit.objects.all(), day="visited_on", stamp="id"),)
RELATED = ("activity", "worker")

MEASURES = (
    measures.declared(
        "campaigns.visits", _("Campaign visits"), measures.Unit.VISITS,
        source=_visits, day="visited_on", value=Count("id"), fact_value=Value(1),
        dimensions=BY_CAMPAIGN, related=RELATED, changes=VISIT_CHANGES, columns=VISIT_COLUMNS,
        order=90,
    ),
    measures.declared(
        "campaigns.people", _("People reached by campaign visits"), measures.Unit.PERSONS,
        kind=measures.Kind.DISTINCT_PERSONS, source=_people, day="visited_on",
        value=Count("id"), fact_value=Value(1), dimensions=BY_CAMPAIGN, related=RELATED,
        changes=VISIT_CHANGES, columns=VISIT_COLUMNS, order=91,
    ),
    measures.declared(
        "campaigns.cash_paid", _("Campaign cash paid"), measures.Unit.FEN,
        source=_cash, day="grant__paid_on", value=Sum("grant__amount_fen"),
        fact_value=F("grant__amount_fen"), dimensions=BY_CAMPAIGN, related=(*RELATED, "grant"),
        changes=(
            measures.ChangeFeed(
                lambda: Visit.objects.all(), day="grant__paid_on", stamp="grant__updated_at"
            ),
        ),
        columns=(*VISIT_COLUMNS, money(_("Amount (yuan)"), "grant.amount_fen")), order=92,
    ),
    measures.declared(
        "campaigns.goods", _("Campaign goods handed out"), measures.Unit.ITEMS,
        source=_goods, day="handed_on", instant="recorded_at", value=Sum("quantity"), fact_value=F("quantity"),
        dimensions=(*BY_CAMPAIGN, ("item_id", ITEM)), related=("activity", "item"),
        changes=(
            measures.ChangeFeed(
                lambda: Handout.objects.annotate(handed_on=measures.local_day("recorded_at")),
                day="handed_on", stamp="id",
            ),
        ),
        columns=(
            column(_("Activity"), "activity.name"), column(_("Item"), "item.name"),
            column(_("Quantity"), "quantity"), column(_("Site or team"), "recipient_group"),
            column(_("Union"), "org.name"), column(_("Day"), "handed_on"),
        ),
        order=93,
    ),
    measures.declared(
        "campaigns.health_checks", _("Free health checks done"), measures.Unit.VISITS,
        source=_checks, day="done_on", value=Count("id"), fact_value=Value(1),
        dimensions=BY_CAMPAIGN, related=RELATED,
        changes=(measures.ChangeFeed(lambda: Booking.objects.all(), day="done_on", stamp="id"),),
        columns=(
            column(_("Activity"), "activity.name"), column(_("Worker"), "worker.name"),
            column(_("Union"), "org.name"), column(_("Done on"), "done_on"),
        ),
        order=94,
    ),
    measures.declared(
        "campaigns.meals", _("Free breakfasts taken"), measures.Unit.VISITS,
        source=lambda: Meal.objects.all(), day="day", value=Count("id"), fact_value=Value(1),
        dimensions=BY_CAMPAIGN, related=("activity", "partner"),
        changes=(measures.ChangeFeed(lambda: Meal.objects.all(), day="day", stamp="id"),),
        columns=(
            column(_("Activity"), "activity.name"), column(_("Shop"), "partner.name"),
            column(_("Union"), "org.name"), column(_("Day"), "day"),
        ),
        order=95,
    ),
    measures.declared(
        "campaigns.trips", _("Rest trip places taken"), measures.Unit.VISITS,
        source=_trips, day="trip__starts_on", value=Count("id"), fact_value=Value(1),
        dimensions=(("trip__activity__campaign_id", CAMPAIGN),), related=("trip", "worker"),
        changes=(measures.ChangeFeed(lambda: Nomination.objects.all(), day="trip__starts_on"),),
        columns=(
            column(_("Trip"), "trip.name"), column(_("Worker"), "worker.name"),
            column(_("Union"), "org.name"), column(_("Leaves on"), "trip.starts_on"),
        ),
        order=96,
    ),
)  # fmt: skip
