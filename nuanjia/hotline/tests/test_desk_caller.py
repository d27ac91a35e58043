"""The agent's desk shows a caller's earlier tickets as the number is typed into the intake
form (the htmx lookup), when the desk opens with the number (a softphone's link) and after a
refused submission; the API's caller lookup gives the same. Within the agent's scope, the
most recent first, whatever way the number is written."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.hotline import services
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Channel, Kind
from nuanjia.orgs.models import Org
from nuanjia.people import services as people

pytestmark = pytest.mark.django_db
PHONE = "13838100022"


@pytest.fixture
def history(hotline_agent, caseworker, outsider):
    """Three earlier tickets of the number in 郑州 (web, desk, and one linked to the caller's
    worker record but rung from another phone), one in 开封, one of another caller."""
    huiji = Org.objects.get(code="410108")
    worker = people.register_worker(org=huiji, by=caseworker, name="陈女士", phone=PHONE)
    web, _ = services.submit_request(caller_name="陈女士", phone=PHONE, region_code="410108",
                                     kind=Kind.LEGAL, description="社保", channel=Channel.WEB)  # fmt: skip
    desk = services.open_ticket(by=hotline_agent, phone="138 3810 0022", region_code="410108",
                                kind=Kind.CONSULT, description="咨询入会")  # fmt: skip
    linked = services.open_ticket(by=hotline_agent, phone="13900000009", region_code="410108",
                                  kind=Kind.HELP, description="家里电话打来", worker=worker)  # fmt: skip
    kaifeng = services.open_ticket(by=outsider, phone=PHONE, region_code="410204",
                                   kind=Kind.HELP, description="开封求助")  # fmt: skip
    other = services.open_ticket(by=hotline_agent, phone="13900000001", region_code="410108",
                                 kind=Kind.HELP, description="别人")  # fmt: skip
    day = datetime.timedelta(days=1)
    for ticket, days_ago in ((web, 30), (desk, 10), (linked, 3)):
        Ticket.objects.filter(pk=ticket.pk).update(received_at=ticket.received_at - days_ago * day)
    return {"newest_first": [linked, desk, web], "kaifeng": kaifeng, "other": other}


def _numbers_in_order(page: str, tickets) -> list[int]:
    return [page.index(ticket.number) for ticket in tickets]


def _assert_earlier_tickets(page: str, history):
    wanted = history["newest_first"]
    positions = _numbers_in_order(page, wanted)
    assert positions == sorted(positions)  # most recent first
    for ticket in wanted:
        assert reverse("hotline:detail", args=[ticket.pk]) in page
        assert ticket.received_at.strftime("%Y-") in page
    assert "法律援助" in page and "咨询" in page  # kinds
    assert history["kaifeng"].number not in page and history["other"].number not in page


def test_typing_the_number_into_the_intake_form_shows_the_earlier_tickets(
    login, city_agent, history
):
    client = login(city_agent)
    desk = client.get(reverse("hotline:desk")).content.decode()
    assert 'hx-get="/hotline/lookup/"' in desk and "from:#id_phone" in desk
    panel = client.get(reverse("hotline:lookup"), {"phone": "+86 138-3810-0022",
                       "region_code": "", "employer_name": ""}, headers={"HX-Request": "true"})  # fmt: skip
    _assert_earlier_tickets(panel.content.decode(), history)


def test_the_desk_opened_with_the_number_or_refused_shows_them_with_the_page(
    login, city_agent, history
):
    client = login(city_agent)
    opened = client.get(reverse("hotline:desk"), {"phone": PHONE}).content.decode()
    _assert_earlier_tickets(opened, history)
    assert f'value="{PHONE}"' in opened
    refused = client.post(reverse("hotline:desk"), {"phone": PHONE, "region_code": "",
                          "kind": Kind.HELP, "channel": "phone", "ticket_class": "general",
                          "description": ""}).content.decode()  # fmt: skip
    _assert_earlier_tickets(refused, history)


def test_the_api_caller_lookup_returns_the_earlier_tickets(city_agent, history):
    client = Client()
    verified_login(client, city_agent)
    body = client.get("/api/v1/hotline/caller", {"phone": PHONE}).json()
    numbers = [item["number"] for item in body["tickets"]]
    assert numbers == [ticket.number for ticket in history["newest_first"]]
    first = body["tickets"][0]
    assert first["kind_label"] == "帮扶救助" and first["status_label"] and first["received_at"]
    assert body["more"] is False and [worker["name"] for worker in body["workers"]] == ["陈女士"]
    json.dumps(body)
