"""The campaign report (issue 20 item 5): templates as data with our own placeholders, refused
at save when unknown; the report's figures equal the facts; PDF and Word carry the Chinese
text; a union never renders a report of a union outside its subtree; saves are audited."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from nuanjia.core import measures
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.reports import narrative, periods, queries, report_default, services
from nuanjia.reports.models import ReportTemplate
from nuanjia.reports.report_render import render
from nuanjia.reports.report_services import create_template

from .factories import allocation, paid_grant, workers

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 2, 10)
BODY = (
    "全省各级工会投入{funds.allocated|2026-02|万元}万元，"
    "发放救助金{relief.grants_paid|period|元}元，帮扶职工{relief.persons_helped|period|人}人，"
    "资金执行率{funds.execution_rate|period|%}%。"
)


@pytest.fixture
def figures(tree):
    huiji, zhongyuan, kaifeng = (Org.objects.get(code=c) for c in ("410108", "410102", "410204"))
    zhengzhou, province = Org.objects.get(code="410100"), Org.objects.get(code="410000")
    (a,) = workers(huiji, 1)
    (b,) = workers(zhongyuan, 1)
    (c,) = workers(kaifeng, 1)
    paid_grant(a, huiji, DAY, 100_000)
    paid_grant(b, zhongyuan, DAY, 30_000)
    paid_grant(c, kaifeng, DAY, 70_000)
    allocation(province, zhengzhou, DAY, 2_560_000_000)  # 2560万元
    services.rebuild(datetime.date(2026, 1, 1), DAY)
    return {"province": province, "zhengzhou": zhengzhou, "kaifeng": kaifeng}


def _template(org_code: str, body: str = BODY, title: str = "报告") -> ReportTemplate:
    return ReportTemplate.objects.create(org=Org.objects.get(code=org_code), title=title, body=body)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("投入{funds.nothing|2026|万元}万元", "{funds.nothing|2026|万元}"),
        ("投入{funds.allocated|2026-13|万元}万元", "{funds.allocated|2026-13|万元}"),
        ("投入{funds.allocated|2026|斤}斤", "{funds.allocated|2026|斤}"),
        ("体检{campaigns.health_checks|campaign|人次}", "{campaigns.health_checks|campaign|人次}"),
        ("投入{{ secret }}万元", "{{ secret }}"),
        ("投入{funds.allocated|2026}万元", "{funds.allocated|2026}"),
    ],
)
def test_an_unknown_placeholder_is_refused_naming_it(body, named):
    with pytest.raises(RuleViolation) as refused:
        narrative.parse(body)
    assert refused.value.field == "body"
    assert named[:12] in refused.value.message


def test_placeholders_are_read_with_their_period_and_unit():
    parts = narrative.parse(
        "投入{funds.allocated|2026|万元}万元，驿站{stations.visits|period|人次/日}"
    )
    found = list(narrative.placeholders(parts))
    assert [(p.measure, p.period, p.unit) for p in found] == [
        ("funds.allocated", "2026", "万元"), ("stations.visits", "period", "人次/日"),
    ]  # fmt: skip
    assert narrative.parse(report_default.default_body())  # the default text is valid


def test_the_report_states_the_facts(figures, make_staff, login):
    template = _template("410000")
    client = login(make_staff("410000", Role.LEADER, Role.APPROVER))
    page = client.get(f"/reports/report/{template.pk}/?period=2026-02").content.decode()
    province = figures["province"]
    paid = queries.figure(province, "relief.grants_paid", DAY, DAY).total
    assert paid == 200_000
    text = re.sub(r"<sup>.*?</sup>|<[^>]+>", "", page)  # the text as read, notes' marks aside
    assert "全省各级工会投入2560万元" in text  # the province's own allocation
    assert "发放救助金2000元" in text  # grants paid, 1000 + 300 + 700 元
    assert "帮扶职工3人" in text
    assert ">2560</a>" in page
    assert "/reports/measure/?measure=relief.grants_paid&amp;org=410000&amp;period=2026-02" in page
    assert 'id="note-1"' in page
    # The tables behind it list every city of the province.
    cities = Org.objects.filter(parent=province, is_active=True)
    assert all(city.name in page for city in cities)


def test_the_api_renders_and_writes_templates(figures, make_staff, login):
    client = login(make_staff("410100", Role.LEADER, Role.APPROVER))
    created = client.post(
        "/api/v1/reports/templates",
        {"title": "郑州报告", "body": "救助金{relief.grants_paid|period|元}元"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    body = client.get(f"/api/v1/reports/templates/{pk}/render?period=2026-02").json()
    assert body["paragraphs"] == ["救助金1300元"]  # 郑州's subtree: 1000 + 300
    assert body["figures"][0]["url"].startswith("/reports/measure/?measure=relief.grants_paid")
    refused = client.put(
        f"/api/v1/reports/templates/{pk}",
        {"title": "郑州报告", "body": "救助金{relief.grants_paid|period|吨}"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "{relief.grants_paid|period|吨}" in refused.json()["message"]
    events = AuditEvent.objects.filter(action__startswith="reports.template_")
    assert list(events.values_list("action", flat=True)) == ["reports.template_created"]
    edited = client.put(
        f"/api/v1/reports/templates/{pk}",
        {"title": "郑州报告二", "body": "救助金{relief.grants_paid|period|万元}万元"},
        content_type="application/json",
    )
    assert edited.status_code == 200
    assert AuditEvent.objects.filter(action="reports.template_edited").count() == 1


def test_a_refused_save_on_the_page_names_the_placeholder(tree, make_staff, login):
    client = login(make_staff("410100", Role.CASEWORKER))
    response = client.post(
        "/reports/report/new/", {"title": "报告", "body": "投入{funds.allocated|2026|斤}"}
    )
    assert response.status_code == 200
    assert "{funds.allocated|2026|斤}" in response.content.decode()
    assert not ReportTemplate.objects.exists()
    saved = client.post(
        "/reports/report/new/", {"title": "报告", "body": "投入{funds.allocated|2026|万元}万元"}
    )
    assert saved.status_code == 302
    assert AuditEvent.objects.filter(action="reports.template_created").count() == 1


def test_the_pdf_holds_the_chinese_text_and_is_the_same_each_time(figures, make_staff, login):
    template = _template("410000")
    client = login(make_staff("410000", Role.LEADER, Role.APPROVER))
    url = f"/reports/report/{template.pk}/pdf/?period=2026-02"
    first = client.get(url)
    assert first["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first.content)).pages)
    assert "全省各级工会投入" in text.replace(" ", "")
    assert "2560" in text and "2000" in text
    assert client.get(url).content == first.content  # invariant: byte-identical
    api = client.get(f"/api/v1/reports/templates/{template.pk}/pdf?period=2026-02")
    assert api.status_code == 200 and api.content[:4] == b"%PDF"


def test_the_word_document_holds_the_chinese_text_with_its_east_asian_font(
    figures, make_staff, login
):
    template = _template("410000")
    client = login(make_staff("410000", Role.LEADER, Role.APPROVER))
    response = client.get(f"/reports/report/{template.pk}/docx/?period=2026-02")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "全省各级工会投入2560[1]万元" in text  # the note's mark is a superscript run
    assert "发放救助金2000[2]元" in text
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    api = client.get(f"/api/v1/reports/templates/{template.pk}/docx?period=2026-02")
    assert api.status_code == 200 and api.content[:2] == b"PK"


def test_a_county_cannot_render_a_siblings_report(figures, make_staff, login):
    sibling = _template("410102")  # 中原区's own template
    province = _template("410000")  # a template from above serves everyone below
    client = login(make_staff("410108", Role.LEADER))
    assert client.get(f"/reports/report/{sibling.pk}/").status_code == 404
    assert client.get(f"/reports/report/{sibling.pk}/pdf/").status_code == 404
    assert client.get(f"/api/v1/reports/templates/{sibling.pk}/render").status_code == 404
    assert client.get(f"/reports/report/{province.pk}/?org=410102").status_code == 404
    assert client.get(f"/api/v1/reports/templates/{province.pk}/docx?org=410102").status_code == 404
    assert client.get(f"/reports/report/{province.pk}/").status_code == 200
    assert client.get(f"/reports/report/{province.pk}/edit/").status_code == 404


def test_the_demo_gives_the_province_the_default_template(tree):
    from nuanjia.reports.demo import load_demo_facts

    load_demo_facts()
    load_demo_facts()
    assert ReportTemplate.objects.filter(org__code="410000").count() == 1


def test_create_refuses_a_campaign_it_cannot_see(tree, make_staff):
    staff = make_staff("410108", Role.CASEWORKER)
    with pytest.raises(RuleViolation) as refused:
        create_template(staff, {"title": "t", "body": "x", "campaign": 999999})
    assert refused.value.field == "campaign"


def test_funds_received_counts_what_came_from_outside_the_subtree(figures):
    zhengzhou, province = figures["zhengzhou"], figures["province"]
    received = queries.figure(zhengzhou, "funds.received", DAY, DAY)
    assert received == queries.Figure(2_560_000_000, 2_560_000_000)
    assert queries.figure(province, "funds.received", DAY, DAY).total == 0  # inside: nets out
    measure = measures.get("funds.received")
    rows = measure.rows(zhengzhou.path, False, DAY, DAY)
    assert sum(row.fact_value for row in rows) == received.total
    assert not measure.rows(province.path, False, DAY, DAY).exists()


def test_the_execution_rate_divides_paid_by_received_on_display(figures, make_staff):
    template = _template("410100", body="执行率{funds.execution_rate|period|%}%")
    staff = make_staff("410100", Role.LEADER)
    rendered = render(template, staff, figures["zhengzhou"], periods.parse("2026-02", today=DAY))
    assert rendered.text() == "执行率0%"  # nothing paid yet of the 2560万 received
    assert rendered.notes[0].url.startswith("/reports/measure/?measure=funds.paid")
