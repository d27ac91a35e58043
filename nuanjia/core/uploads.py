"""Uploaded files that hold personal data (a pay slip, an income proof, a visit record), the
part every app's attachments share: a check by content (the first bytes must be what the
name says; pictures are opened with a decompression-bomb guard), a size cap, a stored name
that is random (never the sender's, so nothing in it reaches the disk; the folder and file
are private through FILE_UPLOAD_PERMISSIONS), the model fields, and a download that is never
cached and never sniffed. Refusals are `RuleViolation`s naming the form's field.
"""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import RuleViolation
from .text import FORBIDDEN

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is refused before it is decoded
NAME_MAX = 120  # characters of the sender's file name kept (shown, never used on disk)
TEXT_PROBE = 64 * 1024  # bytes of a text file read to tell it from a binary one


@dataclass(frozen=True)
class FileType:
    """A kind of file by its extension: what it is called, its content type, and the first
    bytes it must start with (pictures are opened too, text files must decode)."""

    extension: str
    noun: str | Promise
    content_type: str
    signature: bytes = b""
    is_image: bool = False


PICTURE, PDF = gettext_lazy("picture"), gettext_lazy("PDF")
WORD, EXCEL = gettext_lazy("Word document"), gettext_lazy("Excel workbook")
OFFICE_XML = "application/vnd.openxmlformats-officedocument."
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Office formats (.doc, .xls)
ZIP = b"PK\x03\x04"  # the Office Open XML formats (.docx, .xlsx)
TYPES = {
    kind.extension: kind
    for kind in [
        FileType("jpg", PICTURE, "image/jpeg", b"\xff\xd8\xff", is_image=True),
        FileType("jpeg", PICTURE, "image/jpeg", b"\xff\xd8\xff", is_image=True),
        FileType("png", PICTURE, "image/png", b"\x89PNG\r\n\x1a\n", is_image=True),
        FileType("pdf", PDF, "application/pdf", b"%PDF-"),
        FileType("doc", WORD, "application/msword", OLE),
        FileType("docx", WORD, f"{OFFICE_XML}wordprocessingml.document", ZIP),
        FileType("xls", EXCEL, "application/vnd.ms-excel", OLE),
        FileType("xlsx", EXCEL, f"{OFFICE_XML}spreadsheetml.sheet", ZIP),
        FileType("txt", gettext_lazy("text file"), "text/plain"),
    ]
}


@dataclass(frozen=True)
class Accepted:
    """The extensions a place accepts, and how its refusal names them."""

    extensions: frozenset[str]
    described: str | Promise


PHOTOS_AND_PDF = Accepted(
    frozenset({"jpg", "jpeg", "png", "pdf"}), gettext_lazy("a photo (JPEG or PNG) or a PDF")
)
DOCUMENTS = Accepted(
    frozenset(TYPES), gettext_lazy("a picture (JPEG or PNG), PDF, Word, Excel or text file")
)


def accept_attribute(accepted: Accepted) -> str:
    """The file input's `accept`: what the phone's file picker offers."""
    return ",".join(f".{extension}" for extension in sorted(accepted.extensions))


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def shown_name(upload: Any) -> str:
    """The sender's file name as kept for people to read: its last NAME_MAX characters,
    without control or bidirectional characters (an override could make "exe" read "jpg")."""
    name = FORBIDDEN.sub("", str(getattr(upload, "name", "") or ""))
    return PurePath(name).name[-NAME_MAX:]


def image_check(upload: Any, max_pixels: int = MAX_PIXELS) -> tuple[str | None, bool]:
    """(Pillow's format name or None when it is not a picture Pillow reads, whether it has
    more than `max_pixels`): the size is read from the header before anything is decoded,
    and Pillow's own decompression-bomb warning counts as too many."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind, (width, height) = image.format, image.size
                if width * height > max_pixels:
                    return kind, True
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None, False
    finally:
        upload.seek(0)
    return kind, False


def _head(upload: Any, size: int) -> bytes:
    upload.seek(0)
    head = bytes(upload.read(size))
    upload.seek(0)
    return head


def _is_text(upload: Any) -> bool:
    probe = _head(upload, TEXT_PROBE)
    if b"\x00" in probe:
        return False
    # A multi-byte character cut at the probe's end is not a reason to refuse.
    text = probe if len(probe) < TEXT_PROBE else probe[:-4]
    for encoding in ("utf-8", "gb18030"):
        try:
            text.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _content_problem(upload: Any, kind: FileType, max_pixels: int) -> str:
    """Why the content is not what the name says, or ""."""
    if kind.signature and _head(upload, len(kind.signature)) != kind.signature:
        return "content"
    if kind.extension == "txt" and not _is_text(upload):
        return "content"
    if kind.is_image:
        found, too_many = image_check(upload, max_pixels)
        if too_many:
            return "pixels"
        if found not in ("JPEG", "PNG"):
            return "content"
    return ""


def check_upload(
    upload: Any,
    *,
    label: str | Promise,
    field: str,
    accepted: Accepted = DOCUMENTS,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> FileType:
    """The upload's type when it may be kept; else a RuleViolation on `field` whose message
    starts with the field's `label` and names the file."""
    name = shown_name(upload)[-60:]
    values: dict[str, object] = {"field": label, "name": name}
    if not upload:
        raise RuleViolation(_("%(field)s: choose a file.") % values, field=field)
    kind = TYPES.get(extension_of(name))
    if kind is None or kind.extension not in accepted.extensions:
        values["accepted"] = accepted.described
        message = _("%(field)s: %(name)s is not an accepted file; attach %(accepted)s.")
        raise RuleViolation(message % values, field=field)
    if not upload.size:
        raise RuleViolation(_("%(field)s: %(name)s is empty.") % values, field=field)
    if upload.size > max_bytes:
        values["megabytes"] = max_bytes // (1024 * 1024)
        message = _("%(field)s: %(name)s is larger than %(megabytes)d MB.")
        raise RuleViolation(message % values, field=field)
    problem = _content_problem(upload, kind, max_pixels)
    if problem == "pixels":
        values["megapixels"] = max_pixels // 1_000_000
        message = _("%(field)s: %(name)s has too many pixels (at most %(megapixels)d million).")
        raise RuleViolation(message % values, field=field)
    if problem:
        values["noun"] = kind.noun
        message = _("%(field)s: %(name)s is not the %(noun)s its name says.")
        raise RuleViolation(message % values, field=field)
    return kind


def random_name(filename: str) -> str:
    """A stored file's name: random, with the (checked) extension only."""
    extension = extension_of(filename)
    return secrets.token_hex(16) + (f".{extension}" if extension in TYPES else "")


def stored_upload_to(instance: StoredFile, filename: str) -> str:
    return f"{instance.storage_folder()}/{random_name(filename)}"


class StoredFile(models.Model):
    """An uploaded file kept for a record: the shared fields of every app's attachments.
    A concrete model says which folder (below MEDIA_ROOT) holds its files."""

    file = models.FileField(gettext_lazy("file"), upload_to=stored_upload_to)
    name = models.CharField(gettext_lazy("name"), max_length=NAME_MAX)
    size = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.name

    def storage_folder(self) -> str:
        raise NotImplementedError


def download(stored: StoredFile) -> FileResponse:
    """The file as a download: never cached (personal data), never sniffed, served as its
    checked type under the name it was sent with; 404 when it is gone from the disk."""
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    kind = TYPES.get(extension_of(stored.file.name))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.name or PurePath(stored.file.name).name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
