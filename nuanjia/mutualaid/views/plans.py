"""Setting plans up on pages: a new plan pooled at the planner's own federation, a dated
version of its terms and benefit rules (JSON, checked with the bad part named), and a union's
renewal of its covered members into the next term. The services check the roles."""

from __future__ import annotations

import json

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import requires, staff_of
from nuanjia.orgs.rules import Perm

from .. import queries, services
from ..rules import PlanKind
from ..services.plans import VERSION_FIELDS


class PlanForm(forms.Form):
    code = forms.CharField(label=_lazy("Code"), max_length=32)
    name = forms.CharField(label=_lazy("Name"), max_length=60)
    kind = forms.ChoiceField(label=_lazy("Kind"), choices=PlanKind.choices)
    grace_days = forms.IntegerField(
        label=_lazy("Grace days"), min_value=0, max_value=366, initial=30
    )


class VersionForm(forms.Form):
    valid_from = forms.DateField(label=_lazy("Valid from"))
    rules = forms.CharField(label=_lazy("Benefit rules (JSON)"), widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in VERSION_FIELDS:
            self.fields[name] = forms.IntegerField(label=name, min_value=0, required=False)

    def clean_rules(self):
        try:
            return json.loads(self.cleaned_data["rules"])
        except ValueError:
            raise forms.ValidationError(_("The benefit rules are not valid JSON.")) from None

    def terms(self) -> dict[str, int]:
        return {
            name: self.cleaned_data[name]
            for name in VERSION_FIELDS
            if self.cleaned_data.get(name) is not None
        }


class RenewForm(forms.Form):
    org = forms.CharField(label=_lazy("Union code"), max_length=20)
    ending_by = forms.DateField(label=_lazy("Terms ending by"))


def union_by_code(user, code: str) -> Org:
    """The union named by its code, in the user's subtree (else refused naming the field)."""
    from nuanjia.orgs.queries import scope

    org = scope(Org.objects.filter(code=code.strip()), user, org_field="").first()
    if org is None:
        raise RuleViolation(_("No union of your subtree has this code."), field="org")
    return org


@requires(Perm.VIEW_BUSINESS)
def plan_new_view(request):
    form = PlanForm(request.POST or None)
    plan = saved(request, form, lambda: services.create_plan(
        **form.cleaned_data, pool_org=staff_of(request.user).org, by=request.user
    ), _("The plan has been set up."))  # fmt: skip
    if plan is not None:
        return redirect("mutualaid:plan", ma_plan_id=plan.pk)
    return render(request, "mutualaid/plan_form.html", {"form": form, "title": _("New plan")})


@requires(Perm.VIEW_BUSINESS)
def version_new_view(request, ma_plan_id: int):
    plan = queries.get_plan_for(request.user, ma_plan_id)
    form = VersionForm(request.POST or None)
    done = saved(request, form, lambda: services.add_version(
        plan, form.cleaned_data["valid_from"], rules=form.cleaned_data["rules"], by=request.user,
        **form.terms(),
    ), _("The new terms have been added."))  # fmt: skip
    if done is not None:
        return redirect("mutualaid:plan", ma_plan_id=plan.pk)
    context = {"form": form, "plan": plan, "title": _("New terms of %(plan)s") % {"plan": plan}}
    return render(request, "mutualaid/plan_form.html", context)


@requires(Perm.VIEW_BUSINESS)
def renew_view(request, ma_plan_id: int):
    plan = queries.get_plan_for(request.user, ma_plan_id)
    form = RenewForm(request.POST or None)
    done = saved(request, form, lambda: services.renew(
        plan, union_by_code(request.user, form.cleaned_data["org"]),
        ending_by=form.cleaned_data["ending_by"], by=request.user,
    ), lambda made: _("%(n)s enrolments carried into the next term.") % {"n": len(made)})  # fmt: skip
    if done is not None:
        return redirect("mutualaid:enrolments", ma_plan_id=plan.pk)
    context = {"form": form, "plan": plan, "title": _("Renew a union's enrolments")}
    return render(request, "mutualaid/plan_form.html", context)
