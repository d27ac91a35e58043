"""The regional hardship policies."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, rules, services
from ..models import HardshipPolicy
from .common import _on_form
from .standards import _may_set_standards

POLICY_FIELDS = [name for name, *_bounds in services.POLICY_BOUNDS]


@requires(Perm.VIEW_BUSINESS)
def policies_view(request):
    """The hardship policies that apply to the user's regions, with the built-in defaults."""
    user = request.user
    may_edit = _may_set_standards(user)
    editable = (
        set(queries.editable_standards(user, HardshipPolicy).values_list("pk", flat=True))
        if may_edit
        else set()
    )
    policies = queries.applicable_standards(user, HardshipPolicy) | HardshipPolicy.objects.filter(
        region_code=queries.PROVINCE_REGION
    )
    context = {
        "policies": policies.order_by("region_code", "-effective_on")[:200],
        "defaults": rules.DEFAULT_POLICY,
        "editable": editable,
        "may_edit": may_edit,
    }
    return render(request, "hardship/policies.html", context)


def _policy_form_view(request, instance=None):
    if instance is None and request.user.org is not None:
        current = queries.policy_for(request.user.org.region_code)
        initial = {name: getattr(current, name) for name in POLICY_FIELDS}
        initial.update(region_code=request.user.org.region_code, effective_on=timezone.localdate())
    else:
        initial = None
    form = forms.PolicyForm(
        request.POST if request.method == "POST" else None, instance=instance, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_policy(
                by=request.user,
                region_code=data["region_code"],
                effective_on=data["effective_on"],
                values={name: data.get(name) for name in POLICY_FIELDS},
                note=data.get("note", ""),
                instance=HardshipPolicy.objects.get(pk=instance.pk) if instance else None,
            )
        except RuleViolation as error:
            apply_rule_error(form, _on_form(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("hardship:policies")
    return render(request, "hardship/policy_form.html", {"form": form, "instance": instance})


@requires(Perm.VIEW_BUSINESS)
def policy_new_view(request):
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "policy", request.path)
    return _policy_form_view(request)


@requires(Perm.VIEW_BUSINESS)
def policy_edit_view(request, policy_id: int):
    policy = queries.get_standard_for(request.user, policy_id, HardshipPolicy)
    services.authorize_roles(request.user, rules.STANDARD_ROLES, "policy", request.path)
    return _policy_form_view(request, policy)
