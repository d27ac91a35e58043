"""Legal check-ups and visits: the lists in scope with a form to record one, a check-up with
its checklist and findings (closed one by one), a visit with its follow-up tasks (an owner and a
deadline in working days)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core import clock
from nuanjia.core.flash import saved
from nuanjia.orgs.models import Staff
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_staff
from nuanjia.orgs.rules import Perm

from .. import queries, services
from ..models import FirmProfile
from ..models_checkups import CheckupItem, Finding, FollowUpTask
from ..services.common import CASEWORKERS, may_act_for

DATE = forms.DateInput(attrs={"type": "date"})


class CheckupForm(forms.Form):
    firm = forms.ModelChoiceField(label=_lazy("Firm"), queryset=FirmProfile.objects.none())
    checked_on = forms.DateField(label=_lazy("Checked on"), widget=DATE)
    advice = forms.CharField(label=_lazy("Advice"), required=False, widget=forms.Textarea)
    follow_up_on = forms.DateField(label=_lazy("Follow up on"), required=False, widget=DATE)

    def __init__(self, *args, firms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = firms if firms is not None else FirmProfile.objects.none()  # type: ignore[attr-defined]
        for value, label in CheckupItem.choices:
            self.fields[f"finding_{value}"] = forms.CharField(
                label=_("%(item)s: finding (empty when in order)") % {"item": label},
                required=False, max_length=500,
            )  # fmt: skip


class VisitForm(forms.Form):
    firm = forms.ModelChoiceField(label=_lazy("Firm"), queryset=FirmProfile.objects.none())
    visited_on = forms.DateField(label=_lazy("Visited on"), widget=DATE)
    difficulties = forms.CharField(label=_lazy("Difficulties"), widget=forms.Textarea)
    causes = forms.CharField(label=_lazy("Causes"), required=False, widget=forms.Textarea)
    placement = forms.CharField(label=_lazy("How the workers are placed"), required=False,
                                widget=forms.Textarea)  # fmt: skip

    def __init__(self, *args, firms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = firms if firms is not None else FirmProfile.objects.none()  # type: ignore[attr-defined]


class TaskForm(forms.Form):
    owner = forms.ModelChoiceField(label=_lazy("Owner"), queryset=Staff.objects.none())
    description = forms.CharField(label=_lazy("Task"), max_length=300)
    working_days = forms.IntegerField(label=_lazy("Working days"), min_value=1, max_value=250)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else Staff.objects.none()  # type: ignore[attr-defined]


def _record_checkup(request, form):
    data = form.cleaned_data
    findings = {value: data[f"finding_{value}"] for value in CheckupItem.values
                if data.get(f"finding_{value}")}  # fmt: skip
    return services.record_checkup(
        data["firm"], checked_on=data["checked_on"], findings=findings, advice=data["advice"],
        follow_up_on=data["follow_up_on"], by=request.user,
    )  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def checkup_list_view(request):
    form = CheckupForm(request.POST or None, firms=queries.visible_firms(request.user))
    made = saved(
        request, form, lambda: _record_checkup(request, form), _("The check-up has been recorded.")
    )
    if made is not None:
        return redirect("enterprises:checkup", checkup_id=made.pk)
    return render(request, "enterprises/checkups/list.html", {
        "page": Paginator(queries.visible_checkups(request.user), 50).get_page(request.GET.get("page")),
        "form": form, "may_edit": may_act_for(request.user, request.user.org, CASEWORKERS),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def checkup_detail_view(request, checkup_id: int):
    checkup = queries.get_checkup_for(request.user, checkup_id)
    labels = dict(CheckupItem.choices)
    return render(request, "enterprises/checkups/detail.html", {
        "checkup": checkup, "findings": checkup.findings.all(),
        "items": [(labels[key], ok) for key, ok in checkup.checklist.items() if key in labels],
        "may_edit": may_act_for(request.user, checkup.org, CASEWORKERS),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def finding_close_view(request, checkup_id: int, finding_id: int):
    checkup = queries.get_checkup_for(request.user, checkup_id, write=True)
    finding = Finding.objects.filter(checkup=checkup, pk=finding_id).first()
    if finding is not None:
        form = forms.Form(request.POST)
        saved(request, form, lambda: services.close_finding(finding, closed_on=clock.today(), by=request.user),
              _("The finding is closed."))  # fmt: skip
    return redirect("enterprises:checkup", checkup_id=checkup.pk)


@requires(Perm.VIEW_BUSINESS)
def visit_list_view(request):
    form = VisitForm(request.POST or None, firms=queries.visible_firms(request.user))
    made = saved(request, form, lambda: services.record_visit(by=request.user, **form.cleaned_data),
                 _("The visit has been recorded."))  # fmt: skip
    if made is not None:
        return redirect("enterprises:visit", visit_id=made.pk)
    return render(request, "enterprises/checkups/visits.html", {
        "page": Paginator(queries.visible_visits(request.user), 50).get_page(request.GET.get("page")),
        "form": form, "may_edit": may_act_for(request.user, request.user.org, CASEWORKERS),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def visit_detail_view(request, visit_id: int):
    visit = queries.get_visit_for(request.user, visit_id)
    form = TaskForm(request.POST or None, owners=visible_staff(request.user).filter(is_active=True))
    made = saved(request, form, lambda: services.add_task(visit, by=request.user, **form.cleaned_data),
                 _("The task has been added."))  # fmt: skip
    if made is not None:
        return redirect("enterprises:visit", visit_id=visit.pk)
    return render(request, "enterprises/checkups/visit.html", {
        "visit": visit, "tasks": visit.tasks.select_related("owner"), "form": form,
        "may_edit": may_act_for(request.user, visit.org, CASEWORKERS),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def task_done_view(request, visit_id: int, task_id: int):
    visit = queries.get_visit_for(request.user, visit_id, write=True)
    task = FollowUpTask.objects.filter(visit=visit, pk=task_id).first()
    if task is not None:
        form = forms.Form(request.POST)
        saved(request, form, lambda: services.complete_task(task, done_on=clock.today(), by=request.user),
              _("The task is done."))  # fmt: skip
    return redirect("enterprises:visit", visit_id=visit.pk)
