"""The campaign report as documents (issue 20 item 5): PDF through reportlab with a TrueType
CJK font embedded (Debian's fonts-wqy-zenhei; reportlab's built-in STSong-Light CID font when
that file is missing), made in reportlab's invariant mode so the same figures give the same
bytes; and Word (.docx) through python-docx with the East Asian font set on the styles.

Both carry the narrative, its numbered notes (each figure's measure, period and drill-down
link) and the tables behind the text."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from .report_render import Filled, Rendered, figure_text

FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FONT_NAME = "WenQuanYiZenHei"
FALLBACK_FONT = "STSong-Light"
DOCX_FONT = "文泉驿正黑"


def pdf_font() -> str:
    """Register the CJK font once; its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_FILE.exists():
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE), subfontIndex=0))
        return FONT_NAME
    if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def _note_text(filled: Filled, base_url: str) -> str:
    link = base_url + filled.url if filled.url else _("not shown to you")
    return f"[{filled.number}] {filled.name}（{filled.span.label}）：{link}"


def _paragraph_markup(paragraph: list, base_url: str) -> str:
    out = []
    for part in paragraph:
        if isinstance(part, Filled):
            figure = escape(figure_text(part))
            if part.url:
                figure = f'<link href="{escape(base_url + part.url)}">{figure}</link>'
            out.append(f"{figure}<super>[{part.number}]</super>")
        else:
            out.append(escape(part.text))
    return "".join(out)


def pdf_bytes(rendered: Rendered, base_url: str = "") -> bytes:
    """The report as a PDF (A4), the same bytes for the same figures."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK",
                          firstLineIndent=22, spaceAfter=6)  # fmt: skip
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1,
                           firstLineIndent=0, spaceAfter=12)  # fmt: skip
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, firstLineIndent=0)
    story: list = [Paragraph(escape(rendered.title), title)]
    story.append(Paragraph(escape(f"{rendered.org.name} · {rendered.period.label}"), small))
    story.append(Spacer(1, 8))
    story += [Paragraph(_paragraph_markup(p, base_url), body) for p in rendered.paragraphs]
    for table in rendered.tables:
        story.append(Spacer(1, 8))
        story.append(Paragraph(escape(f"{table.title}（{table.unit}）"), small))
        cells = [[_("Union"), table.unit]] + [list(row) for row in table.rows]
        cells.append([_("Total"), table.total])
        grid = Table(cells, repeatRows=1)
        grid.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ]))  # fmt: skip
        story.append(grid)
    story.append(Spacer(1, 10))
    story += [Paragraph(escape(_note_text(note, base_url)), small) for note in rendered.notes]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, title=rendered.title, author=rendered.org.name,
        creator="nuanjia", producer="nuanjia", subject=str(rendered.period.label),
    )  # fmt: skip
    document.build(story)
    return buffer.getvalue()


def _east_asian(style: object) -> None:
    from docx.oxml.ns import qn

    element = style.element  # type: ignore[attr-defined]
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), DOCX_FONT)
    style.font.name = DOCX_FONT  # type: ignore[attr-defined]


def docx_bytes(rendered: Rendered, base_url: str = "") -> bytes:
    """The report as a Word document, its styles' East Asian font set."""
    import docx

    document = docx.Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        _east_asian(document.styles[name])
    document.add_heading(rendered.title, level=0)
    document.add_paragraph(f"{rendered.org.name} · {rendered.period.label}")
    for paragraph in rendered.paragraphs:
        out = document.add_paragraph()
        for part in paragraph:
            if isinstance(part, Filled):
                out.add_run(figure_text(part))
                out.add_run(f"[{part.number}]").font.superscript = True
            else:
                out.add_run(part.text)
    for table in rendered.tables:
        document.add_heading(f"{table.title}（{table.unit}）", level=2)
        grid = document.add_table(rows=1, cols=2, style="Table Grid")
        grid.rows[0].cells[0].text, grid.rows[0].cells[1].text = _("Union"), table.unit
        for union, value in [*table.rows, (_("Total"), table.total)]:
            cells = grid.add_row().cells
            cells[0].text, cells[1].text = union, value
    document.add_heading(_("Notes"), level=2)
    for note in rendered.notes:
        document.add_paragraph(_note_text(note, base_url))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
