"""A merchant statement as files: an xlsx (XlsxWriter) with the summary by offer and every
use and reversal of the month, and a PDF (reportlab) of the summary. Both are byte-identical
when regenerated: the workbook's created date is the statement's month, the PDF is written
in reportlab's invariant mode (no creation date, a fixed document id), and rows come in a
fixed order. The totals are the rows' sums, to the fen, and equal the statement's."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from .models import Redemption, Reversal, Statement
from .services.periods import ZONE, month_of, next_month

FONT = "STSong-Light"


@dataclass(frozen=True)
class Line:
    label: str
    uses: int
    subsidy_fen: int


def summary(statement: Statement) -> list[Line]:
    """One line per offer (coupons as one), then the reversals (negative)."""
    start, end = month_of(statement.month), next_month(statement.month)
    rows = (
        Redemption.objects.filter(partner_id=statement.partner_id, day__gte=start, day__lt=end)
        .values("offer__name")
        .annotate(n=Count("id"), fen=Sum("subsidy_fen"))
        .order_by("offer__name")
    )
    lines = [Line(row["offer__name"] or _("Coupons"), row["n"], row["fen"] or 0) for row in rows]
    backs = Reversal.objects.filter(
        partner_id=statement.partner_id, day__gte=start, day__lt=end
    ).aggregate(n=Count("id"), fen=Sum("subsidy_fen"))
    if backs["n"]:
        lines.append(Line(_("Reversed uses"), -backs["n"], -(backs["fen"] or 0)))
    return lines


def _rows(statement: Statement) -> Any:
    start, end = month_of(statement.month), next_month(statement.month)
    return (
        Redemption.objects.filter(partner_id=statement.partner_id, day__gte=start, day__lt=end)
        .order_by("at", "id")
        .values_list(
            "id", "at", "offer__name", "outlet__name", "worker_id", "subsidy_fen", "reversed"
        )
        .iterator(chunk_size=5000)
    )


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _created(statement: Statement) -> datetime.datetime:
    return datetime.datetime.combine(statement.month, datetime.time(0, 0))


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as a workbook: sheet 1 the summary, sheet 2 every use of the month."""
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": False})
    book.set_properties({"title": str(statement), "created": _created(statement)})
    money = book.add_format({"num_format": "0.00"})
    head = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("Statement"))
    sheet.write_row(0, 0, [str(statement), statement.partner.name,
                           statement.month.strftime("%Y-%m")], head)  # fmt: skip
    sheet.write_row(2, 0, [_("Item"), _("Uses"), _("Subsidy (yuan)")], head)
    lines = summary(statement)
    for n, line in enumerate(lines, start=3):
        sheet.write_row(n, 0, [line.label, line.uses])
        sheet.write_number(n, 2, line.subsidy_fen / 100, money)
    total = sum(line.subsidy_fen for line in lines)
    sheet.write_row(len(lines) + 3, 0, [_("Amount owed"), ""], head)
    sheet.write_number(len(lines) + 3, 2, total / 100, money)
    sheet.set_column(0, 0, 24)
    rows = book.add_worksheet(_("Uses"))
    rows.write_row(0, 0, [_("Number"), _("Time"), _("Offer"), _("Outlet"), _("Member"),
                          _("Subsidy (yuan)"), _("Reversed")], head)  # fmt: skip
    for n, (pk, at, offer, outlet, worker, fen, reversed_) in enumerate(_rows(statement), 1):
        rows.write_row(n, 0, [f"HX{pk:08d}", at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S"),
                              offer or _("Coupon"), outlet or "", worker])  # fmt: skip
        rows.write_number(n, 5, fen / 100, money)
        rows.write(n, 6, _("yes") if reversed_ else "")
    book.close()
    return output.getvalue()


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def statement_pdf(statement: Statement) -> bytes:
    """The statement's summary as a one-page PDF, the same bytes every time."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle(str(statement))
    font, y = _font(), A4[1] - 25 * mm
    pdf.setFont(font, 16)
    pdf.drawString(20 * mm, y, _("Merchant statement %(number)s") % {"number": statement})
    pdf.setFont(font, 11)
    y -= 10 * mm
    for text in (statement.partner.name, statement.month.strftime("%Y-%m"),
                 statement.org.name):  # fmt: skip
        pdf.drawString(20 * mm, y, text)
        y -= 7 * mm
    y -= 5 * mm
    lines = summary(statement)
    for line in [Line(_("Item"), 0, 0), *lines]:
        is_head = line.label == _("Item") and line.uses == 0
        pdf.drawString(20 * mm, y, line.label)
        pdf.drawRightString(130 * mm, y, _("Uses") if is_head else str(line.uses))
        pdf.drawRightString(
            185 * mm, y, _("Subsidy (yuan)") if is_head else _yuan(line.subsidy_fen)
        )
        y -= 7 * mm
    pdf.setFont(font, 13)
    pdf.drawString(20 * mm, y - 3 * mm, _("Amount owed"))
    pdf.drawRightString(185 * mm, y - 3 * mm, _yuan(sum(line.subsidy_fen for line in lines)))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
