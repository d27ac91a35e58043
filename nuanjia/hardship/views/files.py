"""One file: its page with the steps the user may take, and each step's page (FLOW.take_step)."""

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import StepPage, apply_rule_error, offered_pages, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Household, HouseholdMember

from .. import forms, queries, rules, services
from ..models import HardshipFile
from ..rules import Category, ExitReason, Status, Step
from ..workflow import FLOW
from .common import _on_form


def _fen(data, key):
    return forms.to_fen(data.get(key))


def _visit_fields(data) -> dict:
    return {
        "visited_on": data["visited_on"],
        "consent_signed_on": data["consent_signed_on"],
        "consent_evidence": data["consent_evidence"],
        "sudden_cause": data["sudden_cause"],
        "sudden_compensation_fen": _fen(data, "sudden_compensation") or 0,
        "note": data["note"],
    }


def _review_fields(data) -> dict:
    return {
        "civil_affairs_note": data["civil_affairs_note"],
        "category": data["category"],
        "monthly_standard_fen": _fen(data, "monthly_standard"),
        "note": data["note"],
    }


def _complete_review_fields(data) -> dict:
    return {
        "category": data["category"] or None,
        "monthly_standard_fen": _fen(data, "monthly_standard"),
        "note": data["note"],
    }


def _exit_fields(data) -> dict:
    fields = {
        "reason": data["exit_reason"],
        "note": data["note"],
        "gradual_exit_months": data["gradual_exit_months"] or None,
        "gradual_exit_monthly_fen": _fen(data, "gradual_exit_monthly"),
    }
    if data.get("pending_change"):
        fields["pending_change"] = data["pending_change"]
    return fields


# Every step a page offers, in the declaration's order; each POSTs through FLOW.take_step.
STEP_PAGES: dict[str, StepPage] = step_pages(
    [
        StepPage(FLOW, Step.CHECK, forms.NoteForm),
        StepPage(FLOW, Step.VISIT, forms.VisitForm, fields=_visit_fields),
        StepPage(FLOW, Step.REVIEW, forms.ReviewForm, fields=_review_fields),
        StepPage(FLOW, Step.PUBLISH, forms.PublishForm),
        StepPage(FLOW, Step.APPROVE, forms.NoteForm),
        StepPage(FLOW, Step.FILE, django_forms.Form),
        StepPage(FLOW, Step.START_REVIEW, forms.StartReviewForm),
        StepPage(FLOW, Step.COMPLETE_REVIEW, forms.CompleteReviewForm, _complete_review_fields),
        StepPage(FLOW, Step.PROPOSE_EXIT, forms.ProposeExitForm, is_danger=True),
        StepPage(FLOW, Step.EXIT, forms.ExitForm, fields=_exit_fields, is_danger=True),
        StepPage(FLOW, Step.END_GRADUAL_EXIT, forms.NoteForm),
        StepPage(FLOW, Step.RE_ENTER, forms.RequiredNoteForm),
        StepPage(FLOW, Step.REOPEN_REVIEW, forms.RequiredNoteForm),
        StepPage(FLOW, Step.SEND_BACK, forms.RequiredNoteForm, is_danger=True),
        StepPage(FLOW, Step.REJECT, forms.RequiredNoteForm, is_danger=True),
        StepPage(FLOW, Step.WITHDRAW, forms.RequiredNoteForm, is_danger=True),
    ]
)


def _step_initial(hardship_file: HardshipFile, step: str) -> dict:
    if step == Step.REVIEW:
        suggested = rules.default_monthly_standard_fen(
            hardship_file.category_proposed, hardship_file.dibao_fen or 0
        )
        return {
            "category": hardship_file.category_proposed or Category.RELATIVE,
            "monthly_standard": forms.to_yuan(suggested) if suggested else None,
        }
    if step == Step.EXIT:
        policy = queries.policy_for(hardship_file.region_code)
        return {
            "exit_reason": hardship_file.exit_reason or ExitReason.INCOME,
            "pending_change": "apply",
            "gradual_exit_monthly": forms.to_yuan(
                rules.gradual_exit_cap_fen(hardship_file.monthly_standard_fen, policy)
            ),
        }
    return {}


def _available_now(hardship_file: HardshipFile, spec) -> bool:
    """Approval is offered only once the publicity has ended (the page says when)."""
    return spec.name != Step.APPROVE or hardship_file.publicity_has_ended


@requires(Perm.VIEW_BUSINESS)
def file_detail_view(request, file_id: int):
    hardship_file = queries.get_file_for(request.user, file_id)
    user = request.user
    household = hardship_file.household
    policy = queries.policy_for(hardship_file.region_code)
    context = {
        "file": hardship_file,
        "worker": household.worker,
        "household": household,
        "members": household.members.order_by("pk"),
        "events": queries.file_history(hardship_file),
        "objections": hardship_file.objections.select_related("recorded_by", "resolved_by"),
        "steps": offered_pages(STEP_PAGES, hardship_file, user, available=_available_now),
        "can_object": hardship_file.status == Status.IN_PUBLICITY
        and bool(rules.OBJECTION_ROLES & user.roles),
        "can_resolve": bool(rules.RESOLVE_OBJECTION_ROLES & user.roles),
        "can_change": hardship_file.status in services.CHANGEABLE_STATUSES
        and bool(rules.PROPOSE_CHANGE_ROLES & user.roles),
        "policy": policy,
        "gradual_cap_fen": rules.gradual_exit_cap_fen(hardship_file.monthly_standard_fen, policy),
        "show_gradual_hint": hardship_file.status in rules.FILED_STATUSES
        and hardship_file.monthly_standard_fen > 0,
        "pending_change": _describe_change(hardship_file),
        "exit_figures": queries.exit_figures(hardship_file),
    }
    return render(request, "hardship/file_detail.html", context)


def _describe_change(hardship_file: HardshipFile) -> list[str]:
    """The pending change in words, for the reviewer who decides it."""
    change = hardship_file.pending_change or {}
    members = {member.pk: member.name for member in hardship_file.household.members.all()}
    lines = []
    for member_id, values in (change.get("members") or {}).items():
        for field, value in values.items():
            label = forms.MONEY_LABELS.get(field) or _field_label(HouseholdMember, field)
            lines.append(
                f"{members.get(int(member_id), member_id)} · {label}: {_shown(field, value)}"
            )
    for values in change.get("add") or []:
        lines.append(_("New member: %(name)s") % {"name": values.get("name", "")})
    for member_id in change.get("remove") or []:
        lines.append(
            _("Member leaves the household: %(name)s") % {"name": members.get(member_id, member_id)}
        )
    for field, value in (change.get("household") or {}).items():
        lines.append(f"{_field_label(Household, field)}: {_shown(field, value)}")
    return lines


def _field_label(model, field: str) -> str:
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field the model no longer has: show its name
        return field


def _shown(field: str, value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.endswith("_fen") and isinstance(value, int):
        return rules.format_yuan(value)
    return str(value)


@requires(Perm.VIEW_BUSINESS)
def step_view(request, file_id: int, step: str):
    """One step on one file: its form (GET) and FLOW.take_step (POST). Like
    core.workflow_pages.run_step_page, with the form opened on the file's own figures."""
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    FLOW.authorize(request.user, step, hardship_file, request.path)
    page = STEP_PAGES[step]
    form = page.form(
        request.POST if request.method == "POST" else None,
        initial=_step_initial(hardship_file, step),
    )
    if hasattr(form, "for_file"):
        form.for_file(hardship_file)
    if request.method == "POST" and form.is_valid():
        try:
            FLOW.take_step(
                hardship_file,
                step,
                by=request.user,
                where=request.path,
                **page.fields(form.cleaned_data),
            )
        except RuleViolation as error:
            apply_rule_error(form, _on_form(error))
        else:
            hardship_file.refresh_from_db()
            messages.success(
                request,
                _("%(step)s: done. The file is now %(status)s.")
                % {"step": page.label, "status": hardship_file.get_status_display()},
            )
            return redirect("hardship:detail", file_id=hardship_file.pk)
    context = {
        "file": hardship_file,
        "form": form,
        "page": page,
        "pending_change": _describe_change(hardship_file),
        # The figure the decision rests on: re-computed with the pending change applied.
        "preview": services.preview_review(hardship_file) if step == Step.COMPLETE_REVIEW else None,
    }
    return render(request, "hardship/step.html", context)
