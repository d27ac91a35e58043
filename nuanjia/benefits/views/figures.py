"""The benefits figures page and its Excel: by offer, merchant, city or month; each figure
links to the uses behind it."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.listexport import ListExport, column, money
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from ..figures import GROUPS, figures

BY_LABELS = {"offer": _lazy("Offer"), "merchant": _lazy("Merchant"), "city": _lazy("City"),
             "month": _lazy("Month")}  # fmt: skip


def _args(request: Any) -> tuple[str, int | None]:
    by = request.GET.get("by", "offer")
    year = request.GET.get("year", "")
    return (by if by in GROUPS else "offer"), (int(year) if year.isdigit() else None)


@requires(Perm.VIEW_BUSINESS)
def figures_view(request: Any) -> Any:
    by, year = _args(request)
    found = figures(request.user, by, year)
    return render(request, "benefits/staff/figures.html", {
        "figures": found, "by": by, "year": year or "", "groups": BY_LABELS.items(),
        "total_uses": sum(f.uses for f in found),
        "total_fen": sum(f.subsidy_fen for f in found),
        "query": request.GET.urlencode(),
    })  # fmt: skip


FIGURES_EXPORT = ListExport("benefits.figures", _lazy("Member benefit figures"), (
    column(_lazy("Group"), "label"), column(_lazy("Uses"), "uses"),
    column(_lazy("Members reached"), "members"), money(_lazy("Subsidy (yuan)"), "subsidy_fen"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def figures_export_view(request: Any) -> Any:
    by, year = _args(request)
    return FIGURES_EXPORT.response(request, figures(request.user, by, year), {"by": by})
