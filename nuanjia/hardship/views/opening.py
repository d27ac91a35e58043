"""Finding a household in scope and opening its file."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import get_scoped_or_404, scope
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Household

from .. import forms, rules, services
from ..models import HardshipFile
from ..rules import Step
from ..workflow import FLOW
from .common import SEARCH_LIMIT


def _visible_households(user):
    return scope(Household.objects.select_related("worker", "org"), user)


@requires(Perm.VIEW_BUSINESS)
def file_new_view(request):
    """Find a household in scope and open its file (an application or union-initiated)."""
    can_open = FLOW.role_may(request.user.roles, Step.APPLY)
    if request.method == "POST":
        FLOW.authorize(request.user, Step.APPLY, where=request.path)
        form = forms.OpenFileForm(request.POST)
        if form.is_valid():
            household = get_scoped_or_404(
                _visible_households(request.user),
                request.user,
                write=True,
                pk=form.cleaned_data["household"],
            )
            try:
                hardship_file = services.open_file(
                    household,
                    by=request.user,
                    is_union_initiated=form.cleaned_data["is_union_initiated"],
                    note=form.cleaned_data["note"],
                )
            except RuleViolation as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("File %(number)s opened.") % {"number": hardship_file.number}
                )
                return redirect("hardship:detail", file_id=hardship_file.pk)
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        households = _visible_households(request.user).filter(
            Q(worker__name__icontains=query)
            | Q(worker__name_pinyin__startswith=query.lower())
            | Q(worker__id_last4=query)
        )
        results = list(households.order_by("worker__name_pinyin", "pk")[:SEARCH_LIMIT])
        live = {
            row["household_id"]: row["status"]
            for row in HardshipFile.objects.filter(
                household__in=[h.pk for h in results], status__in=rules.LIVE_STATUSES
            ).values("household_id", "status")
        }
        for household in results:
            household.live_status = live.get(household.pk)
    context = {
        "query": query,
        "results": results,
        "form": forms.OpenFileForm(),
        "can_open": can_open,
        "limit": SEARCH_LIMIT,
    }
    return render(request, "hardship/file_new.html", context)
