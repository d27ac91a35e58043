"""A province leader opens the campaign report: the text states the figures of the facts, a
figure opens its drill-down, and the PDF and the Word document download with the Chinese text
and its figures in them (read back by pypdf and python-docx)."""

import datetime
import io
import re
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import PASSWORD
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.reports import services
from nuanjia.reports.models import ReportTemplate
from nuanjia.reports.tests.factories import paid_grant, workers

from .conftest import screenshot, sign_in

DAY = datetime.date(2026, 2, 10)


def _plain(text: str) -> str:
    """The text without spaces and the figures' footnote marks ([1], [2]…)."""
    return re.sub(r"\[\d+\]", "", "".join(text.split()))


@pytest.fixture
def report(transactional_db, tree, make_staff):
    huiji = Org.objects.get(code="410108")
    (worker,) = workers(huiji, 1)
    paid_grant(worker, huiji, DAY, 250_000)  # the 惠济区 worker's 2500元
    services.rebuild(datetime.date(2026, 1, 1), DAY)
    template = ReportTemplate.objects.create(
        org=Org.objects.get(code="410000"), title="送温暖工作情况报告",
        body="全省发放困难职工救助金{relief.grants_paid|period|元}元，帮扶职工{relief.persons_helped|period|人}人。",
    )  # fmt: skip
    leader = make_staff("410000", Role.LEADER, username="prov_report_leader")
    return template, leader


def test_a_leader_reads_the_report_and_downloads_its_pdf(new_page, report):
    template, leader = report
    page = new_page()
    sign_in(page, leader.username, PASSWORD)
    page.goto(f"/reports/report/{template.pk}/?period=2026-02")
    text = page.inner_text("[data-testid=report-text]")
    assert "全省发放困难职工救助金2500" in text and "帮扶职工1" in text
    screenshot(page, "campaign-report")
    with page.expect_download() as download_info:
        page.click("[data-testid=report-pdf]")
    content = Path(download_info.value.path()).read_bytes()
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    pdf_text = _plain(pdf_text)
    assert "全省发放困难职工救助金2500" in pdf_text and "帮扶职工1人" in pdf_text
    with page.expect_download() as download_info:
        page.click("[data-testid=report-docx]")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(Path(download.path()).read_bytes()))
    word_text = _plain("".join(paragraph.text for paragraph in document.paragraphs))
    assert "送温暖工作情况报告" in word_text
    assert "全省发放困难职工救助金2500" in word_text and "帮扶职工1人" in word_text
    page.click("[data-measure='relief.grants_paid'] a >> nth=0")
    page.wait_for_url("**/reports/measure/**")
    assert "2,500.00" in page.content()
