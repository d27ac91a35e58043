"""Help for struggling firms: the helps in scope (with the approvers' queue), proposing one to a
firm, one help with its steps (approve and pay, cancel) and history."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core.flash import saved
from nuanjia.core.money import yuan_to_fen
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.funds.models import Earmark
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries, services
from ..models import FirmProfile
from ..rules import HelpStatus, HelpStep
from ..services.common import CASEWORKERS, may_act_for
from ..workflow import HELP_FLOW


class HelpForm(forms.Form):
    firm = forms.ModelChoiceField(label=_lazy("Firm"), queryset=FirmProfile.objects.none())
    earmark = forms.ModelChoiceField(label=_lazy("Earmark"), queryset=Earmark.objects.all())
    amount = forms.DecimalField(label=_lazy("Amount (yuan)"), min_value=0, decimal_places=2)
    workers_reached = forms.IntegerField(label=_lazy("Workers reached"), min_value=0)
    purpose = forms.CharField(label=_lazy("Purpose"), max_length=200)
    helped_on = forms.DateField(label=_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, firms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = firms if firms is not None else FirmProfile.objects.none()  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    note = forms.CharField(label=_lazy("Reason"), max_length=200)


def _propose(request, form):
    data = form.cleaned_data
    return services.propose_help(
        data["firm"], request.user.org, data["earmark"], amount_fen=yuan_to_fen(data["amount"]),
        workers_reached=data["workers_reached"], purpose=data["purpose"],
        helped_on=data["helped_on"], by=request.user,
    )  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def help_list_view(request):
    form = HelpForm(request.POST or None, firms=queries.visible_firms(request.user))
    made = saved(request, form, lambda: _propose(request, form),
                 _("The help has been proposed; another person approves it."))  # fmt: skip
    if made is not None:
        return redirect("enterprises:help", help_id=made.pk)
    found = queries.visible_helps(request.user)
    if request.GET.get("queue") == "approver":
        found = found.filter(status=HelpStatus.PROPOSED)
    return render(request, "enterprises/helps/list.html", {
        "page": Paginator(found, 50).get_page(request.GET.get("page")), "form": form,
        "may_propose": may_act_for(request.user, request.user.org, CASEWORKERS),
    })  # fmt: skip


HELP_STEPS = step_pages([
    StepPage(HELP_FLOW, HelpStep.APPROVE, forms.Form),
    StepPage(HELP_FLOW, HelpStep.CANCEL, ReasonForm, is_danger=True),
])  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def help_detail_view(request, help_id: int):
    help_ = queries.get_help_for(request.user, help_id)
    return render(request, "enterprises/helps/detail.html", {
        "help": help_, "events": help_.events.select_related("by"),
        "steps": offered_pages(HELP_STEPS, help_, request.user),
    })  # fmt: skip


def _step(request, help_id: int, step: str):
    help_ = queries.get_help_for(request.user, help_id, write=True)
    return run_step_button(request, HELP_STEPS[step], help_,
                           back=lambda: redirect("enterprises:help", help_id=help_.pk))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def help_approve_view(request, help_id: int):
    return _step(request, help_id, HelpStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def help_cancel_view(request, help_id: int):
    return _step(request, help_id, HelpStep.CANCEL)
