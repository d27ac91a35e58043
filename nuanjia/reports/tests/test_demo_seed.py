"""The full demo (`nuanjia demo`) states the seed's figures from its rows (issue 20 item 6):
the province's campaign report, rendered from the facts the demo rebuilds at its end,
contains each figure of the campaign account; the 惠济区 restaurant worker's advance relief
shows one working day from his 12351 call to payment; over the demo's last 30 days 郑州's 348
rest stations serve nearly 3000 a day and 开封's 319 more than 1万, and 1899.4万元 of rent
has been relieved; a second load changes nothing. One full load (twice): slow.

SEED_FIGURES lists each figure the year's report text must contain and why."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.db.models import Sum
from django.utils import timezone

from nuanjia.core import clock
from nuanjia.demo import load_demo
from nuanjia.funds.demo import seed_year
from nuanjia.hotline.demo import HUANG, call_and_payment_days
from nuanjia.hotline.models import FastTrack
from nuanjia.orgs.models import Org, Staff
from nuanjia.reports import periods, queries
from nuanjia.reports.models_report import ReportTemplate
from nuanjia.reports.report_default import TITLE
from nuanjia.reports.report_render import render
from nuanjia.stations.models import Station

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# figure as the report writes it → why (where in the campaign account it comes from).
SEED_FIGURES: dict[str, str] = {
    "6144": "河南省总今年已拨付的困难职工帮扶和送温暖资金（万元）：第一批，送温暖+困难帮扶",
    "2560": "河南省总年底前再下拨（万元）：环卫工人免费早餐、户外劳动者驿站、困难职工帮扶",
}


def _counts() -> dict[str, int]:
    return {model._meta.db_table: model._default_manager.count() for model in apps.get_models()}


def _report_text(span: periods.Period) -> str:
    province = Org.objects.get(code="410000")
    template = ReportTemplate.objects.get(org=province, title=TITLE)
    leader = Staff.objects.get(username="sz_leader")
    return render(template, leader, province, span).text()


def _last_30_days() -> tuple[datetime.date, datetime.date]:
    last = clock.today()
    return last - datetime.timedelta(days=29), last


def _assert_stations_and_rent_relief() -> str:
    """The last 30 days: the stations' and rent relief's seed figures; the report text."""
    first, last = _last_30_days()
    text = _report_text(periods.days(first, last))
    assert "累计减免租金1899.4万元" in text
    assert "全省667家户外劳动者爱心驿站持续开放" in text  # 348 in 郑州, 319 in 开封
    zhengzhou, kaifeng = Org.objects.get(code="410100"), Org.objects.get(code="410200")
    assert Station.objects.filter(city_code="410100").count() == 348
    assert Station.objects.filter(city_code="410200", status=Station.Status.OPEN).count() == 319
    assert queries.figure(zhengzhou, "stations.active", first, last).total == 348
    assert queries.figure(kaifeng, "stations.active", first, last).total == 319
    per_day = queries.figure(zhengzhou, "stations.visits", first, last).total / 30
    assert 2_950 <= per_day < 3_000  # nearly 3000 a day
    assert queries.figure(kaifeng, "stations.visits", first, last).total >= 10_000
    return text


def test_the_full_demo_states_the_seed_figures_and_loads_once():
    load_demo(full=True)
    text = _report_text(periods.Period(periods.YEAR, seed_year()))
    missing = {figure: why for figure, why in SEED_FIGURES.items() if figure not in text}
    assert not missing, text
    assert "在今年已拨付6144万元" in text and "年底前再下拨2560万元" in text

    # 惠济区: 黄晓东 called 12351 and was paid 2500元 of advance relief the next working day.
    fast_track = FastTrack.objects.select_related("ticket", "grant").get(ticket__description=HUANG)
    called = timezone.localtime(fast_track.ticket.received_at).date()
    assert (called, fast_track.paid_on) == call_and_payment_days(timezone.localdate())
    assert fast_track.grant.amount_fen == 250_000 and fast_track.grant.status == "paid"
    assert fast_track.days_to_payment == 1
    paid_year = _report_text(periods.Period(periods.YEAR, fast_track.paid_on.year))
    assert "先行救助从来电到发放平均1个工作日" in paid_year
    fast = FastTrack.objects.filter(paid_on__year=fast_track.paid_on.year, is_cancelled=False)
    assert fast.aggregate(days=Sum("days_to_payment"))["days"] == fast.count()

    recent = _assert_stations_and_rent_relief()

    before = _counts()
    load_demo(full=True)
    assert _counts() == before
    assert _report_text(periods.days(*_last_30_days())) == recent
