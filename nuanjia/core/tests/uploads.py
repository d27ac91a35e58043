"""Small real files for upload tests: pictures Pillow opens, a PDF, Office headers."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def picture_bytes(fmt: str = "JPEG", size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG whose header claims width × height pixels: a few hundred bytes on the wire."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


JPEG = picture_bytes("JPEG")
PNG = picture_bytes("PNG")
PDF = b"%PDF-1.7\n" + b"0" * 200
DOCX = b"PK\x03\x04" + b"0" * 200


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
