"""A file's attachments (application form, income proof, visit record): added and removed by
the caseworkers, reviewers and approvers of the file's union while the file is open, each
change on the file's timeline and in the audit trail; every download audited too. Checks,
storage and the download itself are core.uploads'."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.uploads import check_upload, download, shown_name
from nuanjia.orgs.permissions import staff_of

from .. import rules
from ..models import FileAttachment, HardshipFile
from ..rules import AttachmentKind
from ..workflow import FLOW
from .guards import _require_on_file, _required

ATTACHMENT_LABEL = gettext_lazy("Attachment")
REMOVAL_REASON_MAX = 200


def takes_attachments(hardship_file: HardshipFile) -> bool:
    """Attachments change while the file is live (not rejected or withdrawn) and its notes
    have not been erased at the end of the retention period."""
    return hardship_file.status in rules.LIVE_STATUSES and not hardship_file.purged_on


def _require_open(hardship_file: HardshipFile) -> None:
    if hardship_file.purged_on:
        raise RuleViolation(
            _("This file's personal records were erased at the end of its retention period."),
            field="file",
            code="file_closed",
        )
    if not takes_attachments(hardship_file):
        raise RuleViolation(
            _("A file that is %(status)s takes no attachment changes.")
            % {"status": hardship_file.get_status_display()},
            field="file",
            code="file_closed",
        )


def _clean_kind(kind: str) -> str:
    if kind not in AttachmentKind.values:
        raise RuleViolation(
            _("Kind: choose application form, income proof, visit record or other."),
            field="kind",
        )
    return kind


@transaction.atomic
def add_attachment(
    hardship_file: HardshipFile, upload: UploadedFile | None, *, kind: str, by: Actor
) -> FileAttachment:
    """Keep a checked document with the file (core.uploads: type by content, 5 MB)."""
    hardship_file = FLOW.lock(hardship_file)
    _require_on_file(by, rules.ATTACHMENT_ROLES, hardship_file)
    _require_open(hardship_file)
    kind = _clean_kind(kind)
    check_upload(upload, label=ATTACHMENT_LABEL, field="file")
    assert upload is not None and upload.size  # check_upload refuses a missing or empty file
    attachment = FileAttachment.objects.create(
        hardship_file=hardship_file,
        kind=kind,
        file=upload,
        name=shown_name(upload),
        size=upload.size,
        added_by=staff_of(by),
    )
    FLOW.record(
        hardship_file,
        "attachment_added",
        hardship_file.status,
        by=by,
        changes={"attachment": attachment.pk, "kind": kind, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def remove_attachment(attachment: FileAttachment, *, reason: str, by: Actor) -> FileAttachment:
    """Take an attachment off the file (wrong family, unreadable scan): the row stays with
    who removed it, when and why; it is no longer offered for download."""
    hardship_file = FLOW.lock(attachment.hardship_file)
    _require_on_file(by, rules.ATTACHMENT_ROLES, hardship_file)
    _require_open(hardship_file)
    attachment = FileAttachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at:
        raise RuleViolation(_("This attachment was already removed."), code="removed")
    reason = _required(reason, "reason", _("Reason: say why the attachment is removed."))
    if len(reason) > REMOVAL_REASON_MAX:
        raise RuleViolation(
            _("Reason: at most %(count)d characters.") % {"count": REMOVAL_REASON_MAX},
            field="reason",
        )
    attachment.removed_at, attachment.removed_by = timezone.now(), staff_of(by)
    attachment.removal_reason = reason
    attachment.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    FLOW.record(
        hardship_file,
        "attachment_removed",
        hardship_file.status,
        by=by,
        note=reason,
        changes={"attachment": attachment.pk, "kind": attachment.kind},
    )
    return attachment


def download_attachment(attachment: FileAttachment, *, by: Actor) -> FileResponse:
    """The document for `by` (pages and the API), its reading audited: who read which
    document of which family, and when. A removed one is gone (404)."""
    if attachment.removed_at:
        raise Http404
    response = download(attachment)
    record_event(
        attachment.hardship_file,
        "hardship.attachment_downloaded",
        by=by,
        org=attachment.hardship_file.org,
        changes={"attachment": attachment.pk, "kind": attachment.kind},
    )
    return response
