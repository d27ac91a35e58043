"""A file's attachments: adding one (from the file page or its own page), downloading one
(audited, never cached), removing one with a reason."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nuanjia.core.errors import RuleViolation
from nuanjia.core.uploads import download
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, rules, services


def _back_to_file(file_id: int):
    response = redirect("hardship:detail", file_id=file_id)
    response["Location"] += "#attachments"
    return response


@requires(Perm.VIEW_BUSINESS)
def attachment_add_view(request, file_id: int):
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.ATTACHMENT_ROLES, "attachment_added", request.path)
    form = forms.AttachmentForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.add_attachment(
                hardship_file, form.cleaned_data["file"], kind=form.cleaned_data["kind"],
                by=request.user,
            )  # fmt: skip
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(request, _("Attached: %(name)s.") % {"name": attachment.name})
            return _back_to_file(hardship_file.pk)
    page = {"label": _("Add an attachment"), "multipart": True}
    return render(
        request,
        "hardship/attachment_form.html",
        {"file": hardship_file, "form": form, "page": page},
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def attachment_download_view(request, file_attachment_id: int):
    attachment = queries.get_attachment_for(request.user, file_attachment_id)
    if attachment.removed_at:
        raise Http404
    response = download(attachment)
    services.record_download(attachment, by=request.user)
    return response


@requires(Perm.VIEW_BUSINESS)
def attachment_remove_view(request, file_attachment_id: int):
    attachment = queries.get_attachment_for(request.user, file_attachment_id, write=True)
    services.authorize_roles(
        request.user, rules.ATTACHMENT_ROLES, "attachment_removed", request.path
    )
    form = forms.RemoveAttachmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_attachment(
                attachment, reason=form.cleaned_data["reason"], by=request.user
            )
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(request, _("Removed: %(name)s.") % {"name": attachment.name})
            return _back_to_file(attachment.hardship_file_id)
    page = {"label": _("Remove the attachment"), "attachment": attachment}
    return render(
        request,
        "hardship/attachment_form.html",
        {"file": attachment.hardship_file, "form": form, "page": page},
    )
