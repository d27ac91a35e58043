"""The printable A4 sign of a station: name, facilities, hours and the check-in QR code.

PDF by reportlab with its built-in CID font STSong-Light (Adobe-GB1), so Chinese text renders
in every PDF reader without shipping a font file; the QR code (segno) is drawn as vector
squares, so it prints sharp at any size.
"""

import io

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from . import rules
from .models import Station

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


# Characters the Adobe-GB1 CMap (UniGB-UCS2-H) lacks, and the ones it has that look the same.
_SUBSTITUTES = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb"})


def _printable(text: str) -> str:
    return text.translate(_SUBSTITUTES)


def _centered(pdf, text: str, y: float, size: float) -> None:
    text = _printable(text)
    pdf.setFont(_font(), size)
    pdf.drawCentredString(A4[0] / 2, y, text)


def _wrapped(pdf, text: str, y: float, size: float, width: float) -> float:
    """Draw centred lines of at most `width` points; return the y below the last one."""
    text = _printable(text)
    pdf.setFont(_font(), size)
    line = ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, FONT, size) > width:
            pdf.drawCentredString(A4[0] / 2, y, line)
            y -= size * 1.4
            line = ""
        line += char
    if line:
        pdf.drawCentredString(A4[0] / 2, y, line)
        y -= size * 1.4
    return y


def draw_qr(pdf, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m", micro=False)
    matrix = list(qr.matrix_iter(border=2))
    module = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        for column_index, dark in enumerate(row):
            if dark:
                pdf.rect(x + column_index * module, top, module, module, stroke=0, fill=1)


def station_sign_pdf(station: Station, checkin_url: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{station.name} 爱心驿站")
    width, height = A4
    pdf.setFillColorRGB(0.75, 0.1, 0.1)
    pdf.rect(0, height - 40 * mm, width, 40 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    _centered(pdf, "工会户外劳动者服务站点　爱心驿站", height - 25 * mm, 24)
    pdf.setFillColorRGB(0, 0, 0)
    y = _wrapped(pdf, station.name, height - 58 * mm, 26, width - 30 * mm)
    facilities = "　".join(
        f"{row.facility.name}{row.quantity}" if row.quantity else row.facility.name
        for row in station.facility_rows.select_related("facility").order_by("facility__sort_order")
    )
    y = _wrapped(pdf, facilities or "", y - 4 * mm, 16, width - 30 * mm)
    y = _wrapped(pdf, f"开放时间：{station.opening_hours}", y - 2 * mm, 14, width - 30 * mm)
    qr_size = 110 * mm
    draw_qr(pdf, checkin_url, (width - qr_size) / 2, y - qr_size - 6 * mm, qr_size)
    y = y - qr_size - 16 * mm
    _centered(pdf, "微信或手机相机扫码签到，无需登录", y, 16)
    _wrapped(pdf, f"地址：{station.address}", y - 10 * mm, 12, width - 30 * mm)
    level = rules.standard_level(station.standard_checks)
    footer = f"站点编码 {station.code}　主办：{station.org.name}" + (
        f"　{level}驿站" if level else ""
    )
    _centered(pdf, footer, 15 * mm, 10)
    if station.phone:
        _centered(pdf, f"联系电话 {station.phone}　职工服务热线 12351", 9 * mm, 10)
    else:
        _centered(pdf, "职工服务热线 12351", 9 * mm, 10)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
