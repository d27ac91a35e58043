"""Ticket lists and the API show the time left to each ticket's next deadline in words and
as a colour class (ok, soon, overdue), the colour never the only signal."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import verified_login
from nuanjia.hotline import services
from nuanjia.hotline.due import due_in
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def _ticket(agent, phone: str, *, accepted_by=None, **due) -> Ticket:
    ticket = services.open_ticket(by=agent, phone=phone, region_code="410108", kind=Kind.HELP,
                                  description=f"求助 {phone}", dispatch=True)  # fmt: skip
    if accepted_by:
        services.accept_ticket(ticket, by=accepted_by)
    Ticket.objects.filter(pk=ticket.pk).update(**due)  # the deadline under test
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def three(hotline_agent, caseworker):
    now = timezone.now()
    return {
        "ok": _ticket(hotline_agent, "13900000001", accepted_by=caseworker,
                      resolution_due_at=now + 49 * HOUR),
        "soon": _ticket(hotline_agent, "13900000002",
                        first_contact_due_at=now + datetime.timedelta(minutes=30, seconds=50)),
        "overdue": _ticket(hotline_agent, "13900000003", accepted_by=caseworker,
                           resolution_due_at=now - 3 * HOUR - datetime.timedelta(minutes=5)),
    }  # fmt: skip


def _row(page: str, number: str) -> str:
    start = page.index(number)
    return page[start : page.index("</tr>", start)]


def test_each_row_says_the_time_left_and_carries_its_colour_class(login, caseworker, three):
    page = login(caseworker).get(reverse("hotline:list")).content.decode()
    expected = {"ok": "剩余 2 天", "soon": "剩余 30 分钟", "overdue": "已超时 3 小时"}
    for state, ticket in three.items():
        row = _row(page, ticket.number)
        assert f'class="due due-{state}"' in row and expected[state] in row


def test_the_api_list_gives_the_same_figure(caseworker, three):
    client = Client()
    verified_login(client, caseworker)
    items = client.get("/api/v1/hotline/tickets").json()["items"]
    by_number = {item["number"]: item for item in items}
    ok, overdue = by_number[three["ok"].number], by_number[three["overdue"].number]
    assert ok["due_state"] == "ok" and 48 * 3600 < ok["due_in_seconds"] <= 49 * 3600
    assert ok["due_stage"] == "resolution" and ok["due_text"] == "剩余 2 天"
    assert overdue["due_state"] == "overdue" and overdue["due_in_seconds"] < -3 * 3600
    assert by_number[three["soon"].number]["due_stage"] == "first_contact"
    json.dumps(items)


def test_a_paused_ticket_says_its_clock_is_stopped_and_a_closed_one_has_no_deadline(
    hotline_agent, caseworker
):
    ticket = _ticket(hotline_agent, "13900000004", accepted_by=caseworker)
    services.pause_ticket(ticket, by=caseworker, reason="等待来电人补充材料")
    ticket.refresh_from_db()
    figure = due_in(ticket, timezone.now())
    assert figure.state == "paused" and figure.seconds is None and "暂停" in figure.text
    ticket.status = "closed"
    assert due_in(ticket, timezone.now()) is None
