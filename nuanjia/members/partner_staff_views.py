"""Staff pages for partners (合作机构): the union's list, registering one, its outlets and the
people who sign in for it, and its scans."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import own_org, requires
from nuanjia.orgs.rules import Perm

from . import queries
from .models import Partner
from .services import partners

PAGE_SIZE = 50


class PartnerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Partner.Kind.choices)
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code"), max_length=18, required=False
    )


class OutletForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Outlet name"), max_length=100)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)


class PartnerUserForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("Mobile phone"), max_length=20)


@requires(Perm.VIEW_BUSINESS)
def partner_list_view(request):
    rows = queries.visible_partners(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = partners.register_partner(org=own_org(request), by=request.user,
                                                **form.cleaned_data)  # fmt: skip
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            return redirect("members:partner_detail", partner_id=partner.pk)
    return render(request, "members/staff/partner_list.html", {"page": page, "form": form})


@requires(Perm.VIEW_BUSINESS)
def partner_detail_view(request, partner_id: int):
    partner = queries.get_partner_for(request.user, partner_id)
    return render(
        request,
        "members/staff/partner_detail.html",
        {
            "partner": partner,
            "outlets": partner.outlets.all(),
            "users": partner.users.all(),
            "scans": partner.scans.select_related("outlet")[:20],
            "outlet_form": OutletForm(),
            "user_form": PartnerUserForm(),
        },
    )


def _partner_form_post(request, partner_id: int, form_class, service):
    partner = queries.get_partner_for(request.user, partner_id, write=True)
    form = form_class(request.POST)
    if form.is_valid():
        attempt(request, lambda: service(partner, by=request.user, **form.cleaned_data),
                _("Saved."))  # fmt: skip
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("members:partner_detail", partner_id=partner.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def partner_outlet_add_view(request, partner_id: int):
    return _partner_form_post(request, partner_id, OutletForm, partners.add_outlet)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def partner_user_add_view(request, partner_id: int):
    return _partner_form_post(request, partner_id, PartnerUserForm, partners.add_partner_user)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def partner_user_stop_view(request, partner_user_id: int):
    user = queries.get_partner_user_for(request.user, partner_user_id, write=True)
    active = request.POST.get("active") == "1"
    attempt(request, lambda: partners.set_partner_user_active(user, active=active, by=request.user),
            _("Saved."))  # fmt: skip
    return redirect("members:partner_detail", partner_id=user.partner_id)
