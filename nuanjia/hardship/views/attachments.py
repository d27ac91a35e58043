"""A file's attachments: adding one (from the file page or its own page), downloading one
(audited, never cached), removing one with a reason."""

from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, rules, services
from ..models import HardshipFile


def _attachment_page(
    request,
    hardship_file: HardshipFile,
    form: django_forms.Form,
    act: Callable[[dict], str],
    page: dict,
):
    """GET: the form. POST: `act(cleaned_data)` (it says what was done), then back to the
    file's attachments; a refusal lands on the form with nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            done = act(form.cleaned_data)
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(request, done)
            response = redirect("hardship:detail", file_id=hardship_file.pk)
            response["Location"] += "#attachments"
            return response
    context = {"file": hardship_file, "form": form, "page": page}
    return render(request, "hardship/attachment_form.html", context)


@requires(Perm.VIEW_BUSINESS)
def attachment_add_view(request, file_id: int):
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.ATTACHMENT_ROLES, "attachment_added", request.path)
    posted = request.method == "POST"
    form = forms.AttachmentForm(request.POST if posted else None, request.FILES if posted else None)

    def add(data) -> str:
        attachment = services.add_attachment(
            hardship_file, data["file"], kind=data["kind"], by=request.user
        )
        return _("Attached: %(name)s.") % {"name": attachment.name}

    page = {"label": _("Add an attachment"), "multipart": True}
    return _attachment_page(request, hardship_file, form, add, page)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def attachment_download_view(request, file_attachment_id: int):
    attachment = queries.get_attachment_for(request.user, file_attachment_id)
    return services.download_attachment(attachment, by=request.user)


@requires(Perm.VIEW_BUSINESS)
def attachment_remove_view(request, file_attachment_id: int):
    attachment = queries.get_attachment_for(request.user, file_attachment_id, write=True)
    services.authorize_roles(
        request.user, rules.ATTACHMENT_ROLES, "attachment_removed", request.path
    )
    form = forms.RemoveAttachmentForm(request.POST if request.method == "POST" else None)

    def remove(data) -> str:
        services.remove_attachment(attachment, reason=data["reason"], by=request.user)
        return _("Removed: %(name)s.") % {"name": attachment.name}

    page = {"label": _("Remove the attachment"), "attachment": attachment}
    return _attachment_page(request, attachment.hardship_file, form, remove, page)
