"""Figures pages: a campaign's figures per activity, an activity's per union right below the
viewer (or any union of their subtree), and the rows behind every figure, on the page and in
Excel (CSV above a million rows)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column, money
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from .. import figures, queries
from ..rules import FindingStatus
from ..tabs import activity_context

PAGE_SIZE = 50

_WORKER = (
    column(_("Name"), "worker.name"),
    column(_("ID number"), "worker.id_number_masked"),
)
_VISIT = (
    *_WORKER,
    column(_("Visiting union"), "org.name"),
    column(_("Visited on"), "visited_on"),
    money(_("Cash"), lambda visit: visit.grant.amount_fen if visit.grant else None),
    column(
        _("Grant status"), lambda visit: visit.grant.get_status_display() if visit.grant else ""
    ),
)
EXPORTS: dict[str, ListExport] = {
    "people": ListExport(
        "campaigns.figures.people",
        _("People reached"),
        (
            column(_("Name"), "name"),
            column(_("ID number"), "id_number_masked"),
            column(_("Union"), "org.name"),
        ),
        limit=CSV_ABOVE_ROWS,
    ),
    "visits": ListExport(
        "campaigns.figures.visits",
        pgettext_lazy("campaign", "Visits"),
        _VISIT,
        limit=CSV_ABOVE_ROWS,
    ),
    "cash_proposed": ListExport(
        "campaigns.figures.cash", _("Cash proposed"), _VISIT, limit=CSV_ABOVE_ROWS
    ),
    "cash_paid": ListExport(
        "campaigns.figures.cash_paid", _("Cash paid"), _VISIT, limit=CSV_ABOVE_ROWS
    ),
    "bulk_people": ListExport(
        "campaigns.figures.bulk",
        _("Bulk hand-outs"),
        (
            column(_("Union"), "org.name"),
            column(_("Item"), "item.name"),
            column(_("Quantity"), "quantity"),
            column(_("Site or team"), "recipient_group"),
            column(_("People"), "people_count"),
            column(_("Received and signed by"), "signed_by_name"),
        ),
        limit=CSV_ABOVE_ROWS,
    ),
    "places_attended": ListExport(
        "campaigns.figures.places",
        _("Places attended"),
        (*_WORKER, column(_("Union"), "org.name"), column(_("Attended on"), "closed_at")),
        limit=CSV_ABOVE_ROWS,
    ),
    "goods": ListExport(
        "campaigns.figures.goods",
        _("Goods handed out"),
        (
            column(_("Union"), "org.name"),
            column(_("Item"), "item.name"),
            column(pgettext_lazy("goods", "Unit"), "item.unit"),
            column(_("Quantity"), "quantity"),
            column(_("Name"), "worker.name"),
            column(_("Site or team"), "recipient_group"),
            column(_("People"), "people_count"),
        ),
        limit=CSV_ABOVE_ROWS,
    ),
    "findings": ListExport(
        "campaigns.figures.findings",
        _("People found in screening"),
        (
            *_WORKER,
            column(_("Union"), "org.name"),
            column(_("Degree of hardship"), "get_degree_display"),
            column(_("Outcome"), "get_status_display"),
            column(_("Found on"), "found_on"),
        ),
        limit=CSV_ABOVE_ROWS,
    ),
}
RELATED = {
    "people": ("org",),
    "bulk_people": ("org", "item"),
    "goods": ("org", "item", "worker"),
    "findings": ("worker", "org"),
}


def _at(request: Any) -> Any:
    """The union the figures are for: ?at=<code> in the viewer's subtree, else their own."""
    code = request.GET.get("at", "")
    return visible_orgs(request.user).filter(code=code).first() if code else request.user.org


@requires(Perm.VIEW_BUSINESS)
def activity_figures_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id)
    at = _at(request) or request.user.org
    found = figures.activity_figures(activity, at)
    columns = [(key, measure) for key, measure in figures.MEASURES.items() if measure.in_table]

    def cells(values: dict[str, int]) -> list[tuple[str, int, str]]:
        return [(key, values.get(key, 0), measure.unit) for key, measure in columns]

    return render(
        request,
        "campaigns/figures.html",
        activity_context(
            activity,
            "figures",
            figures=found,
            columns=columns,
            rows=[(row.org, cells(row.values)) for row in found.per_union],
            totals=cells(found.total),
            finding_labels=dict(FindingStatus.choices),
            at=at,
        ),
    )


def _drill_rows(request: Any, activity: Any) -> tuple[str, Any, Any]:
    key = request.GET.get("measure", "")
    if key not in figures.MEASURES:
        raise Http404
    at = _at(request)
    if at is None:
        raise Http404
    rows = figures.measure_rows(activity, key, at)
    item = request.GET.get("item", "")
    if key == "goods" and item.isdigit():
        rows = rows.filter(item_id=int(item))
    status = request.GET.get("status", "")
    if key == "findings" and status:
        rows = rows.filter(status=status)
    related = RELATED.get(key, ("worker", "org", "grant"))
    return key, at, rows.select_related(*related).order_by("pk")


@requires(Perm.VIEW_BUSINESS)
def figure_rows_view(request, activity_id: int):
    """The rows a figure adds up (?measure=…&at=<union code>), paged; ?export=1 for Excel."""
    activity = queries.get_activity_for(request.user, activity_id)
    key, at, rows = _drill_rows(request, activity)
    export = EXPORTS[key]
    filters = {"activity": activity.pk, "measure": key, "at": at.code}
    if request.GET.get("export"):
        return export.download(request, rows, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "campaigns/figure_rows.html",
        activity_context(
            activity,
            "figures",
            measure=figures.MEASURES[key],
            at=at,
            header=export.header(),
            lines=[export.cells(row) for row in page],
            page=page,
            query=params.urlencode(),
        ),
    )
