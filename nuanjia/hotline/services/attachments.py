"""Files on a ticket: staff attachments, and the photos and PDFs callers add (checked by
content) when submitting or following a request."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.uploads import DOCUMENTS, PHOTOS_AND_PDF, check_upload, shown_name

from .. import rules
from ..models import Ticket, TicketAttachment
from ..rules import Status
from ..workflow import FLOW
from .common import _may, _signed_in
from .follow import follow_ticket

# What a caller may attach from the public page or API: photos and PDFs, checked by content.
CALLER_FILES_PER_REQUEST = 3
CALLER_FILES_PER_TICKET = 9
ATTACHMENT_LABEL = gettext_lazy("Attachment")
CALLER_FILES_LABEL = gettext_lazy("Photos or PDFs")


@transaction.atomic
def add_attachment(ticket: Ticket, upload: UploadedFile | None, *, by: Actor) -> TicketAttachment:
    ticket = FLOW.lock(ticket)
    if not _may(by, rules.HANDLERS, ticket.org):
        raise PermissionDenied
    check_upload(upload, label=ATTACHMENT_LABEL, field="file", accepted=DOCUMENTS)
    assert upload is not None and upload.size  # check_upload refuses a missing or empty file
    name = shown_name(upload)
    attachment = TicketAttachment.objects.create(
        ticket=ticket, file=upload, name=name, size=upload.size, added_by=_signed_in(by)
    )
    FLOW.record(ticket, "attached", ticket.status, by=by, changes={"file": name})
    return attachment


def clean_caller_files(files: Iterable[UploadedFile | None] | None) -> list[UploadedFile]:
    """A caller's photos (a pay slip, a contract) or PDFs: at most 3 per request, 5 MB each,
    each checked by its first bytes, not only by its name."""
    uploads = [upload for upload in (files or ()) if upload]
    if len(uploads) > CALLER_FILES_PER_REQUEST:
        raise RuleViolation(
            _("Attach at most %(count)d files.") % {"count": CALLER_FILES_PER_REQUEST},
            field="files",
        )
    for upload in uploads:
        check_upload(upload, label=CALLER_FILES_LABEL, field="files", accepted=PHOTOS_AND_PDF)
    return uploads


def attach_caller_files(ticket: Ticket, files: list[UploadedFile]) -> list[TicketAttachment]:
    """Keep a caller's checked files on their ticket; a file already there (same name and
    size, from a double tap) is not kept twice. At most 9 files from callers per ticket."""
    if not files:
        return []  # before the transaction: on SQLite even an empty one takes the write lock
    with transaction.atomic():
        return _keep_caller_files(FLOW.lock(ticket), files)


def _keep_caller_files(ticket: Ticket, files: list[UploadedFile]) -> list[TicketAttachment]:
    if ticket.status == Status.CLOSED:
        raise RuleViolation(_("This request is closed: call 12351 to add to it."), field="files")
    kept = set(ticket.attachments.filter(added_by=None).values_list("name", "size"))
    added = []
    for upload in files:
        name, size = shown_name(upload), upload.size or 0
        if (name, size) in kept:
            continue
        if len(kept) >= CALLER_FILES_PER_TICKET:
            raise RuleViolation(
                _("This request already has %(count)d files from the caller.")
                % {"count": CALLER_FILES_PER_TICKET},
                field="files",
            )
        added.append(
            TicketAttachment.objects.create(ticket=ticket, file=upload, name=name, size=size)
        )
        kept.add((name, size))
        FLOW.record(
            ticket, "attached", ticket.status, by=None, changes={"file": name, "by": "caller"}
        )
    return added


def attach_files_to_followed(
    number: str, last4: str, files: Iterable[UploadedFile | None] | None
) -> Ticket | None:
    """Files a caller adds later, proving the request is theirs as when following it (the
    number and the phone's last 4 digits). None when they do not match (no enumeration)."""
    files = clean_caller_files(files)
    if not files:
        raise RuleViolation(_("Choose a file to attach."), field="files")
    ticket = follow_ticket(number, last4)
    if ticket is not None:
        attach_caller_files(ticket, files)
    return ticket
