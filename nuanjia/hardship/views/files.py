"""One file: its page with the steps the user may take, and each step's page (FLOW.take_step)."""

from django import forms as django_forms
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.money import fen_to_yuan
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_page, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Household, HouseholdMember

from .. import forms, queries, rules, services
from ..models import HardshipFile
from ..panels import panels_for
from ..rules import Category, ExitReason, Status, Step
from ..workflow import FLOW


def _visit_fields(data) -> dict:
    return {**data, "sudden_compensation_fen": data["sudden_compensation_fen"] or 0}


def _complete_review_fields(data) -> dict:
    return {**data, "category": data["category"] or None}


def _exit_fields(data) -> dict:
    fields = {
        "reason": data["exit_reason"],
        "note": data["note"],
        "gradual_exit_months": data["gradual_exit_months"] or None,
        "gradual_exit_monthly_fen": data["gradual_exit_monthly_fen"],
    }
    if data.get("pending_change"):
        fields["pending_change"] = data["pending_change"]
    return fields


def _review_initial(hardship_file: HardshipFile) -> dict:
    suggested = rules.default_monthly_standard_fen(
        hardship_file.category_proposed, hardship_file.dibao_fen or 0
    )
    return {
        "category": hardship_file.category_proposed or Category.RELATIVE,
        "monthly_standard": fen_to_yuan(suggested) if suggested else None,
    }


def _exit_initial(hardship_file: HardshipFile) -> dict:
    policy = queries.policy_for(hardship_file.region_code)
    return {
        "exit_reason": hardship_file.exit_reason or ExitReason.INCOME,
        "pending_change": "apply",
        "gradual_exit_monthly": fen_to_yuan(
            rules.gradual_exit_cap_fen(hardship_file.monthly_standard_fen, policy)
        ),
    }


STANDARD_IN_YUAN = {"monthly_standard": "monthly_standard_fen"}

# Every step a page offers, in the declaration's order; each POSTs through FLOW.take_step.
STEP_PAGES: dict[str, StepPage] = step_pages(
    [
        StepPage(FLOW, Step.CHECK, forms.NoteForm),
        StepPage(
            FLOW,
            Step.VISIT,
            forms.VisitForm,
            fields=_visit_fields,
            yuan={"sudden_compensation": "sudden_compensation_fen"},
        ),
        StepPage(
            FLOW, Step.REVIEW, forms.ReviewForm, initial=_review_initial, yuan=STANDARD_IN_YUAN
        ),
        StepPage(FLOW, Step.PUBLISH, forms.PublishForm),
        StepPage(FLOW, Step.APPROVE, forms.NoteForm),
        StepPage(FLOW, Step.FILE, django_forms.Form),
        StepPage(FLOW, Step.START_REVIEW, forms.StartReviewForm),
        StepPage(
            FLOW,
            Step.COMPLETE_REVIEW,
            forms.CompleteReviewForm,
            fields=_complete_review_fields,
            yuan=STANDARD_IN_YUAN,
        ),
        StepPage(FLOW, Step.PROPOSE_EXIT, forms.ProposeExitForm, is_danger=True),
        StepPage(
            FLOW,
            Step.EXIT,
            forms.ExitForm,
            fields=_exit_fields,
            is_danger=True,
            initial=_exit_initial,
            yuan={"gradual_exit_monthly": "gradual_exit_monthly_fen"},
            fit=forms.ExitForm.for_file,
        ),
        StepPage(FLOW, Step.END_GRADUAL_EXIT, forms.NoteForm),
        StepPage(FLOW, Step.RE_ENTER, forms.RequiredNoteForm),
        StepPage(FLOW, Step.REOPEN_REVIEW, forms.RequiredNoteForm),
        StepPage(FLOW, Step.SEND_BACK, forms.RequiredNoteForm, is_danger=True),
        StepPage(FLOW, Step.REJECT, forms.RequiredNoteForm, is_danger=True),
        StepPage(FLOW, Step.WITHDRAW, forms.RequiredNoteForm, is_danger=True),
    ]
)


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
        "panels": panels_for(hardship_file),
        **_attachments_context(hardship_file, user),
    }
    return render(request, "hardship/file_detail.html", context)


def _attachments_context(hardship_file: HardshipFile, user) -> dict:
    attachments = list(queries.file_attachments(hardship_file))
    can_attach = services.takes_attachments(hardship_file) and bool(
        rules.ATTACHMENT_ROLES & user.roles
    )
    return {
        "attachments": attachments,
        "attachments_kept": sum(1 for attachment in attachments if not attachment.removed_at),
        "can_attach": can_attach,
        "attachment_form": forms.AttachmentForm() if can_attach else None,
    }


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
    """One step on one file: its form, opened on the file's own figures (GET), and
    FLOW.take_step (POST)."""
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    page = STEP_PAGES[step]
    FLOW.authorize(request.user, page.step, hardship_file, request.path)
    context = {
        "file": hardship_file,
        "pending_change": _describe_change(hardship_file),
        # The figure the decision rests on: re-computed with the pending change applied.
        "preview": services.preview_review(hardship_file) if step == Step.COMPLETE_REVIEW else None,
    }
    return run_step_page(
        request,
        page,
        hardship_file,
        template="hardship/step.html",
        context=context,
        done=lambda result: redirect("hardship:detail", file_id=result.pk),
        message=lambda result: (
            _("%(step)s: done. The file is now %(status)s.")
            % {"step": page.label, "status": result.get_status_display()}
        ),
    )
