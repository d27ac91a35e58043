"""Regular help for model workers in difficulty (困难劳模帮扶): the dated standard, the help
register (a case per worker), the payments of a period proposed one by one or for every
case at once, and a payment's page with its maker-checker steps."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt, saved
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..rules import HELP_KIND, PaymentStatus, PaymentStep
from ..workflow import PAYMENT_FLOW
from .bases import honoured_workers


@requires(Perm.VIEW_BUSINESS)
def standard_list_view(request):
    form = forms.StandardForm(request.POST or None)
    row = saved(request, form, lambda: services.save_standard(by=request.user, **form.cleaned_data),
                _("The standard has been saved."))  # fmt: skip
    if row is not None:
        return redirect("modelworkers:standards")
    rows = queries.visible_standards(request.user)[:300]
    return render(request, "modelworkers/standards.html", {"rows": rows, "form": form})


@requires(Perm.VIEW_BUSINESS)
def case_list_view(request):
    page = queries.CASE_LIST.page(queries.visible_cases(request.user), request.GET)
    return render(request, "modelworkers/case_list.html", {
        "page": page, "query": page.query, "period_form": forms.PeriodForm(),
        "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def case_new_view(request):
    workers = honoured_workers(request.user, kinds=[HELP_KIND])
    form = forms.CaseForm(request.POST or None, workers=workers)

    def add():
        data = dict(form.cleaned_data)
        data["worker"] = {str(w.pk): w for w in workers}.get(data["worker"])
        if data["worker"] is None:
            raise RuleViolation(_("Choose a model worker."), field="worker")
        return services.add_case(request.user.org, by=request.user, **data)

    case = saved(request, form, add, _("The model worker is on the help register."))
    if case is not None:
        return redirect("modelworkers:case", mw_case_id=case.pk)
    return render(request, "modelworkers/form.html", {
        "form": form, "title": _("Take a model worker on for regular help"),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def case_detail_view(request, mw_case_id: int):
    case = queries.get_case_for(request.user, mw_case_id)
    ending = request.POST.get("action") == "end"
    propose = forms.ProposeForm(None if ending else (request.POST or None))
    end = forms.EndCaseForm(request.POST if ending else None)
    if request.method == "POST":
        case = queries.get_case_for(request.user, mw_case_id, write=True)
        done: object
        if ending:
            done = saved(request, end,
                         lambda: services.end_case(case, by=request.user, **end.cleaned_data),
                         _("The help has ended."))  # fmt: skip
        else:
            done = saved(request, propose,
                         lambda: services.propose_payment(case, by=request.user,
                                                          on=propose.cleaned_data.get("on")),
                         _("The payment has been proposed."))  # fmt: skip
        if done is not None:
            return redirect("modelworkers:case", mw_case_id=case.pk)
    return render(request, "modelworkers/case_detail.html", {
        "case": case, "payments": case.payments.order_by("-period_start", "-pk")[:60],
        "propose": propose, "end": end, "may_change": services.may_manage(request.user, case.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def propose_period_view(request):
    form = forms.PeriodForm(request.POST)
    if form.is_valid() and request.user.org is not None:
        attempt(
            request,
            lambda: services.propose_period(request.user.org, by=request.user, **form.cleaned_data),
            _("The payments of the period have been proposed."),
        )  # fmt: skip
    return redirect("modelworkers:payments")


@requires(Perm.VIEW_BUSINESS)
def payment_list_view(request):
    payments = queries.visible_payments(request.user)
    status = request.GET.get("status", "")
    if status in PaymentStatus.values:
        payments = payments.filter(status=status)
    page = queries.PAYMENT_LIST.page(payments, request.GET)
    return render(request, "modelworkers/payment_list.html", {
        "page": page, "query": page.query, "statuses": PaymentStatus.choices, "chosen": status,
    })  # fmt: skip


PAYMENT_STEPS = step_pages(
    [
        StepPage(PAYMENT_FLOW, PaymentStep.APPROVE, forms.NoteForm),
        StepPage(PAYMENT_FLOW, PaymentStep.REFUSE, forms.ReasonForm, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def payment_detail_view(request, mw_payment_id: int):
    payment = queries.get_payment_for(request.user, mw_payment_id)
    return render(request, "modelworkers/payment_detail.html", {
        "payment": payment, "events": payment.events.select_related("by"),
        "steps": offered_pages(PAYMENT_STEPS, payment, request.user),
    })  # fmt: skip


def payment_step_view(step: str):
    @requires(Perm.VIEW_BUSINESS)
    @require_POST
    def view(request, mw_payment_id: int):
        payment = queries.get_payment_for(request.user, mw_payment_id, write=True)
        return run_step_button(
            request, PAYMENT_STEPS[step], payment,
            back=lambda: redirect("modelworkers:payment", mw_payment_id=payment.pk),
        )  # fmt: skip

    view.__name__ = f"payment_{step}_view"
    return view
