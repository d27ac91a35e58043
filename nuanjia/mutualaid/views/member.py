"""The member's mutual aid pages under /m/: their cover (term, cover start, waiting-period
end), their claims and where each stands, and a claim entered from the phone with its
documents and the health-data consent, and the documents of their own claims (every
download audited). Only their own enrolments and claims: anything else is 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.members.auth import member_page

from .. import documents, services
from ..benefits import parse_rules
from ..forms import ClaimForm, LineFormSet
from ..models import Claim, ClaimDocument, Enrolment
from ..rules import EnrolmentStatus, Via
from .claims import claim_data


def _mine(member):
    if member.worker_id is None:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(worker_id=member.worker_id)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("plan")
    )


@member_page
def my_cover_view(request):
    member = request.member
    claims = (
        Claim.objects.filter(worker_id=member.worker_id)
        .select_related("plan")
        .prefetch_related("documents")
        if member.worker_id
        else []
    )
    return render(
        request,
        "mutualaid/my_cover.html",
        {"enrolments": _mine(member), "claims": claims, "bound": member.worker_id is not None},
    )


@member_page
def my_claim_view(request, ma_enrolment_id: int):
    enrolment = _mine(request.member).filter(pk=ma_enrolment_id).first()
    if enrolment is None:
        raise Http404
    illnesses = parse_rules(
        enrolment.plan.kind, services.version_on(enrolment.plan, enrolment.starts_on).rules
    ).illnesses
    posted = request.method == "POST"
    form = ClaimForm(
        request.POST if posted else None, request.FILES if posted else None, illnesses=illnesses
    )
    formset = LineFormSet(request.POST if posted else None, prefix="line")
    if posted and form.is_valid() and formset.is_valid():
        try:
            services.submit_claim(
                enrolment.plan, enrolment.worker, claim_data(form, formset, request.FILES), by=None,
                via=Via.MEMBER, actor_label=f"member:{request.member.pk}",
            )  # fmt: skip
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(request, _("Your claim has been received; your union will review it."))
            return redirect("mutualaid:my_cover")
    return render(
        request,
        "mutualaid/my_claim.html",
        {"enrolment": enrolment, "form": form, "formset": formset, "fixed": bool(illnesses)},
    )


@member_page
def my_document_view(request, ma_claim_id: int, ma_document_id: int):
    """A document of one of the member's own claims; every download audited."""
    member = request.member
    document = (
        ClaimDocument.objects.select_related("claim")
        .filter(pk=ma_document_id, claim_id=ma_claim_id, claim__worker_id=member.worker_id)
        .first()
        if member.worker_id
        else None
    )
    if document is None:
        raise Http404
    record_event(
        document.claim, "mutualaid.document_read", by=None, org=document.claim.org,
        changes={"document": document.pk, "kind": document.kind},
        actor_label=f"member:{member.pk}",
    )  # fmt: skip
    return documents.download(document)
