"""Partners' contracts of an activity (合作机构): the list with price, days and account (masked),
the form that signs one, and ending one."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.flash import attempt, saved
from nuanjia.core.money import yuan_to_fen
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries, queries_contracts, services
from ..forms_contracts import ContractForm
from ..rules import ActivityKind
from ..tabs import activity_context


def _form(request, activity):
    kind = services.PARTNER_KIND_FOR[ActivityKind(activity.kind)]
    return ContractForm(
        request.POST if request.method == "POST" else None,
        partners=queries_contracts.partners_to_sign(request.user, activity, kind),
        earmarks=activity.campaign.earmarks.all(),
        checks=activity.kind == ActivityKind.HEALTH_CHECK,
    )


def _sign(request, activity, data):
    return services.sign_contract(
        activity,
        data["partner"],
        org=request.user.org,
        earmark=data["earmark"],
        price_fen=yuan_to_fen(data["price_yuan"]),
        capacity_per_day=data.get("capacity_per_day"),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        payee_name=data["payee_name"],
        bank_name=data["bank_name"],
        bank_account=data["bank_account"],
        by=request.user,
    )


@requires(Perm.VIEW_BUSINESS)
def contracts_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id)
    if ActivityKind(activity.kind) not in services.PARTNER_KIND_FOR:
        return redirect("campaigns:activity", activity_id=activity.pk)
    may_sign = services.may_act_for(request.user, request.user.org)
    form = _form(request, activity) if may_sign else None
    if (
        form is not None
        and request.method == "POST"
        and form.is_valid()
        and saved(
            request,
            form,
            lambda: _sign(request, activity, form.cleaned_data),
            _("The contract has been recorded."),
        )
    ):
        return redirect("campaigns:contracts", activity_id=activity.pk)
    contracts = queries_contracts.contracts_of(request.user, activity)
    return render(
        request,
        "campaigns/contracts.html",
        activity_context(
            activity,
            "partners",
            contracts=contracts,
            form=form,
            may_end={c.pk for c in contracts if services.may_act_for(request.user, c.org)},
        ),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def contract_end_view(request, contract_id: int):
    contract = queries_contracts.get_contract_for(request.user, contract_id, write=True)
    attempt(
        request,
        lambda: services.end_contract(
            contract, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("The contract has ended."),
    )
    return redirect("campaigns:contracts", activity_id=contract.activity_id)
