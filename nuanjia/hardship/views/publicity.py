"""The publicity list (公示名单) to print and post."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nuanjia.core.listexport import ListExport, column, money
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries


@requires(Perm.VIEW_BUSINESS)
def publicity_view(request):
    """The publicity list (公示名单) to print and post: masked name, unit, category and monthly
    amount only — never an ID number, phone or diagnosis."""
    rows = queries.publicity_rows(request.user)
    context = {
        "rows": rows,
        "org": request.user.org,
        "today": timezone.localdate(),
        "last_day": max((row["publicity_ends_on"] for row in rows), default=None),
    }
    return render(request, "hardship/publicity.html", context)


PUBLICITY_EXPORT = ListExport("hardship.publicity", _("Publicity list"), (
    column(_("Full name"), "name"), column(_("Unit"), "unit"), column(_("Category"), "category"),
    money(_("Monthly amount (yuan)"), "monthly_standard_fen"), column(_("Publicity ends on"), "publicity_ends_on"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def publicity_export_view(request):
    """The publicity list as xlsx, as masked as the printed one."""
    return PUBLICITY_EXPORT.response(request, queries.publicity_rows(request.user), {})
