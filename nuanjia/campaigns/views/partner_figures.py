"""Partner figures pages: a health check, breakfast or trip activity's figures grouped per
union, partner, outlet, city, day or trip (breakfasts within a date range, this month by
default); money per partner and month; the rows behind every figure, paged; every table and
every list of rows in Excel."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column, money
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import figures_partners as pf
from .. import queries
from ..rules import ActivityKind
from ..tabs import activity_context
from .figures import _at

PAGE_SIZE = 50
TABLE_PAGE_SIZE = 100

_WORKER = (
    column(_("Name"), "worker.name"),
    column(_("ID number"), "worker.id_number_masked"),
    column(_("Union"), "org.name"),
)
ROW_EXPORTS: dict[str, ListExport] = {
    ActivityKind.HEALTH_CHECK: ListExport(
        "campaigns.partner_figures.checks",
        _("Health checks"),
        (
            *_WORKER,
            column(_("Hospital"), "partner.name"),
            column(_("Outlet"), "outlet.name"),
            column(_("Appointment"), "appointment_on"),
            column(_("Status"), "get_status_display"),
            column(_("Missed appointments"), "no_shows"),
            column(_("Done on"), "done_on"),
        ),
        limit=CSV_ABOVE_ROWS,
    ),
    ActivityKind.BREAKFAST: ListExport(
        "campaigns.partner_figures.meals",
        _("Breakfasts"),
        (
            *_WORKER,
            column(_("Breakfast shop"), "partner.name"),
            column(_("Outlet"), "outlet.name"),
            column(_("Day"), "day"),
            column(_("How recorded"), "get_source_display"),
        ),
        limit=CSV_ABOVE_ROWS,
    ),
    ActivityKind.TRIP: ListExport(
        "campaigns.partner_figures.nominations",
        _("Trip nominations"),
        (
            *_WORKER,
            column(_("Trip"), "trip.name"),
            column(_("Leaves on"), "trip.starts_on"),
            column(_("Status"), "get_status_display"),
        ),
        limit=CSV_ABOVE_ROWS,
    ),
}
ROW_RELATED: dict[str, tuple[str, ...]] = {
    ActivityKind.HEALTH_CHECK: ("worker", "org", "partner", "outlet"),
    ActivityKind.BREAKFAST: ("worker", "org", "partner", "outlet"),
    ActivityKind.TRIP: ("worker", "org", "trip"),
}
SETTLEMENT_EXPORT = ListExport(
    "campaigns.partner_figures.settlements",
    _("Settlements"),
    (
        column(_("Statement"), str),
        column(_("Partner institution"), "partner.name"),
        column(_("Paying union"), "org.name"),
        column(_("Month"), lambda row: row.month.strftime("%Y-%m")),
        column(_("Units"), "units"),
        money(_("Price"), "price_fen"),
        money(_("Amount"), "amount_fen"),
        column(_("Status"), "get_status_display"),
    ),
    limit=CSV_ABOVE_ROWS,
)
MONEY_MEASURES = {
    "settled": _("Settlements"),
    "unsettled": _("Done, not yet settled"),
}


def _programme(activity: Any) -> pf.Programme:
    programme = pf.programme_for(activity)
    if programme is None:
        raise Http404
    return programme


def _filters(request: Any, programme: pf.Programme | None = None) -> dict[str, Any]:
    """The query string's filters; a breakfast activity's days are this month by default."""
    try:
        found = pf.parse_filters(request.GET)
    except pf.BadFilter:
        raise Http404 from None
    if programme is not None and programme.day_field:
        found = pf.this_month_by_default(found)
    return found


def _audit_filters(activity: Any, at: Any, found: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "activity": activity.pk,
        "at": at.code,
        **{key: pf._text(value) for key, value in found.items()},
        **more,
    }


def _value(key: str) -> Any:
    """A column reading one figure of a line."""

    def read(line: Any) -> int:
        return int(line.values.get(key, 0))

    return read


def _month(line: pf.MoneyLine) -> str:
    return line.month.strftime("%Y-%m") if line.month else ""


def _table_export(programme: pf.Programme, by: str) -> ListExport:
    return ListExport(
        f"campaigns.partner_figures.{programme.key}.table",
        programme.label,
        (
            column(pf.GROUPING_HEADERS[by], "label"),
            *(column(measure.label, _value(measure.key)) for measure in programme.measures),
        ),
    )


def _query(request: Any, *drop: str) -> str:
    params = request.GET.copy()
    for key in ("page", "export", *drop):
        params.pop(key, None)
    return params.urlencode()


@requires(Perm.VIEW_BUSINESS)
def partner_figures_view(request, activity_id: int):
    """A partner activity's figures, one line per group (?by=…), each figure a link to its
    rows; ?export=1 for the table in Excel."""
    activity = queries.get_activity_for(request.user, activity_id)
    programme = _programme(activity)
    at = _at(request)
    if at is None:
        raise Http404
    by = request.GET.get("by") or programme.groupings[0]
    if by not in programme.groupings:
        raise Http404
    found = _filters(request, programme)
    table = pf.partner_table(activity, at, by, found)
    if request.GET.get("export"):
        export = _table_export(programme, by)
        lines = [*table.lines, pf.FigureLine(str(_("Total")), {}, table.total)]
        return export.response(request, lines, _audit_filters(activity, at, found, by=by))
    page = Paginator(table.lines, TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    base = {key: pf._text(found[key]) for key in ("from", "to") if key in found}
    return render(
        request,
        "campaigns/figures/partner_figures.html",
        activity_context(
            activity,
            "partner_figures",
            programme=programme,
            table=table,
            at=at,
            by=by,
            by_label=pf.GROUPING_HEADERS[by],
            groupings=[(key, pf.GROUPINGS[key]) for key in programme.groupings],
            lines=[
                (line, [(m.key, line.values.get(m.key, 0)) for m in programme.measures])
                for line in page
            ],
            totals=[(m.key, table.total.get(m.key, 0)) for m in programme.measures],
            total_filters=base,
            line_base={"at": at.code, **base},
            page=page,
            query=_query(request),
            day_from=found.get("from"),
            day_to=found.get("to"),
            trips=pf.trip_totals(activity) if activity.kind == ActivityKind.TRIP else None,
        ),
    )


def _drill(request: Any, activity: Any) -> tuple[str, Any, dict[str, Any], Any]:
    programme = _programme(activity)
    key = request.GET.get("measure", "")
    if programme.measure(key) is None:
        raise Http404
    at = _at(request)
    if at is None:
        raise Http404
    found = _filters(request, programme)
    rows = pf.figure_rows(activity, key, at, found)
    return key, at, found, rows.select_related(*ROW_RELATED[activity.kind]).order_by("pk")


@requires(Perm.VIEW_BUSINESS)
def partner_figure_rows_view(request, activity_id: int):
    """The rows one figure counts (?measure=…&at=…&partner=…), paged; ?export=1 for Excel."""
    activity = queries.get_activity_for(request.user, activity_id)
    key, at, found, rows = _drill(request, activity)
    export = ROW_EXPORTS[activity.kind]
    if request.GET.get("export"):
        return export.download(request, rows, _audit_filters(activity, at, found, measure=key))
    return _rows_page(
        request,
        activity,
        title=_programme(activity).measure(key).label,  # type: ignore[union-attr]
        at=at,
        export=export,
        rows=rows,
        back="campaigns:partner_figures",
    )


def _rows_page(request: Any, activity: Any, *, title, at, export, rows, back) -> Any:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/figures/partner_rows.html",
        activity_context(
            activity,
            "partner_figures",
            title=title,
            at=at,
            header=export.header(),
            lines=[export.cells(row) for row in page],
            page=page,
            query=_query(request),
            back=back,
            back_query=_query(request, "measure", "partner", "outlet", "city", "day", "trip"),
        ),
    )


@requires(Perm.VIEW_BUSINESS)
def partner_money_view(request, activity_id: int):
    """Money per partner and month: settlements by status and what is not settled yet."""
    activity = queries.get_activity_for(request.user, activity_id)
    _programme(activity)
    at = _at(request)
    if at is None:
        raise Http404
    lines, total = pf.money_table(activity, at)
    if request.GET.get("export"):
        export = ListExport(
            "campaigns.partner_figures.money",
            _("Money per partner and month"),
            (
                column(_("Partner institution"), "partner"),
                column(_("Month"), _month),
                *(
                    (money if unit == "fen" else column)(label, _value(key))
                    for key, label, unit in pf.MONEY_COLUMNS
                ),
            ),
        )
        every = [*lines, pf.MoneyLine(None, str(_("Total")), None, total)]
        return export.response(request, every, {"activity": activity.pk, "at": at.code})
    return render(
        request,
        "campaigns/figures/partner_money.html",
        activity_context(
            activity,
            "partner_money",
            at=at,
            columns=pf.MONEY_COLUMNS,
            lines=[
                (
                    line,
                    pf.NONE if line.partner_id is None else str(line.partner_id),
                    line.month.strftime("%Y-%m") if line.month else pf.NONE,
                    [
                        (key, line.values.get(key, 0), unit)
                        for key, _label, unit in pf.MONEY_COLUMNS
                    ],
                )
                for line in lines
            ],
            totals=[(key, total.get(key, 0), unit) for key, _label, unit in pf.MONEY_COLUMNS],
            status_groups=pf.STATUS_GROUPS,
        ),
    )


@requires(Perm.VIEW_BUSINESS)
def partner_money_rows_view(request, activity_id: int):
    """The settlements (?measure=settled&partner=…&month=YYYY-MM&status=…) or the rows not yet
    settled (?measure=unsettled…) behind a money figure, paged; ?export=1 for Excel."""
    activity = queries.get_activity_for(request.user, activity_id)
    _programme(activity)
    key = request.GET.get("measure", "")
    at = _at(request)
    if key not in MONEY_MEASURES or at is None:
        raise Http404
    found = _filters(request)
    found |= {"status": request.GET.get("status", "")}
    if key == "settled":
        rows = pf.settlement_rows(activity, at, found).select_related("partner", "org")
        export = SETTLEMENT_EXPORT
    else:
        rows = pf.unsettled_rows(activity, at, found).select_related(*ROW_RELATED[activity.kind])
        export = ROW_EXPORTS[activity.kind]
    rows = rows.order_by("pk")
    if request.GET.get("export"):
        return export.download(request, rows, _audit_filters(activity, at, found, measure=key))
    return _rows_page(
        request,
        activity,
        title=MONEY_MEASURES[key],
        at=at,
        export=export,
        rows=rows,
        back="campaigns:partner_money",
    )
