"""Recording and resolving publicity objections, and proposing a change to a filed family."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, rules, services
from .common import _int_or_none, _on_form


@requires(Perm.VIEW_BUSINESS)
def objection_new_view(request, file_id: int):
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.OBJECTION_ROLES, "objection", request.path)
    form = forms.ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_objection(hardship_file, by=request.user, **form.cleaned_data)
        except RuleViolation as error:
            apply_rule_error(form, _on_form(error))
        else:
            messages.success(
                request, _("The objection is recorded; approval waits until it is resolved.")
            )
            return redirect("hardship:detail", file_id=hardship_file.pk)
    page = {"label": _("Record an objection")}
    return render(
        request, "hardship/step.html", {"file": hardship_file, "form": form, "page": page}
    )


@requires(Perm.VIEW_BUSINESS)
def objection_resolve_view(request, objection_id: int):
    objection = queries.get_objection_for(request.user, objection_id, write=True)
    services.authorize_roles(
        request.user, rules.RESOLVE_OBJECTION_ROLES, "objection_resolved", request.path
    )
    form = forms.ResolveObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_objection(
                objection,
                by=request.user,
                is_upheld=form.cleaned_data["result"] == "upheld",
                resolution=form.cleaned_data["resolution"],
            )
        except RuleViolation as error:
            apply_rule_error(form, _on_form(error))
        else:
            messages.success(request, _("The objection is resolved."))
            return redirect("hardship:detail", file_id=objection.file_id)
    page = {"label": _("Resolve the objection"), "objection": objection}
    return render(
        request, "hardship/step.html", {"file": objection.file, "form": form, "page": page}
    )


@requires(Perm.VIEW_BUSINESS)
def change_view(request, file_id: int):
    """Propose a change to a filed family; it takes effect when a reviewer completes the review."""
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.PROPOSE_CHANGE_ROLES, "change", request.path)
    household = hardship_file.household
    form = forms.ChangeForm(
        request.POST if request.method == "POST" else None,
        household=household,
        member_id=_int_or_none(request.GET.get("member")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_change(
                hardship_file, form.change(), by=request.user, note=form.cleaned_data["note"]
            )
        except RuleViolation as error:
            apply_rule_error(form, _on_form(error))
        else:
            messages.success(
                request,
                _(
                    "The change is waiting for review; it takes effect when the review is completed."
                ),
            )
            return redirect("hardship:detail", file_id=hardship_file.pk)
    page = {
        "label": _("Propose a change"),
        "members": [
            (pk, member.name, pk == getattr(form.member, "pk", None))
            for pk, member in form.members.items()
        ],
    }
    return render(
        request, "hardship/step.html", {"file": hardship_file, "form": form, "page": page}
    )
