"""The full demo (`nuanjia demo`) states the seed's figures from its rows (issue 20 item 6):
the province's campaign report, rendered from the facts the demo rebuilds at its end,
contains each figure of the campaign account; the 惠济区 restaurant worker's advance relief
shows one working day from his 12351 call to payment; a second load changes nothing.

SEED_FIGURES lists each figure the report text must contain and why (the helpers who load
the other seed rows add theirs here)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Sum
from django.utils import timezone

from nuanjia.demo import load_demo
from nuanjia.funds.demo import seed_year
from nuanjia.hotline.demo import HUANG, call_and_payment_days
from nuanjia.hotline.models import FastTrack
from nuanjia.orgs.models import Org, Staff
from nuanjia.reports import periods
from nuanjia.reports.models_report import ReportTemplate
from nuanjia.reports.report_default import TITLE
from nuanjia.reports.report_render import render

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# figure as the report writes it → why (where in the campaign account it comes from).
SEED_FIGURES: dict[str, str] = {
    "6144": "河南省总今年已拨付的困难职工帮扶和送温暖资金（万元）：第一批，送温暖+困难帮扶",
    "2560": "河南省总年底前再下拨（万元）：环卫工人免费早餐、户外劳动者驿站、困难职工帮扶",
    # --- demobulk extends this list: 1071.5, 1274, 1899.4, 348, 319 ---
}


def _counts() -> dict[str, int]:
    return {model._meta.db_table: model.objects.count() for model in apps.get_models()}


def _report_text(year: int) -> str:
    province = Org.objects.get(code="410000")
    template = ReportTemplate.objects.get(org=province, title=TITLE)
    leader = Staff.objects.get(username="sz_leader")
    return render(template, leader, province, periods.Period(periods.YEAR, year)).text()


def test_the_full_demo_states_the_seed_figures_and_loads_once():
    load_demo(full=True)
    text = _report_text(seed_year())
    missing = {figure: why for figure, why in SEED_FIGURES.items() if figure not in text}
    assert not missing, text
    assert "在今年已拨付6144万元" in text and "年底前再下拨2560万元" in text

    # 惠济区: 黄晓东 called 12351 and was paid 2500元 of advance relief the next working day.
    fast_track = FastTrack.objects.select_related("ticket", "grant").get(ticket__description=HUANG)
    called = timezone.localtime(fast_track.ticket.received_at).date()
    assert (called, fast_track.paid_on) == call_and_payment_days(timezone.localdate())
    assert fast_track.grant.amount_fen == 250_000 and fast_track.grant.status == "paid"
    assert fast_track.days_to_payment == 1
    paid_year = _report_text(fast_track.paid_on.year)
    assert "先行救助从来电到发放平均1个工作日" in paid_year
    fast = FastTrack.objects.filter(paid_on__year=fast_track.paid_on.year, is_cancelled=False)
    assert fast.aggregate(days=Sum("days_to_payment"))["days"] == fast.count()

    before = _counts()
    load_demo(full=True)
    assert _counts() == before
