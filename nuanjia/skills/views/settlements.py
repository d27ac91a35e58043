"""Training subsidy settlement pages: the settlements in scope by status, preparing a course's
settlement, one settlement with its trainees counted, its history and its step buttons
(approve by another person, cancel)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.flash import attempt
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..rules import SettlementStatus, SettlementStep
from ..workflow import SETTLEMENT_FLOW

SETTLEMENT_STEPS = step_pages(
    [
        StepPage(SETTLEMENT_FLOW, SettlementStep.APPROVE, forms.NoteForm),
        StepPage(SETTLEMENT_FLOW, SettlementStep.CANCEL, forms.ReasonForm, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def settlement_list_view(request):
    rows = queries.visible_settlements(request.user)
    status = request.GET.get("status", "")
    if status in SettlementStatus.values:
        rows = rows.filter(status=status)
    return render(request, "skills/settlement_list.html", {
        "rows": rows.order_by("-created_at", "-pk")[:200], "statuses": SettlementStatus.choices,
        "chosen": status,
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def settlement_prepare_view(request, sk_course_id: int):
    course = queries.get_course_for(request.user, sk_course_id, write=True)
    made: list = []
    attempt(request, lambda: made.append(services.prepare_settlement(course, by=request.user)),
            _("The settlement has been prepared; another person approves it."))  # fmt: skip
    if made:
        return redirect("skills:settlement", sk_settlement_id=made[0].pk)
    return redirect("skills:course", sk_course_id=course.pk)


@requires(Perm.VIEW_BUSINESS)
def settlement_detail_view(request, sk_settlement_id: int):
    settlement = queries.get_settlement_for(request.user, sk_settlement_id)
    return render(request, "skills/settlement_detail.html", {
        "settlement": settlement, "events": settlement.events.select_related("by").order_by("pk"),
        "steps": offered_pages(SETTLEMENT_STEPS, settlement, request.user),
        "trainees": services.counted(settlement.course).select_related("worker")[:500],
        "actions": services.SETTLEMENT_ACTIONS,
    })  # fmt: skip


def settlement_step_view(step: str):
    @requires(Perm.VIEW_BUSINESS)
    @require_POST
    def view(request, sk_settlement_id: int):
        settlement = queries.get_settlement_for(request.user, sk_settlement_id, write=True)
        return run_step_button(
            request, SETTLEMENT_STEPS[step], settlement,
            back=lambda: redirect("skills:settlement", sk_settlement_id=settlement.pk),
        )  # fmt: skip

    view.__name__ = f"settlement_{step}_view"
    return view
