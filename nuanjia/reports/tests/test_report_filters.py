"""The report's filtered figures (issue 20 item 6): a placeholder may add only some values of
one of its measure's dimensions, e.g. the earmarks of one allocation round, over a range of
days; a filter on a dimension or value the measure does not know is refused at save with the
placeholder named, and the figure's drill-down opens rows of the same values adding up to it."""

from __future__ import annotations

import datetime
import re

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.reports import narrative, services
from nuanjia.reports.models import ReportTemplate
from nuanjia.reports.report_services import create_template

from .factories import allocation

pytestmark = pytest.mark.django_db
WAN = 1_000_000  # 1万元 in 分
FIRST = "{funds.allocated[d1=warmth,hardship]|2026-01-01..2026-11-30|万元}"
SECOND = "{funds.allocated[d1=breakfast,stations,hardship]|2026-12|万元}"
BODY = f"在今年已拨付{FIRST}万元的基础上，年底前再下拨{SECOND}万元；全年{{funds.allocated|2026|万元}}万元。"


@pytest.fixture
def rounds(tree):
    province, zhengzhou, kaifeng = (Org.objects.get(code=c) for c in ("410000", "410100", "410200"))
    first, second = datetime.date(2026, 11, 2), datetime.date(2026, 12, 1)
    allocation(province, zhengzhou, first, 2000 * WAN, "warmth")
    allocation(province, kaifeng, first, 500 * WAN, "warmth")
    allocation(province, zhengzhou, first, 3644 * WAN, "hardship")
    allocation(province, zhengzhou, first, 8923 * WAN, "epidemic")  # another earmark: left out
    allocation(province, zhengzhou, second, 800 * WAN, "breakfast")
    allocation(province, kaifeng, second, 760 * WAN, "stations")
    allocation(province, zhengzhou, second, 1000 * WAN, "hardship")
    allocation(zhengzhou, Org.objects.get(code="410108"), first, 50 * WAN, "warmth")  # not 省总's
    services.rebuild(datetime.date(2026, 1, 1), second)
    return province


@pytest.mark.parametrize(
    ("placeholder", "says"),
    [
        ("{funds.allocated[d2=warmth]|2026|万元}", "d2"),
        ("{funds.allocated[d1=warmth,nothing]|2026|万元}", "nothing"),
        ("{funds.execution_rate[d1=warmth]|2026|%}", ""),
        ("{funds.allocated[warmth]|2026|万元}", "[d1=warmth,hardship]"),
        ("{funds.allocated[d1=]|2026|万元}", "d1="),
        ("{hotline.received[d1=nothing]|2026|件}", "nothing"),
    ],
)
def test_a_filter_the_measure_does_not_know_is_refused_naming_the_placeholder(
    tree, make_staff, placeholder, says
):
    with pytest.raises(RuleViolation) as refused:
        narrative.parse(f"投入{placeholder}万元")
    assert refused.value.field == "body"
    assert placeholder in refused.value.message
    assert says in refused.value.message.replace(placeholder, "")
    author = make_staff("410000", Role.LEADER)
    with pytest.raises(RuleViolation):
        create_template(author, {"title": "报告", "body": f"投入{placeholder}", "campaign": None})
    assert not ReportTemplate.objects.filter(title="报告").exists()  # nothing saved


def test_filters_are_read_from_the_placeholder(tree):
    (first, second, whole) = narrative.placeholders(narrative.parse(BODY))
    assert (first.measure, first.dimension, first.values) == (
        "funds.allocated", 1, ("warmth", "hardship"),
    )  # fmt: skip
    assert first.period == "2026-01-01..2026-11-30"
    assert second.values == ("breakfast", "stations", "hardship")
    assert (whole.dimension, whole.values, whole.chosen(1)) == (0, (), None)


def _rows_total(client, url: str) -> int:
    page = client.get(url.replace("&amp;", "&"))
    assert page.status_code == 200
    return page.context["total"]


def test_each_round_is_stated_from_its_rows_and_drills_down_to_them(rounds, make_staff, login):
    template = ReportTemplate.objects.create(org=rounds, title="报告", body=BODY)
    client = login(make_staff("410000", Role.LEADER, Role.APPROVER))
    page = client.get(f"/reports/report/{template.pk}/?period=2026").content.decode()
    text = re.sub(r"<sup>.*?</sup>|<[^>]+>", "", page)
    assert "在今年已拨付6144万元的基础上，年底前再下拨2560万元；全年17627万元。" in text
    links = list(dict.fromkeys(re.findall(r'href="(/reports/rows/\?[^"]+)"', page)))
    assert len(links) == 2  # the two filtered figures open their rows; the whole, the measure
    assert "d1=warmth%2Chardship" in links[0] and "own=1" in links[0]
    assert [_rows_total(client, url) for url in links] == [6144 * WAN, 2560 * WAN]
