"""The 低保 standards and minimum wages, and the re-assessment after a change."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import scope
from nuanjia.orgs.rules import Perm
from nuanjia.standards import services as standards_services
from nuanjia.standards.models import DibaoStandard, MinimumWage

from .. import forms, queries, rules, services, tasks
from ..models import BulkRun
from .common import _on_form
from .reviews import _run_or_queue

STANDARD_KINDS = {
    "dibao": (DibaoStandard, gettext_lazy("Dibao standard")),
    "wage": (MinimumWage, gettext_lazy("Minimum wage")),
}


def _may_set_standards(user) -> bool:
    return bool(rules.STANDARD_ROLES & user.roles) and queries.user_region_org(user) is not None


@requires(Perm.VIEW_BUSINESS)
def standards_view(request):
    """The 低保 standards and minimum wages that apply to the user's regions."""
    user = request.user
    may_edit = _may_set_standards(user)
    editable = (
        set(queries.editable_standards(user).values_list("pk", flat=True)) if may_edit else set()
    )
    editable_wages = (
        set(queries.editable_standards(user, MinimumWage).values_list("pk", flat=True))
        if may_edit
        else set()
    )
    context = {
        "standards": queries.applicable_standards(user).order_by("region_code", "-effective_on")[
            :500
        ],
        "wages": queries.applicable_standards(user, MinimumWage).order_by(
            "region_code", "-effective_on"
        )[:500],
        "editable": editable,
        "editable_wages": editable_wages,
        "may_edit": may_edit,
        "runs": scope(BulkRun.objects.filter(kind=BulkRun.Kind.REASSESS), user)[:5],
    }
    return render(request, "hardship/standards.html", context)


def _standard_form_view(request, kind: str, instance=None):
    model, label = STANDARD_KINDS[kind]
    initial = {}
    if instance is not None:
        initial = {
            "region_code": instance.region_code,
            "effective_on": instance.effective_on,
            "monthly": forms.to_yuan(instance.monthly_fen),
            "note": instance.note,
        }
    elif request.user.org is not None:
        initial = {
            "region_code": request.user.org.region_code,
            "effective_on": timezone.localdate(),
        }
    form = forms.StandardForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = standards_services.save_regional_amount(
                model,
                by=request.user,
                region_code=data["region_code"],
                effective_on=data["effective_on"],
                monthly_fen=forms.to_fen(data["monthly"]),
                note=data["note"],
                instance=instance,
            )
        except RuleViolation as error:
            apply_rule_error(form, _on_form(error))
        else:
            messages.success(request, _("Saved."))
            if model is DibaoStandard:
                return redirect("hardship:reassess", standard_id=row.pk)
            return redirect("hardship:standards")
    return render(
        request, "hardship/standard_form.html", {"form": form, "label": label, "instance": instance}
    )


@requires(Perm.VIEW_BUSINESS)
def standard_new_view(request):
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "standard", request.path)
    kind = request.GET.get("kind", "dibao")
    return _standard_form_view(request, kind if kind in STANDARD_KINDS else "dibao")


@requires(Perm.VIEW_BUSINESS)
def standard_edit_view(request, standard_id: int):
    standard = queries.get_standard_for(request.user, standard_id)
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "standard", request.path)
    return _standard_form_view(request, "dibao", standard)


@requires(Perm.VIEW_BUSINESS)
def wage_edit_view(request, wage_id: int):
    wage = queries.get_standard_for(request.user, wage_id, MinimumWage)
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "standard", request.path)
    return _standard_form_view(request, "wage", wage)


@requires(Perm.VIEW_BUSINESS)
def reassess_view(request, standard_id: int):
    """After a 低保 change: show how many filed families a re-assessment touches, then run it."""
    standard = queries.get_standard_for(request.user, standard_id)
    services.authorize_roles(request.user, rules.BULK_ROLES, "reassess", request.path)
    as_of = services.reassessment_as_of(standard)
    if request.method == "POST":
        try:
            run = services.start_reassessment(standard, by=request.user, as_of=as_of)
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            _run_or_queue(run, tasks.run_reassessment_task)
            messages.success(
                request,
                _("Re-assessment of %(count)d filed families started.") % {"count": run.total},
            )
            return redirect("hardship:standards")
    context = {
        "standard": standard,
        "count": services.count_reassessment(standard, as_of),
        "as_of": as_of,
    }
    return render(request, "hardship/reassess.html", context)
