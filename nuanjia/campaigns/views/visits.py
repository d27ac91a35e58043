"""Visit pages (慰问): the visits of an activity in the viewer's subtree with their cash and
goods, the form that records one (a registry worker, cash in 元 as a relief grant, goods from
the union's stock), and cancelling one recorded in error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt
from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column, money
from nuanjia.core.money import yuan_to_fen
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import get_scoped_or_404, visible_orgs
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from .. import queries, services
from ..models import GoodsItem, Stock, Visit
from ..rules import VisitStatus
from ..tabs import activity_context

PAGE_SIZE = 50
GOODS_ROWS = 3

VISIT_EXPORT = ListExport(
    "campaigns.visits",
    pgettext_lazy("campaign", "Visits"),
    (
        column(gettext_lazy("Name"), "worker.name"),
        column(gettext_lazy("ID number"), "worker.id_number_masked"),
        column(gettext_lazy("Visiting union"), "org.name"),
        column(gettext_lazy("Visited on"), "visited_on"),
        money(gettext_lazy("Cash"), lambda visit: visit.grant.amount_fen if visit.grant else None),
        column(
            gettext_lazy("Grant status"),
            lambda visit: visit.grant.get_status_display() if visit.grant else "",
        ),
        column(
            gettext_lazy("Goods"),
            lambda visit: "、".join(
                f"{h.item.name}{h.quantity}{h.item.unit}"
                for h in visit.handouts.all()
                if not h.returned
            ),
        ),
        column(gettext_lazy("Status"), "get_status_display"),
        column(gettext_lazy("Warnings"), lambda visit: "；".join(visit.warnings)),
    ),
    limit=CSV_ABOVE_ROWS,
)


class VisitForm(forms.Form):
    worker = forms.IntegerField(label=gettext_lazy("Registry number"), min_value=1)
    cash_yuan = forms.DecimalField(
        label=gettext_lazy("Cash (yuan)"), required=False, min_value=Decimal(0), decimal_places=2
    )
    visited_on = forms.DateField(
        label=gettext_lazy("Visited on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(GOODS_ROWS):
            self.fields[f"item_{n}"] = forms.ModelChoiceField(
                label=gettext_lazy("Goods"), queryset=items, required=False
            )
            self.fields[f"quantity_{n}"] = forms.IntegerField(
                label=gettext_lazy("Quantity"), min_value=1, max_value=1000, required=False
            )

    def goods(self) -> list[tuple[GoodsItem, int]]:
        data = self.cleaned_data
        return [
            (data[f"item_{n}"], data[f"quantity_{n}"] or 1)
            for n in range(GOODS_ROWS)
            if data.get(f"item_{n}")
        ]


def visit_rows(request: Any, activity: Any) -> Any:
    """The visits of the viewer's subtree, filtered as the page and its export show them."""
    visits = queries.scoped(
        Visit.objects.filter(activity=activity).select_related("worker", "org", "grant"),
        request.user,
    ).prefetch_related("handouts__item")
    status = request.GET.get("status", "")
    if status in VisitStatus.values:
        visits = visits.filter(status=status)
    if code := request.GET.get("org", "").strip():
        union = visible_orgs(request.user).filter(code=code).first()
        visits = visits.filter(org__path__startswith=union.path) if union else visits.none()
    return visits


def _record(request: Any, activity: Any, form: VisitForm) -> Visit | None:
    worker = get_worker_for(request.user, form.cleaned_data["worker"])
    cash = form.cleaned_data.get("cash_yuan")
    try:
        visit = services.record_visit(
            activity,
            worker,
            request.user.org,
            by=request.user,
            cash_fen=yuan_to_fen(cash) if cash else None,
            goods=form.goods(),
            visited_on=form.cleaned_data["visited_on"],
            note=form.cleaned_data.get("note") or "",
        )
    except RuleViolation as error:
        if error.field == "cash_fen":
            error = RuleViolation(error.message, field="cash_yuan", code=error.code)
        apply_rule_error(form, error)
        return None
    return visit


@requires(Perm.VIEW_BUSINESS)
def visits_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id, write=request.method == "POST")
    org = request.user.org
    in_stock = Stock.objects.filter(org=org).values("item_id")
    form = VisitForm(
        request.POST or None,
        items=GoodsItem.objects.filter(is_active=True, pk__in=in_stock),
        initial={"cash_yuan": Decimal(activity.cash_fen) / 100 if activity.cash_fen else None},
    )
    if request.method == "POST" and form.is_valid():
        visit = _record(request, activity, form)
        if visit is not None:
            messages.success(request, _("The visit has been recorded."))
            for warning in visit.warnings:
                messages.warning(request, warning)
            return redirect("campaigns:visits", activity_id=activity.pk)
    visits = visit_rows(request, activity)
    if request.GET.get("export"):
        return VISIT_EXPORT.download(request, visits, dict(request.GET.items()))
    live = visits.filter(status=VisitStatus.DONE)
    return render(
        request,
        "campaigns/visits.html",
        activity_context(
            activity,
            "visits",
            form=form,
            page=Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page")),
            count=live.count(),
            cash_fen=live.aggregate(total=Sum("grant__amount_fen"))["total"] or 0,
            statuses=VisitStatus.choices,
            status=request.GET.get("status", ""),
            org_code=request.GET.get("org", ""),
            query=f"status={request.GET.get('status', '')}&org={request.GET.get('org', '')}",
            may_record=services.may_act_for(request.user, org),
        ),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def visit_cancel_view(request, visit_id: int):
    visit = get_scoped_or_404(
        queries.scoped(Visit.objects.all(), request.user), request.user, write=True, pk=visit_id
    )
    attempt(
        request,
        lambda: services.cancel_visit(
            visit, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("The visit has been cancelled; its goods are back in stock."),
    )
    return redirect("campaigns:visits", activity_id=visit.activity_id)
