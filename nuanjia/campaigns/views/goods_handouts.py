"""An activity's goods handed out: the list (by union, item, named or bulk) with totals that
add up, its Excel export, a bulk hand-out with the signature record, a return to stock, and
the signed list's download."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core.flash import attempt, saved
from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from .. import forms_goods as forms
from .. import queries, queries_goods, services
from ..rules import CampaignStatus
from ..tabs import activity_context
from .goods import PAGE_SIZE, _query_string


def _recipient(handout) -> str:
    return handout.worker.name if handout.worker_id else handout.recipient_group


HANDOUT_EXPORT = ListExport("campaigns.handouts", _lazy("Goods handed out"), (
    column(_lazy("Union"), "org.name"), column(_lazy("Item"), "item.name"),
    column(pgettext_lazy("goods", "Unit"), "item.unit"), column(_lazy("Quantity"), "quantity"),
    column(_lazy("Recipient"), _recipient), column(_lazy("People"), "people_count"),
    column(_lazy("Received and signed by"), "signed_by_name"),
    column(_lazy("Signed on"), "signed_on"), column(_lazy("Recorded at"), "recorded_at"),
), limit=CSV_ABOVE_ROWS)  # fmt: skip


def _orgs(request):
    return visible_orgs(request.user).filter(is_active=True).order_by("path")


def _filtered(request, activity):
    form = forms.HandoutFilterForm(request.GET or None, orgs=_orgs(request))
    filters = queries_goods.HandoutFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries_goods.HandoutFilters(
            org=data["org"], item=data["item"], kind=data["kind"]
        )
    rows = queries_goods.activity_handouts(request.user, activity, filters)
    shown = {"org": getattr(filters.org, "code", ""), "item": getattr(filters.item, "pk", "")}
    return form, rows, {**shown, "kind": filters.kind}


def _may_hand_out(request, activity) -> bool:
    return activity.campaign.status == CampaignStatus.OPEN and services.may_act_for(
        request.user, request.user.org
    )


@requires(Perm.VIEW_BUSINESS)
def handout_list_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id)
    form, rows, _filters = _filtered(request, activity)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = activity_context(
        activity,
        "handouts",
        page=page,
        form=form,
        by_item=queries_goods.goods_by_item(rows),
        totals=queries_goods.goods_totals(rows),
        query=_query_string(request),
        may_hand_out=_may_hand_out(request, activity),
    )
    return render(request, "campaigns/goods/handout_list.html", context)


@requires(Perm.VIEW_BUSINESS)
def handout_export_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id)
    _form, rows, filters = _filtered(request, activity)
    return HANDOUT_EXPORT.download(request, rows, {"activity": activity.pk, **filters})


@requires(Perm.VIEW_BUSINESS)
def handout_new_view(request, activity_id: int):
    """A bulk hand-out: item, quantity, site or team, the count of people, and the receiving
    person's name and date or a photo of the signed list."""
    activity = queries.get_activity_for(request.user, activity_id)
    form = forms.BulkHandoutForm(
        request.POST or None,
        request.FILES or None,
        orgs=_orgs(request),
        initial={"org": request.user.org},
    )
    handout = saved(
        request,
        form,
        lambda: services.hand_out(activity, by=request.user, **form.cleaned_data),
        _("The hand-out has been recorded."),
    )
    if handout is not None:
        return redirect("campaigns:handouts", activity_id=activity.pk)
    context = activity_context(activity, "handouts", form=form)
    return render(request, "campaigns/goods/handout_form.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def handout_return_view(request, handout_id: int):
    handout = queries_goods.get_handout_for(request.user, handout_id, write=True)
    attempt(
        request,
        lambda: services.return_handout(
            handout, reason=request.POST.get("reason", ""), by=request.user
        ),
        _("The goods are back in stock."),
    )
    return redirect("campaigns:handouts", activity_id=handout.activity_id)


@requires(Perm.VIEW_BUSINESS)
def handout_signed_list_view(request, handout_id: int):
    handout = queries_goods.get_handout_for(request.user, handout_id)
    return services.download_signed_list(handout, by=request.user)
