"""Files on a ticket: staff attachments, and the photos and PDFs callers add (checked by
content) when submitting or following a request."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation

from .. import rules
from ..models import Ticket, TicketAttachment
from ..rules import Status
from ..workflow import FLOW
from .common import _may, _signed_in
from .follow import follow_ticket

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".txt")
# What a caller may attach from the public page or API: photos and PDFs, checked by content.
CALLER_FILE_SIGNATURES = {
    ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-",
}  # fmt: skip
CALLER_FILES_PER_REQUEST = 3
CALLER_FILES_PER_TICKET = 9


@transaction.atomic
def add_attachment(ticket: Ticket, upload, *, by) -> TicketAttachment:
    ticket = FLOW.lock(ticket)
    if not _may(by, rules.HANDLERS, ticket.org):
        raise PermissionDenied
    name = str(getattr(upload, "name", "") or "")[-120:]
    if not name.lower().endswith(ATTACHMENT_TYPES):
        raise RuleViolation(_("Attach a picture, PDF, Word, Excel or text file."), field="file")
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise RuleViolation(_("The file is larger than 5 MB."), field="file")
    attachment = TicketAttachment.objects.create(
        ticket=ticket, file=upload, name=name, size=upload.size, added_by=_signed_in(by)
    )
    FLOW.record(ticket, "attached", ticket.status, by=by, changes={"file": name})
    return attachment


def _caller_file_problem(upload) -> str:
    """Why a caller's file cannot be taken, or "" when it can."""
    name = str(getattr(upload, "name", "") or "")
    signature = CALLER_FILE_SIGNATURES.get(Path(name).suffix.lower())
    if signature is None:
        return _("%(name)s: attach a photo (JPEG or PNG) or a PDF.") % {"name": name[-60:]}
    if not upload.size:
        return _("%(name)s is empty.") % {"name": name[-60:]}
    if upload.size > ATTACHMENT_MAX_BYTES:
        return _("%(name)s is larger than 5 MB.") % {"name": name[-60:]}
    upload.seek(0)
    head = upload.read(len(signature))
    upload.seek(0)
    if head != signature:
        return _("%(name)s is not the picture or PDF its name says.") % {"name": name[-60:]}
    return ""


def clean_caller_files(files) -> list:
    """A caller's photos (a pay slip, a contract) or PDFs: at most 3 per request, 5 MB each,
    each checked by its first bytes, not only by its name."""
    files = [upload for upload in (files or ()) if upload]
    if len(files) > CALLER_FILES_PER_REQUEST:
        raise RuleViolation(
            _("Attach at most %(count)d files.") % {"count": CALLER_FILES_PER_REQUEST},
            field="files",
        )
    for upload in files:
        if problem := _caller_file_problem(upload):
            raise RuleViolation(problem, field="files")
    return files


def attach_caller_files(ticket: Ticket, files) -> list[TicketAttachment]:
    """Keep a caller's checked files on their ticket; a file already there (same name and
    size, from a double tap) is not kept twice. At most 9 files from callers per ticket."""
    if not files:
        return []  # before the transaction: on SQLite even an empty one takes the write lock
    with transaction.atomic():
        return _keep_caller_files(FLOW.lock(ticket), files)


def _keep_caller_files(ticket: Ticket, files) -> list[TicketAttachment]:
    if ticket.status == Status.CLOSED:
        raise RuleViolation(_("This request is closed: call 12351 to add to it."), field="files")
    kept = set(ticket.attachments.filter(added_by=None).values_list("name", "size"))
    added = []
    for upload in files:
        name = str(upload.name)[-120:]
        if (name, upload.size) in kept:
            continue
        if len(kept) >= CALLER_FILES_PER_TICKET:
            raise RuleViolation(
                _("This request already has %(count)d files from the caller.")
                % {"count": CALLER_FILES_PER_TICKET},
                field="files",
            )
        added.append(
            TicketAttachment.objects.create(ticket=ticket, file=upload, name=name, size=upload.size)
        )
        kept.add((name, upload.size))
        FLOW.record(
            ticket, "attached", ticket.status, by=None, changes={"file": name, "by": "caller"}
        )
    return added


def attach_files_to_followed(number: str, last4: str, files) -> Ticket | None:
    """Files a caller adds later, proving the request is theirs as when following it (the
    number and the phone's last 4 digits). None when they do not match (no enumeration)."""
    files = clean_caller_files(files)
    if not files:
        raise RuleViolation(_("Choose a file to attach."), field="files")
    ticket = follow_ticket(number, last4)
    if ticket is not None:
        attach_caller_files(ticket, files)
    return ticket
