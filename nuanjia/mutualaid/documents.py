"""Claim documents sealed at rest: core.uploads checks the file (type by content, size) and
names it at random; the bytes written to disk are AES-256-GCM under the current field key
(core.crypto's keyring), with the key id in front so a rotated key still opens old files.
Only the claim's reviewers and the member download them (views), each download audited."""

from __future__ import annotations

import os
from typing import Any

from django.core.files.base import ContentFile
from django.http import FileResponse, Http404

from nuanjia.core import crypto
from nuanjia.core.uploads import TYPES, check_upload, extension_of, shown_name

MAGIC = b"NJE1"


def seal(data: bytes) -> bytes:
    ring = crypto.field_keyring()
    key_id = ring.current_key_id
    nonce = os.urandom(crypto.NONCE_BYTES)
    sealed = ring.ciphers[key_id].encrypt(nonce, data, key_id.encode("ascii"))
    head = key_id.encode("ascii")
    return MAGIC + bytes([len(head)]) + head + nonce + sealed


def unseal(blob: bytes) -> bytes:
    if not blob.startswith(MAGIC):
        raise crypto.InvalidTokenError("not a sealed document")
    size = blob[len(MAGIC)]
    start = len(MAGIC) + 1
    key_id = blob[start : start + size].decode("ascii")
    rest = blob[start + size :]
    cipher = crypto.field_keyring().ciphers.get(key_id)
    if cipher is None:
        raise crypto.UnknownKeyError(f"document sealed under unknown key id {key_id!r}")
    return cipher.decrypt(
        rest[: crypto.NONCE_BYTES], rest[crypto.NONCE_BYTES :], key_id.encode("ascii")
    )


def store(document: Any, upload: Any, *, label: Any, field: str) -> None:
    """Check `upload` (core.uploads), seal it and save it on `document` (a ClaimDocument)."""
    check_upload(upload, label=label, field=field)
    upload.seek(0)
    document.name = shown_name(upload)
    document.size = upload.size
    document.file.save(
        f"x.{extension_of(document.name)}", ContentFile(seal(upload.read())), save=False
    )


def download(document: Any) -> FileResponse:
    try:
        with document.file.open("rb") as handle:
            data = unseal(handle.read())
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    kind = TYPES.get(extension_of(document.file.name))
    response = FileResponse(
        ContentFile(data),
        as_attachment=True,
        filename=document.name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
