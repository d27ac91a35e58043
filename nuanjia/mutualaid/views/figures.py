"""The union's mutual aid figures per city and year, each figure of workers paid opening the
claims behind it; both as Excel."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.listexport import ListExport, column, money
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import figures
from ..rules import ClaimStatus


def _claims_in(status: str):
    return lambda row: row.claims.get(status, 0)


FIGURES_EXPORT = ListExport("mutualaid.figures", _lazy("Mutual aid figures"), (
    column(_lazy("City"), "city"), column(_lazy("Year"), "year"),
    column(_lazy("Members covered"), "members"), money(_lazy("Contributions (yuan)"), "contributions_fen"),
    *[column(label, _claims_in(value)) for value, label in ClaimStatus.choices],
    column(_lazy("Workers paid"), "workers_paid"), money(_lazy("Paid (yuan)"), "paid_fen"),
))  # fmt: skip
ROWS_EXPORT = ListExport("mutualaid.figure_rows", _lazy("Mutual aid claims paid"), (
    column(_lazy("Number"), str), column(_lazy("Name"), lambda claim: claim.worker.name),
    column(_lazy("Union"), "org.name"), column(_lazy("Illness category"), "illness"),
    column(_lazy("Paid on"), "paid_on"), money(_lazy("Paid (yuan)"), "approved_fen"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def figures_view(request):
    rows = figures.figures(request.user)
    if request.GET.get("format") == "xlsx":
        return FIGURES_EXPORT.response(request, rows, {})
    return render(
        request,
        "mutualaid/figures.html",
        {"rows": rows, "totals": figures.totals(rows), "statuses": ClaimStatus.choices},
    )


@requires(Perm.VIEW_BUSINESS)
def figure_rows_view(request):
    city = request.GET.get("city", "")[:6]
    year = int(request.GET.get("year", "0")) if request.GET.get("year", "").isdigit() else 0
    found = figures.paid_rows(request.user, city, year).select_related("worker", "org")
    if request.GET.get("format") == "xlsx":
        return ROWS_EXPORT.response(
            request, found.iterator(chunk_size=2000), {"city": city, "year": year}
        )
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "mutualaid/figure_rows.html",
        {"page": page, "city": city, "year": year, "count": found.count()},
    )
