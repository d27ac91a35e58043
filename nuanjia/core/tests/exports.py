"""Reading a list's Excel export back in tests: the rows below the header, and its audit event."""

import io

from openpyxl import load_workbook

from nuanjia.core.models import AuditEvent


def export_book(response):
    """The downloaded workbook (the export streams from a temporary file)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def export_rows(response) -> list[list]:
    """Header and rows as values, blanks as None."""
    return [list(row) for row in export_book(response).active.iter_rows(values_only=True)]


def last_export_event() -> AuditEvent:
    return AuditEvent.objects.filter(action="list.exported").latest("id")
