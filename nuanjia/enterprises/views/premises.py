"""Premises pages: union properties with their units, leases with their rent schedule and the
reliefs applied to them, rent-relief policies, and one relief with its register lines, steps
(approve, cancel) and history."""

from __future__ import annotations

from django import forms as django_forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.flash import saved
from nuanjia.core.money import yuan_to_fen
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm, Role

from .. import queries, services
from ..forms import (
    LeaseForm,
    PolicyForm,
    PropertyForm,
    ReasonForm,
    ReliefForm,
    RentPaidForm,
    UnitForm,
)
from ..models import Unit
from ..rules import ReliefStep
from ..services.common import CASEWORKERS, may_act_for
from ..workflow import RELIEF_FLOW

PAGE_SIZE = 50


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@requires(Perm.VIEW_BUSINESS)
def property_list_view(request):
    form = PropertyForm(request.POST or None)
    prop = saved(
        request, form,
        lambda: services.create_property(request.user.org, by=request.user, **form.cleaned_data),
        _("The property has been added."),
    )  # fmt: skip
    if prop is not None:
        return redirect("enterprises:property", property_id=prop.pk)
    return render(request, "enterprises/premises/properties.html", {
        "page": _page(request, queries.visible_properties(request.user).order_by("name")),
        "form": form, "may_edit": may_act_for(request.user, request.user.org, CASEWORKERS),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def property_detail_view(request, property_id: int):
    prop = queries.get_property_for(request.user, property_id)
    form = UnitForm(request.POST or None)
    unit = saved(
        request, form, lambda: services.create_unit(prop, by=request.user, **form.cleaned_data),
        _("The unit has been added."),
    )  # fmt: skip
    if unit is not None:
        return redirect("enterprises:property", property_id=prop.pk)
    return render(request, "enterprises/premises/property.html", {
        "property": prop, "units": prop.units.order_by("code"), "form": form,
        "leases": queries.visible_leases(request.user).filter(unit__property=prop),
        "may_edit": may_act_for(request.user, prop.org, CASEWORKERS),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def lease_list_view(request):
    return render(request, "enterprises/premises/leases.html", {
        "page": _page(request, queries.visible_leases(request.user)),
        "may_edit": may_act_for(request.user, request.user.org, CASEWORKERS),
    })  # fmt: skip


def _create_lease(request, form):
    data = form.cleaned_data
    return services.create_lease(
        data["unit"], data["tenant"], monthly_rent_fen=yuan_to_fen(data["monthly_rent"]),
        starts_on=data["starts_on"], ends_on=data["ends_on"],
        deposit_fen=yuan_to_fen(data["deposit"] or 0), by=request.user,
    )  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def lease_new_view(request):
    units = Unit.objects.filter(
        property__in=queries.visible_properties(request.user)
    ).select_related("property")
    form = LeaseForm(request.POST or None, units=units, tenants=queries.visible_firms(request.user))
    lease = saved(request, form, lambda: _create_lease(request, form),
                  _("The lease has been created with its rent schedule."))  # fmt: skip
    if lease is not None:
        return redirect("enterprises:lease", lease_id=lease.pk)
    return render(request, "enterprises/premises/lease_new.html", {"form": form})


@requires(Perm.VIEW_BUSINESS)
def lease_detail_view(request, lease_id: int):
    lease = queries.get_lease_for(request.user, lease_id)
    policies = queries.policies(request.user)
    form = ReliefForm(request.POST or None, policies=policies)
    relief = saved(
        request, form,
        lambda: services.propose_relief(
            lease, form.cleaned_data["policy"], by=request.user, note=form.cleaned_data["note"]
        ),
        lambda made: _("Rent relief %(number)s proposed: %(months)s months, another person "
                       "approves it.") % {"number": made, "months": made.months},
    )  # fmt: skip
    if relief is not None:
        return redirect("enterprises:relief", relief_id=relief.pk)
    verdicts = [(policy, services.check_eligibility(lease, policy)) for policy in policies[:20]]
    return render(request, "enterprises/premises/lease.html", {
        "lease": lease, "schedule": lease.schedule.all(), "form": form, "verdicts": verdicts,
        "reliefs": lease.reliefs.select_related("policy"), "paid_form": RentPaidForm(),
        "may_apply": may_act_for(request.user, lease.org, CASEWORKERS),
        "may_record_paid": may_act_for(request.user, lease.owner, CASEWORKERS),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def lease_paid_view(request, lease_id: int):
    lease = queries.get_lease_for(request.user, lease_id, write=True)
    form = RentPaidForm(request.POST)
    saved(
        request, form,
        lambda: services.record_rent_paid(lease, up_to=form.cleaned_data["up_to"], by=request.user),
        lambda count: _("%(count)s months recorded as paid.") % {"count": count},
    )  # fmt: skip
    return redirect("enterprises:lease", lease_id=lease.pk)


@requires(Perm.VIEW_BUSINESS)
def policy_list_view(request):
    form = PolicyForm(request.POST or None)
    policy = saved(
        request, form,
        lambda: services.create_policy(request.user.org, by=request.user, **form.cleaned_data),
        _("The policy has been saved."),
    )  # fmt: skip
    if policy is not None:
        return redirect("enterprises:policies")
    return render(request, "enterprises/premises/policies.html", {
        "policies": queries.policies(request.user), "form": form,
        "may_edit": may_act_for(request.user, request.user.org, CASEWORKERS),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def relief_list_view(request):
    queue = request.GET.get("queue", "")
    found = queries.reliefs_in_queue(request.user, queue)
    city = request.GET.get("city", "")
    if city:  # the figures' drill-down: one city's reliefs
        found = found.filter(org__path__startswith=f"/{city[:2]}0000/{city[:6]}/")
    return render(request, "enterprises/premises/reliefs.html", {
        "page": _page(request, found),
        "queue": queue if queue in (Role.APPROVER, Role.FINANCE) else "",
    })  # fmt: skip


RELIEF_STEPS = step_pages(
    [
        StepPage(RELIEF_FLOW, ReliefStep.APPROVE, django_forms.Form),
        StepPage(RELIEF_FLOW, ReliefStep.CANCEL, ReasonForm, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def relief_detail_view(request, relief_id: int):
    relief = queries.get_relief_for(request.user, relief_id)
    events = [
        {"event": event, "label": services.RELIEF_ACTIONS.get(event.action, event.action)}
        for event in relief.events.select_related("by")
    ]
    return render(request, "enterprises/premises/relief.html", {
        "relief": relief, "lines": relief.lines.select_related("month"), "events": events,
        "steps": offered_pages(RELIEF_STEPS, relief, request.user),
    })  # fmt: skip


def _step(request, relief_id: int, step: str):
    relief = queries.get_relief_for(request.user, relief_id, write=True)
    return run_step_button(
        request, RELIEF_STEPS[step], relief,
        back=lambda: redirect("enterprises:relief", relief_id=relief.pk),
    )  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def relief_approve_view(request, relief_id: int):
    return _step(request, relief_id, ReliefStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def relief_cancel_view(request, relief_id: int):
    return _step(request, relief_id, ReliefStep.CANCEL)
