"""Claim pages: the subtree's claims with their queues and the Excel export (illness category,
never the diagnosis), entering a claim for an enrolled member with its lines and documents,
one claim with its lines and cuts, documents (downloads audited), steps and history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.listexport import ListExport, column, money
from nuanjia.core.money import yuan_to_fen
from nuanjia.core.workflow_pages import (
    ReasonForm,
    StepPage,
    apply_rule_error,
    offered_pages,
    run_step_button,
    step_pages,
)
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import documents, queries, services
from ..benefits import parse_rules
from ..forms import ApproveForm, ClaimForm, LineFormSet, approve_fields, fit_lines
from ..models import ClaimDocument
from ..rules import APPROVER_CUTS, ClaimStatus, ClaimStep, Cut, DocKind
from ..workflow import CLAIM_FLOW

PAGE_SIZE = 50

CLAIMS_EXPORT = ListExport("mutualaid.claims", _lazy("Mutual aid claims"), (
    column(_lazy("Number"), str), column(_lazy("Plan"), "plan.name"),
    column(_lazy("Union"), "org.name"), column(_lazy("Illness category"), "illness"),
    column(_lazy("Service date"), "service_on"), column(_lazy("Status"), "get_status_display"),
    money(_lazy("Asked (yuan)"), "asked_fen"), money(_lazy("Proposed (yuan)"), "proposed_fen"),
    money(_lazy("Approved (yuan)"), "approved_fen"),
))  # fmt: skip


def _filtered(request):
    found = queries.visible_claims(request.user)
    queue = request.GET.get("queue", "")
    if queue in queries.QUEUES:
        found = found.filter(status__in=queries.QUEUES[queue])
    status = request.GET.get("status", "")
    if status in ClaimStatus.values:
        found = found.filter(status=status)
    return found, queue


@requires(Perm.VIEW_BUSINESS)
def claim_list_view(request):
    found, queue = _filtered(request)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mutualaid/claims.html",
        {"page": page, "queue": queue, "statuses": ClaimStatus.choices},
    )


@requires(Perm.VIEW_BUSINESS)
def claim_export_view(request):
    found, queue = _filtered(request)
    return CLAIMS_EXPORT.response(
        request,
        found.iterator(chunk_size=2000),
        {"queue": queue, "status": request.GET.get("status", "")},
    )


def _money(value) -> int:
    return yuan_to_fen(value) if value is not None else 0


def _lines(formset) -> list[services.LineData]:
    lines = []
    for form in formset.forms:
        data = form.cleaned_data if form.is_valid() else {}
        if not data or not any(data.get(name) for name in ("invoice_number", "asked", "total")):
            continue
        lines.append(
            services.LineData(
                asked_fen=_money(data.get("asked")), total_fen=_money(data.get("total")),
                insurance_fen=_money(data.get("insurance")), self_paid_fen=_money(data.get("self_paid")),
                eligible_fen=_money(data.get("eligible")), invoice_code=data.get("invoice_code") or "",
                invoice_number=data.get("invoice_number") or "", check_code=data.get("check_code") or "",
            )
        )  # fmt: skip
    return lines


def claim_data(form: ClaimForm, formset: Any, files: Any) -> services.ClaimData:
    values = form.cleaned_data
    return services.ClaimData(
        illness=values["illness"], episode=values.get("episode") or "", diagnosis=values.get("diagnosis") or "",
        hospital=values["hospital"], service_on=values["service_on"], discharged_on=values.get("discharged_on"),
        consent=bool(values.get("consent")), lines=_lines(formset), bank_name=values.get("bank_name") or "",
        account=values.get("account") or "",
        documents={kind.value: files.get(f"doc_{kind.value}") for kind in DocKind},
    )  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def claim_new_view(request, ma_enrolment_id: int):
    """Enter a claim for the enrolment's member: lines per invoice, documents, consent."""
    enrolment = queries.get_enrolment_for(
        request.user, ma_enrolment_id, write=request.method == "POST"
    )
    version = services.version_on(enrolment.plan, enrolment.starts_on)
    illnesses = parse_rules(enrolment.plan.kind, version.rules).illnesses
    posted = request.method == "POST"
    form = ClaimForm(
        request.POST if posted else None, request.FILES if posted else None, illnesses=illnesses
    )
    formset = LineFormSet(request.POST if posted else None, prefix="line")
    if posted and form.is_valid() and formset.is_valid():
        try:
            claim = services.submit_claim(
                enrolment.plan,
                enrolment.worker,
                claim_data(form, formset, request.FILES),
                by=request.user,
            )
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(
                request,
                _("The claim has been entered and checked: %(amount)s yuan proposed.")
                % {"amount": claim.proposed_fen / 100},
            )
            return redirect("mutualaid:claim", ma_claim_id=claim.pk)
    return render(
        request,
        "mutualaid/claim_new.html",
        {"enrolment": enrolment, "form": form, "formset": formset, "fixed": bool(illnesses)},
    )


CLAIM_STEPS = step_pages(
    [
        StepPage(CLAIM_FLOW, ClaimStep.REVIEW, django_forms.Form),
        StepPage(CLAIM_FLOW, ClaimStep.APPROVE, ApproveForm, fields=approve_fields, fit=fit_lines),
        StepPage(CLAIM_FLOW, ClaimStep.REFUSE, ReasonForm, is_danger=True),
    ]
)


def cut_text(cut: list[Any]) -> str:
    label = str(Cut(cut[0]).label) if cut[0] in Cut.values else cut[0]
    if cut[0] == Cut.DUPLICATE_INVOICE and len(cut) > 2:
        return _("%(label)s (already reimbursed in %(cities)s)") % {
            "label": label,
            "cities": cut[2],
        }
    if len(cut) > 2 and cut[2]:
        return f"{label}: {cut[2]}"
    return label


@requires(Perm.VIEW_BUSINESS)
def claim_detail_view(request, ma_claim_id: int):
    claim = queries.get_claim_for(request.user, ma_claim_id)
    lines = [
        {
            "line": line,
            "cuts": [(cut_text(cut), cut[1]) for cut in line.cuts],
            "proposed_yuan": f"{Decimal(line.proposed_fen) / 100:.2f}",
        }
        for line in claim.lines.all()
    ]
    events = list(claim.events.select_related("by"))
    return render(request, "mutualaid/claim_detail.html", {
        "claim": claim, "lines": lines, "events": events, "documents": claim.documents.all(),
        "steps": offered_pages(CLAIM_STEPS, claim, request.user),
        "approver_cuts": [(code.value, code.label) for code in APPROVER_CUTS],
    })  # fmt: skip


def _step(request, ma_claim_id: int, step: str):
    claim = queries.get_claim_for(request.user, ma_claim_id, write=True)
    return run_step_button(
        request,
        CLAIM_STEPS[step],
        claim,
        back=lambda: redirect("mutualaid:claim", ma_claim_id=claim.pk),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def claim_review_view(request, ma_claim_id: int):
    return _step(request, ma_claim_id, ClaimStep.REVIEW)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def claim_approve_view(request, ma_claim_id: int):
    return _step(request, ma_claim_id, ClaimStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def claim_refuse_view(request, ma_claim_id: int):
    return _step(request, ma_claim_id, ClaimStep.REFUSE)


@requires(Perm.VIEW_BUSINESS)
def claim_document_view(request, ma_claim_id: int, ma_document_id: int):
    """A document of the claim, for the claim's reviewers (its scope); every download audited."""
    claim = queries.get_claim_for(request.user, ma_claim_id)
    document = ClaimDocument.objects.filter(claim=claim, pk=ma_document_id).first()
    if document is None:
        from django.http import Http404

        raise Http404
    record_event(
        claim,
        "mutualaid.document_read",
        by=request.user,
        changes={"document": document.pk, "kind": document.kind},
    )
    return documents.download(document)
