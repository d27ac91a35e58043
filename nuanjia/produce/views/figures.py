"""The figures page (消费帮扶统计): grouped by city, buying union, producer county or month
(one or more), each figure opening the rows behind it, both in Excel."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.listexport import ListExport, column, money
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import figures
from ..units import jin
from .common import PAGE_SIZE, query_string

DIMENSION_LABELS = {
    "city": _lazy("City"), "org": _lazy("Buying union"), "county": _lazy("Producer county"),
    "month": _lazy("Month"),
}  # fmt: skip


def _dims(request) -> list[str]:
    chosen = [d for d in request.GET.getlist("by") if d in figures.DIMENSIONS]
    return list(dict.fromkeys(chosen)) or ["city"]


def _filters(request) -> dict[str, str]:
    found = {}
    for name in figures.DIMENSIONS:
        value = request.GET.get(name, "").strip()[:10]
        if name == "org" and not value.isdigit():
            continue
        if name == "month":
            try:
                datetime.date.fromisoformat(f"{value[:7]}-01")
            except ValueError:
                continue
        if value:
            found[name] = value
    return found


def _label(dim: str, value, orgs: dict[int, str], names: dict[str, str]) -> str:
    if dim == "org":
        return orgs.get(value, str(value))
    if dim == "month":
        return value.strftime("%Y-%m")
    return f"{names.get(value, '')} {value}".strip()


def _table(request, dims, filters):
    found = figures.figures(request.user, dims, filters)
    orgs = dict(
        Org.objects.filter(
            pk__in={f.key[dims.index("org")] for f in found} if "org" in dims else []
        ).values_list("pk", "name")
    )
    codes = {k for f in found for d, k in zip(dims, f.key, strict=True) if d in ("city", "county")}
    names = {code: name.removesuffix("总工会") for code, name in Org.objects.filter(
        region_code__in=codes, kind__in=[Org.Kind.CITY, Org.Kind.COUNTY]).values_list("region_code", "name")}  # fmt: skip
    rows = []
    for figure in found:
        params = {
            d: (k.strftime("%Y-%m") if d == "month" else k)
            for d, k in zip(dims, figure.key, strict=True)
        }
        rows.append({"figure": figure, "params": params,
                     "labels": [_label(d, k, orgs, names) for d, k in zip(dims, figure.key, strict=True)]})  # fmt: skip
    return rows, figures.totals(found)


def _label_at(index: int):
    def read(row) -> str:
        return row["labels"][index]

    return read


FIGURE_EXPORT_COLUMNS = (
    column(_lazy("Jin"), lambda row: jin(row["figure"].grams)),
    money(_lazy("Paid to producers (yuan)"), lambda row: row["figure"].paid_fen),
    money(_lazy("Sales (yuan)"), lambda row: row["figure"].sales_fen),
    column(_lazy("Families reached"), lambda row: row["figure"].families),
)


@requires(Perm.VIEW_BUSINESS)
def figures_view(request):
    dims, filters = _dims(request), _filters(request)
    rows, total = _table(request, dims, filters)
    if request.GET.get("format") == "xlsx":
        export = ListExport("produce.figures", _lazy("Consumption help figures"), (
            *[column(DIMENSION_LABELS[d], _label_at(i)) for i, d in enumerate(dims)],
            *FIGURE_EXPORT_COLUMNS,
        ))  # fmt: skip
        return export.response(request, rows, {"by": ",".join(dims), **filters})
    return render(request, "produce/figures.html", {
        "rows": rows, "total": total, "dims": dims, "filters": filters,
        "headers": [DIMENSION_LABELS[d] for d in dims], "choices": DIMENSION_LABELS.items(),
        "query": query_string(request),
    })  # fmt: skip


LINE_EXPORT = ListExport("produce.figure_rows", _lazy("Consumption help rows"), (
    column(_lazy("Order"), lambda line: str(line.order)), column(_lazy("Buying union"), "org.name"),
    column(_lazy("City"), "city"), column(_lazy("Producer county"), "county"),
    column(_lazy("Month"), lambda line: line.month.strftime("%Y-%m")),
    column(_lazy("Product"), lambda line: str(line.product)), column(_lazy("Units"), "units"),
    column(_lazy("Jin"), lambda line: jin(line.grams)), money(_lazy("Amount (yuan)"), "amount_fen"),
    column(_lazy("Paid"), lambda line: "是" if line.paid else "否"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def figure_rows_view(request):
    """The order lines and collected bags behind one figure (its dimensions as filters)."""
    filters = _filters(request)
    lines = (
        figures.filtered(figures.line_rows(request.user), filters)
        .select_related("order", "org", "product")
        .order_by("month", "pk")
    )
    if request.GET.get("format") == "xlsx":
        return LINE_EXPORT.download(request, lines, filters)
    bags = figures.filtered(figures.bag_rows(request.user), filters).select_related("bag", "org")
    return render(request, "produce/figure_rows.html", {
        "lines": Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page")),
        "bags": bags.order_by("month", "pk")[:PAGE_SIZE], "bag_count": bags.count(),
        "filters": filters, "query": query_string(request),
        "given": figures.filtered(figures.destination_rows(request.user), filters).select_related("order", "hardship_file")[:PAGE_SIZE],
    })  # fmt: skip
