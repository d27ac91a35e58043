"""Partner settlement pages: the subtree's statements with filters and queues, preparing one
(the contract and month, its count and amount shown first), a statement's page with its rows
adding up to the amount, its steps and history, and the rows as Excel; the partner's own
statements on its pages (/p/campaigns/statements/), confirmed or disputed there."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.core.listexport import ListExport, column, day, money
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.members.auth import partner_page
from nuanjia.members.models import Partner
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries_settlements as queries
from .. import services
from ..models import PartnerContract
from ..rules import SettlementStatus, SettlementStep
from ..services.settlements import PREPARER_ROLES
from ..workflow import SETTLEMENT_FLOW

PAGE_SIZE = 50
ROWS_PER_PAGE = 200


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class MonthField(django_forms.CharField):
    widget = django_forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def clean(self, value):
        month = queries.parse_month(super().clean(value))
        if month is None:
            raise django_forms.ValidationError(_("Write the month as 2026-03."))
        return month


class SettlementFilterForm(django_forms.Form):
    status = django_forms.ChoiceField(
        label=_lazy("Status"),
        required=False,
        choices=[("", _lazy("All statuses")), *SettlementStatus.choices],
    )
    partner = django_forms.ModelChoiceField(
        label=_lazy("Partner"), required=False, queryset=Partner.objects.none()
    )
    month = django_forms.CharField(
        label=_lazy("Month"),
        required=False,
        widget=django_forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"}),
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = partners if partners is not None else Partner.objects.none()
        self.fields["partner"].queryset = chosen  # type: ignore[attr-defined]


class PrepareForm(django_forms.Form):
    contract = django_forms.ModelChoiceField(
        label=_lazy("Contract"), queryset=PartnerContract.objects.none()
    )
    month = MonthField(label=_lazy("Month"))
    note = django_forms.CharField(label=_lazy("Note"), required=False, max_length=200)

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contract"]
        field.queryset = (  # type: ignore[attr-defined]
            contracts if contracts is not None else PartnerContract.objects.none()
        )
        field.label_from_instance = lambda contract: (  # type: ignore[attr-defined]
            f"{contract} · {contract.partner.name} · {contract.activity.name}"
        )


class ReasonForm(django_forms.Form):
    note = django_forms.CharField(label=_lazy("Reason"), max_length=200)


class PartnerConfirmForm(django_forms.Form):
    note = django_forms.CharField(label=_lazy("Note"), required=False, max_length=200)


class PartnerDisputeForm(django_forms.Form):
    reason = django_forms.CharField(label=_lazy("What is wrong"), max_length=200)


# ---- staff: the list and preparing -----------------------------------------------------------


def _filters(request) -> tuple[queries.SettlementFilters, SettlementFilterForm]:
    partners = Partner.objects.filter(
        pk__in=queries.visible_settlements(request.user).values("partner_id")
    ).order_by("name")
    form = SettlementFilterForm(request.GET or None, partners=partners)
    values = form.cleaned_data if form.is_valid() else {}
    partner = values.get("partner")
    filters = queries.SettlementFilters(
        status=values.get("status", ""),
        partner=partner.pk if partner else None,
        month=queries.parse_month(values.get("month", "")),
        queue=request.GET.get("queue", ""),
    )
    return filters, form


@requires(Perm.VIEW_BUSINESS)
def settlement_list_view(request):
    """The subtree's partner statements; `?queue=` keeps what waits on a role."""
    filters, form = _filters(request)
    found = queries.settlements_list(request.user, filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/settlements/list.html",
        {
            "page": page,
            "form": form,
            "queue": filters.queue if filters.queue in queries.QUEUES else "",
            "query": _query_string(request),
            "may_prepare": services.may_act_for(request.user, request.user.org, PREPARER_ROLES),
        },
    )


@requires(Perm.VIEW_BUSINESS)
def settlement_new_view(request):
    """Choose a contract and a month: the count and amount are shown, then prepared."""
    contracts = queries.visible_contracts(request.user)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PrepareForm(data, contracts=contracts)
    preview = None
    if request.method == "GET" and form.is_bound and form.is_valid():
        contract, month = form.cleaned_data["contract"], form.cleaned_data["month"]
        units, amount = services.settlement_preview(contract, month)
        preview = {"units": units, "amount_fen": amount, "price_fen": contract.price_fen}
    settlement = saved(
        request,
        form,
        lambda: services.prepare_settlement(
            form.cleaned_data["contract"],
            form.cleaned_data["month"],
            by=request.user,
            note=form.cleaned_data["note"],
        ),
        _("The statement has been prepared; the partner is asked to confirm it."),
    )
    if settlement is not None:
        return redirect("campaigns:settlement", settlement_id=settlement.pk)
    return render(request, "campaigns/settlements/new.html", {"form": form, "preview": preview})


# ---- staff: one statement ----------------------------------------------------------------------

SETTLEMENT_STEPS = step_pages(
    [
        StepPage(SETTLEMENT_FLOW, SettlementStep.APPROVE, django_forms.Form),
        StepPage(SETTLEMENT_FLOW, SettlementStep.CANCEL, ReasonForm, is_danger=True),
    ]
)


def _events(settlement):
    return [
        {
            "event": event,
            "label": services.SETTLEMENT_ACTIONS.get(event.action, event.action),
        }
        for event in settlement.events.select_related("by")
    ]


@requires(Perm.VIEW_BUSINESS)
def settlement_detail_view(request, settlement_id: int):
    settlement = queries.get_settlement_for(request.user, settlement_id)
    rows = queries.settlement_rows(settlement)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/settlements/detail.html",
        {
            "settlement": settlement,
            "page": page,
            "rows_total": sum(row.amount_fen for row in rows),
            "row_count": len(rows),
            "events": _events(settlement),
            "steps": offered_pages(SETTLEMENT_STEPS, settlement, request.user),
        },
    )


def _step(request, settlement_id: int, step: str):
    settlement = queries.get_settlement_for(request.user, settlement_id, write=True)
    return run_step_button(
        request,
        SETTLEMENT_STEPS[step],
        settlement,
        back=lambda: redirect("campaigns:settlement", settlement_id=settlement.pk),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def settlement_approve_view(request, settlement_id: int):
    return _step(request, settlement_id, SettlementStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def settlement_cancel_view(request, settlement_id: int):
    return _step(request, settlement_id, SettlementStep.CANCEL)


ROWS_EXPORT = ListExport("campaigns.settlement_rows", _lazy("Settlement rows"), (
    column(_lazy("Day"), lambda row: day(row.day)), column(_lazy("Name"), "name"),
    column(_lazy("Outlet or trip"), "place"), money(_lazy("Amount (yuan)"), "amount_fen"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def settlement_export_view(request, settlement_id: int):
    settlement = queries.get_settlement_for(request.user, settlement_id)
    return ROWS_EXPORT.response(
        request, queries.settlement_rows(settlement), {"settlement": str(settlement)}
    )


# ---- the partner's pages -----------------------------------------------------------------------


@partner_page
def partner_statement_list_view(request):
    partner = request.partner_user.partner
    found = queries.partner_settlements(partner)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/settlements/partner_list.html", {"page": page})


@partner_page
def partner_statement_view(request, settlement_id: int):
    """The month's rows (names masked unless the worker consented) and the total; while it
    waits for the partner, confirm or dispute it here."""
    user = request.partner_user
    settlement = queries.get_partner_settlement(user.partner, settlement_id)
    confirm_form = PartnerConfirmForm(request.POST if "confirm" in request.POST else None)
    dispute_form = PartnerDisputeForm(request.POST if "dispute" in request.POST else None)
    if request.method == "POST":
        try:
            if "confirm" in request.POST and confirm_form.is_valid():
                services.confirm_settlement(
                    settlement, user=user, note=confirm_form.cleaned_data["note"]
                )
                messages.success(request, _("Thank you: the statement is confirmed."))
                return redirect("campaigns:partner_statement", settlement_id=settlement.pk)
            if "dispute" in request.POST and dispute_form.is_valid():
                services.dispute_settlement(
                    settlement, user=user, reason=dispute_form.cleaned_data["reason"]
                )
                messages.success(request, _("Your objection has been sent to the union."))
                return redirect("campaigns:partner_statement", settlement_id=settlement.pk)
        except RuleViolation as error:
            messages.error(request, error.message)
        except PermissionDenied:
            raise
    rows = queries.settlement_rows(settlement, partner=user.partner)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/settlements/partner_detail.html",
        {
            "settlement": settlement,
            "page": page,
            "row_count": len(rows),
            "may_answer": settlement.status == SettlementStatus.PREPARED,
            "confirm_form": confirm_form,
            "dispute_form": dispute_form,
        },
    )
