"""A paid advance relief shows on its ticket and in the KPIs at once: relief's grants_paid
signal, sent in the paying transaction, records it — no periodic job runs in these tests."""

import csv
import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from nuanjia.core import schedule
from nuanjia.core.imports import SheetSource
from nuanjia.hotline import services
from nuanjia.hotline.models import FastTrack
from nuanjia.hotline.rules import Kind
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker
from nuanjia.relief import services as relief
from nuanjia.relief.models import Grant

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YUAN = 100
MONDAY = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=SHANGHAI)
TUESDAY = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def approved_fast_track(money, hotline_agent, caseworker, approver):
    """An urgent 12351 call on Monday, an advance relief of 2,500 元 approved the same day."""
    from nuanjia.core.crypto import encrypt

    worker = Worker.objects.create(
        org=Org.objects.get(code="410108"), name="黄晓东", name_pinyin="huangxiaodong",
        region_code="410108", phone="13838100010", id_number_index="hotline-paid-1",
        id_number_masked="4101**********123X", bank_name="中国工商银行",
        bank_account_encrypted=encrypt("6222021234567890123"), bank_account_masked="6222****0123",
    )  # fmt: skip
    with time_machine.travel(MONDAY, tick=False):
        ticket = services.open_ticket(
            by=hotline_agent, phone="13838100010", region_code="410108", kind=Kind.HELP,
            is_urgent=True, worker=worker, dispatch=True, description="欠薪三个月，急需帮助。",
        )  # fmt: skip
        services.accept_ticket(ticket, by=caseworker, note="已核实")
        fast_track = services.open_fast_track(
            ticket, by=caseworker, amount_fen=2_500 * YUAN, cause="欠薪致生活困难"
        )
        services.approve_fast_track(fast_track, by=approver)
    return fast_track


def _bank_says_paid(batch, finance) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("参考号", "结果", "原因"))
    writer.writerows((ref, "成功", "") for ref in batch.lines.values_list("reference", flat=True))
    source = SheetSource(io.BytesIO(buffer.getvalue().encode("utf-8")), name="result.csv")
    assert relief.import_bank_results(batch, source, by=finance).committed


def _pay(grant: Grant, money, finance, how: str) -> None:
    batch = relief.build_batch(grant.org, money, by=finance, grant_ids=[grant.pk])
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="先行救助发放")
    if how == "confirmed":
        relief.confirm_payment(grant, by=finance)
    else:
        _bank_says_paid(batch, finance)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("how", ["confirmed", "bank result file"])
def test_a_paid_advance_relief_shows_on_its_ticket_and_in_the_kpis_at_once(
    how, approved_fast_track, money, finance, caseworker, login
):
    assert "hotline.fast_track_payments" not in {job.name for job in schedule.jobs()}
    grant = approved_fast_track.grant
    with time_machine.travel(TUESDAY, tick=False):
        _pay(grant, money, finance, how)
        client = login(caseworker)
        ticket_page = client.get(reverse("hotline:detail", args=[approved_fast_track.ticket_id]))
        kpi_page = client.get(reverse("hotline:kpis"))
    grant.refresh_from_db()
    assert grant.status == "paid"
    fast_track = FastTrack.objects.get(pk=approved_fast_track.pk)
    assert fast_track.paid_on == datetime.date(2026, 3, 3) and fast_track.days_to_payment == 1
    assert fast_track.paperwork_due_on == datetime.date(2026, 3, 17)  # 10 working days on
    paid_event = fast_track.ticket.events.get(action="fast_track_paid")
    assert paid_event.by == finance  # who confirmed it, or imported the bank's results
    shown = re.search(r'data-testid="time-to-payment">([^<]*)<', _text(ticket_page)).group(1)
    assert "1" in shown
    paperwork = reverse("hotline:fast_track_paperwork", args=[approved_fast_track.ticket_id])
    assert f'action="{paperwork}"' in _text(ticket_page)  # the paperwork is due now
    figures = kpi_page.context["figures"]
    assert figures["fast_track_count"] == 1 and figures["fast_track_average_days"] == 1


def test_a_payment_is_recorded_once(approved_fast_track, money, finance):
    grant = approved_fast_track.grant
    with time_machine.travel(TUESDAY, tick=False):
        _pay(grant, money, finance, "confirmed")
        relief.confirm_payment(grant, by=finance)  # clicked again: nothing more
    assert approved_fast_track.ticket.events.filter(action="fast_track_paid").count() == 1


def test_the_paperwork_of_a_paid_advance_relief_is_completed_from_the_ticket(
    approved_fast_track, money, finance, caseworker, login
):
    ticket_id = approved_fast_track.ticket_id
    paperwork = reverse("hotline:fast_track_paperwork", args=[ticket_id])
    with time_machine.travel(TUESDAY, tick=False):
        client = login(caseworker)
        assert client.post(paperwork).status_code == 404  # not paid yet: nothing waits
        _pay(approved_fast_track.grant, money, finance, "confirmed")
        response = client.post(paperwork)
    assert response.status_code == 302
    fast_track = FastTrack.objects.get(pk=approved_fast_track.pk)
    assert fast_track.paperwork_done_on == datetime.date(2026, 3, 3)
