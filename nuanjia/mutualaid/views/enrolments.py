"""Plan and enrolment pages: the plans in reach with their versions, the subtree's enrolments,
enrolling one worker by ID number, the sheet's template, one enrolment with its payments,
cancellation and the claims of its member."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core import crypto
from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.core.imports import template_response
from nuanjia.core.money import yuan_to_fen
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Worker

from .. import queries, services
from ..forms import CancelForm, EnrolForm, PayForm
from ..imports_enrolment import write_enrolment_template
from ..models import Claim

PAGE_SIZE = 50


@requires(Perm.VIEW_BUSINESS)
def plan_list_view(request):
    return render(request, "mutualaid/plans.html", {"plans": queries.visible_plans(request.user)})


@requires(Perm.VIEW_BUSINESS)
def plan_detail_view(request, ma_plan_id: int):
    plan = queries.get_plan_for(request.user, ma_plan_id)
    return render(
        request, "mutualaid/plan_detail.html", {"plan": plan, "versions": plan.versions.all()}
    )


@requires(Perm.VIEW_BUSINESS)
def enrolment_list_view(request, ma_plan_id: int):
    plan = queries.get_plan_for(request.user, ma_plan_id)
    found = queries.visible_enrolments(request.user).filter(plan=plan)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mutualaid/enrolments.html", {"plan": plan, "page": page})


def _worker(user, id_number: str) -> Worker:
    index = crypto.blind_index(id_number, purpose=crypto.PURPOSE_ID_NUMBER)
    from nuanjia.orgs.queries import scope

    worker = scope(
        Worker.objects.filter(id_number_index=index, merged_into__isnull=True), user
    ).first()
    if worker is None:
        raise RuleViolation(
            _("No worker of your unions has this ID number in the registry."), field="id_number"
        )
    return worker


@requires(Perm.VIEW_BUSINESS)
def enrol_view(request, ma_plan_id: int):
    plan = queries.get_plan_for(request.user, ma_plan_id)
    form = EnrolForm(request.POST or None)

    def save():
        worker = _worker(request.user, form.cleaned_data["id_number"].strip().upper())
        org = worker.union or worker.org
        return services.enrol(
            plan, worker, org=org, starts_on=form.cleaned_data["starts_on"], by=request.user
        )

    enrolment = saved(
        request, form, save, _("Enrolled; the cover starts once the contribution is paid in full.")
    )
    if enrolment is not None:
        return redirect("mutualaid:enrolment", ma_enrolment_id=enrolment.pk)
    return render(request, "mutualaid/enrol.html", {"plan": plan, "form": form})


@requires(Perm.VIEW_BUSINESS)
@require_GET
def enrolment_template_view(request):
    return template_response(write_enrolment_template, filename="参保名单导入模板.xlsx")


@requires(Perm.VIEW_BUSINESS)
def enrolment_detail_view(request, ma_enrolment_id: int):
    enrolment = queries.get_enrolment_for(request.user, ma_enrolment_id)
    return render(request, "mutualaid/enrolment_detail.html", {
        "enrolment": enrolment, "pay_form": PayForm(), "cancel_form": CancelForm(),
        "contributions": enrolment.contributions.all(),
        "claims": Claim.objects.filter(worker=enrolment.worker, plan=enrolment.plan),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def enrolment_pay_view(request, ma_enrolment_id: int):
    enrolment = queries.get_enrolment_for(request.user, ma_enrolment_id, write=True)
    form = PayForm(request.POST)
    if form.is_valid():
        try:
            services.pay(enrolment, yuan_to_fen(form.cleaned_data["amount"]), paid_on=form.cleaned_data["paid_on"],
                         payer=form.cleaned_data["payer"], by=request.user)  # fmt: skip
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(request, _("The payment has been recorded and passed to the pool."))
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))
    return redirect("mutualaid:enrolment", ma_enrolment_id=enrolment.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def enrolment_cancel_view(request, ma_enrolment_id: int):
    enrolment = queries.get_enrolment_for(request.user, ma_enrolment_id, write=True)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            done = services.cancel(
                enrolment,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(
                request,
                _("Cancelled; %(amount)s yuan refunded.") % {"amount": done.refund_fen / 100},
            )
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))
    return redirect("mutualaid:enrolment", ma_enrolment_id=enrolment.pk)
