"""The full demo (`nuanjia demo`, issue 20 item 6): its bulk rows make the province's default
report state the seed's figures, and a second run changes nothing. One full load: slow."""

import datetime

import pytest

from nuanjia.core import clock
from nuanjia.demo import load_demo
from nuanjia.enterprises.models import RentRelief
from nuanjia.orgs.models import Org, Staff
from nuanjia.reports import periods, queries
from nuanjia.reports.models_report import ReportTemplate
from nuanjia.reports.report_default import TITLE
from nuanjia.reports.report_render import render
from nuanjia.stations.models import DayTally, Station

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _counts() -> tuple[int, ...]:
    return (
        Station.objects.count(),
        DayTally.objects.count(),
        RentRelief.objects.count(),
        sum(DayTally.objects.values_list("visits", flat=True)),
    )


def _report_text(first: datetime.date, last: datetime.date) -> str:
    province = Org.objects.get(code="410000")
    template = ReportTemplate.objects.get(org=province, title=TITLE)
    leader = Staff.objects.get(username="sz_leader")
    return render(template, leader, province, periods.days(first, last)).text()


def test_the_full_demo_states_the_seeds_figures_from_its_rows(tree):
    load_demo(full=True)
    last = clock.today()
    first = last - datetime.timedelta(days=29)  # the demo report's 30 days
    text = _report_text(first, last)
    zhengzhou, kaifeng = Org.objects.get(code="410100"), Org.objects.get(code="410200")

    assert "累计减免租金1899.4万元" in text
    assert "全省667家户外劳动者爱心驿站持续开放" in text  # 348 in 郑州, 319 in 开封
    assert Station.objects.filter(city_code="410100").count() == 348
    assert Station.objects.filter(city_code="410200", status=Station.Status.OPEN).count() == 319
    assert queries.figure(zhengzhou, "stations.active", first, last).total == 348
    assert queries.figure(kaifeng, "stations.active", first, last).total == 319
    per_day = queries.figure(zhengzhou, "stations.visits", first, last).total / 30
    assert 2_950 <= per_day < 3_000  # nearly 3000 a day
    assert queries.figure(kaifeng, "stations.visits", first, last).total >= 10_000

    before = _counts()
    load_demo(full=True)
    assert _counts() == before
    assert _report_text(first, last) == text
