"""The publicity list (公示名单) to print and post."""

from django.shortcuts import render
from django.utils import timezone

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
