"""Hotline pages and API: the desk, a ticket's steps, escaping, the export, the figures, the
public pages with their rate limits and no enumeration, and the permission matrix."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from nuanjia.core.tests.exports import export_book, last_export_event
from nuanjia.hotline import services
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind, Satisfaction, Status
from nuanjia.orgs.models import Org
from nuanjia.people import services as people

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
PHONE = "13812345678"


def intake(**overrides):
    data = {"phone": PHONE, "caller_name": "李师傅", "channel": "phone", "region_code": "410108",
            "employer_name": "", "kind": Kind.COMPLAINT, "ticket_class": "general",
            "description": "拖欠工资", "dispatch": "on", "dispatch_to": "", "reason": ""}  # fmt: skip
    data.update(overrides)
    return data


def test_agent_takes_a_call_on_the_desk_and_it_is_routed(login, hotline_agent):
    client = login(hotline_agent)
    assert client.get(reverse("hotline:desk")).status_code == 200
    response = client.post(reverse("hotline:desk"), intake())
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "hotline:detail", args=[ticket.pk]
    )
    assert ticket.status == Status.DISPATCHED and ticket.org.code == "410108"
    page = client.get(response.url).content.decode()
    assert ticket.number in page and "惠济区" in page


def test_desk_refuses_bad_input_with_the_field_named(login, hotline_agent):
    client = login(hotline_agent)
    response = client.post(reverse("hotline:desk"), intake(phone="123", description=""))
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "phone" in response.context["form"].errors


def test_caller_lookup_shows_the_worker_record_and_earlier_tickets(
    login, hotline_agent, caseworker
):
    huiji = Org.objects.get(code="410108")
    worker = people.register_worker(org=huiji, by=caseworker, name="黄晓东", phone=PHONE)
    services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108", kind=Kind.CONSULT,
                         description="咨询")  # fmt: skip
    client = login(hotline_agent)
    page = client.get(reverse("hotline:lookup"), {"phone": PHONE, "region_code": "410108"})
    text = page.content.decode()
    assert "黄晓东" in text and f'data-pick-worker="{worker.pk}"' in text
    assert "12351-" in text and "惠济区" in text


def test_html_in_every_field_is_escaped_on_pages_and_formula_safe_in_the_export(
    login, hotline_agent
):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, caller_name="<b>x</b>",
                                  region_code="410108", kind=Kind.HELP, employer_name=SCRIPT,
                                  description=f"=HYPERLINK(\"x\") {SCRIPT}")  # fmt: skip
    client = login(hotline_agent)
    for url in (reverse("hotline:detail", args=[ticket.pk]), reverse("hotline:list")):
        text = client.get(url).content.decode()
        assert SCRIPT not in text and "<b>x</b>" not in text
    book = export_book(client.get(reverse("hotline:export")))
    row = [cell for cell in next(book.active.iter_rows(min_row=2, max_row=2))]
    description = row[9]
    assert description.value.startswith("=HYPERLINK") and description.data_type == "s"
    assert "138****5678" in [cell.value for cell in row]
    event = last_export_event()
    assert event.changes["list"] == "hotline.tickets" and event.changes["rows"] == 1


def test_step_pages_run_the_lifecycle(login, hotline_agent, caseworker, client):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.HELP, description="求助", dispatch=True)  # fmt: skip
    staff = Client()
    from conftest import verified_login

    verified_login(staff, caseworker)
    assert (
        staff.post(reverse("hotline:step_accept", args=[ticket.pk]), {"note": ""}).status_code
        == 302
    )
    response = staff.post(reverse("hotline:step_answer", args=[ticket.pk]), {"answer": ""})
    assert response.status_code == 200 and "answer" in response.context["form"].errors
    staff.post(reverse("hotline:step_answer", args=[ticket.pk]), {"answer": "已办理"})
    agent = login(hotline_agent)
    agent.post(reverse("hotline:step_call_back", args=[ticket.pk]),
               {"satisfaction": Satisfaction.SATISFIED, "comment": ""})  # fmt: skip
    agent.post(reverse("hotline:step_close", args=[ticket.pk]), {"note": ""})
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_a_step_the_role_does_not_hold_is_forbidden(login, hotline_agent, caseworker):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.HELP, description="求助")  # fmt: skip
    client = login(caseworker)
    assert client.post(reverse("hotline:step_dispatch", args=[ticket.pk]), {}).status_code == 403


def test_outsider_cannot_see_a_huiji_ticket(login, hotline_agent, outsider):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.HELP, description="求助")  # fmt: skip
    client = login(outsider)
    assert client.get(reverse("hotline:detail", args=[ticket.pk])).status_code == 404
    assert ticket.number not in client.get(reverse("hotline:list")).content.decode()
    assert client.get(reverse("hotline:list"), {"org": "410108"}).status_code == 404
    assert client.get(reverse("hotline:kpis"), {"org": "410108"}).status_code == 404


def test_list_page_query_count_does_not_grow_with_tickets(
    login, hotline_agent, django_assert_max_num_queries
):
    for number in range(30):
        services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                             kind=Kind.HELP, description=f"求助{number}")  # fmt: skip
    client = login(hotline_agent)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("hotline:list")).status_code == 200


def test_kpis_count_by_kind_and_drill_down(login, hotline_agent, leader):
    services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108", kind=Kind.HELP,
                         description="求助")  # fmt: skip
    client = login(leader)
    page = client.get(reverse("hotline:kpis"))
    assert page.context["figures"]["total"] == 1
    assert f"kind={Kind.HELP}" in page.content.decode()


# ---- Public pages -----------------------------------------------------------------------


def public_data(**overrides):
    data = {"caller_name": "张三", "phone": PHONE, "region_code": "410108",
            "employer_name": "", "kind": Kind.HELP, "description": "工资被拖欠"}  # fmt: skip
    data.update(overrides)
    return data


def test_public_page_takes_a_request_without_signing_in(tree):
    client = Client()
    assert client.get(reverse("hotline:public_submit")).status_code == 200
    response = client.post(reverse("hotline:public_submit"), public_data())
    ticket = Ticket.objects.get()
    assert response.status_code == 200 and ticket.number in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"description": ""}, "description"), ({"description": "字" * 2001}, "description"),
     ({"phone": "1234"}, "phone"), ({"phone": "0371-66668888"}, "phone")],
)  # fmt: skip
def test_public_page_refuses_bad_input(tree, overrides, field):
    response = Client().post(reverse("hotline:public_submit"), public_data(**overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_public_page_escapes_what_it_echoes(tree):
    response = Client().post(
        reverse("hotline:public_submit"), public_data(caller_name=SCRIPT, phone="x")
    )
    assert SCRIPT not in response.content.decode()


def test_public_submissions_are_rate_limited_per_phone_and_per_address(tree, settings):
    settings.HOTLINE_RATE_LIMITS = {"submit_phone": (2, 600), "submit_ip": (4, 600)}
    client = Client()
    codes = [client.post(reverse("hotline:public_submit"), public_data(description=f"事{n}")).status_code
             for n in range(3)]  # fmt: skip
    assert codes == [200, 200, 429]
    other = client.post(reverse("hotline:public_submit"), public_data(phone="13900001111"))
    assert other.status_code == 200
    last = client.post(reverse("hotline:public_submit"), public_data(phone="13900002222"))
    assert last.status_code == 429
    assert Ticket.objects.count() == 3


def test_follow_gives_the_same_answer_for_unknown_number_and_wrong_phone(tree):
    ticket, _ = services.submit_request(**public_data())
    client = Client()
    right = client.post(
        reverse("hotline:public_follow"), {"number": ticket.number, "last4": "5678"}
    )
    assert right.context["ticket"] == ticket
    wrong = client.post(
        reverse("hotline:public_follow"), {"number": ticket.number, "last4": "0000"}
    )
    unknown = client.post(
        reverse("hotline:public_follow"), {"number": "12351-20000101-0001", "last4": "0000"}
    )

    def strip(response):
        text = (
            response.content.decode().replace("12351-20000101-0001", "").replace(ticket.number, "")
        )
        return re.sub(r"[A-Za-z0-9]{64}", "", text)  # CSRF tokens differ per response

    assert wrong.context["not_found"] and unknown.context["not_found"]
    assert strip(wrong) == strip(unknown)


# ---- API --------------------------------------------------------------------------------


def test_public_api_submits_merges_duplicates_and_follows(tree):
    client = Client()
    url = "/api/v1/hotline/public/tickets"
    body = json.dumps(public_data())
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"] and Ticket.objects.count() == 1
    follow = client.post("/api/v1/hotline/public/follow",
                         json.dumps({"number": first.json()["number"], "last4": "5678"}),
                         content_type="application/json")  # fmt: skip
    assert follow.status_code == 200 and follow.json()["status"] == Status.RECEIVED
    missing = client.post("/api/v1/hotline/public/follow",
                          json.dumps({"number": "nope", "last4": "5678"}),
                          content_type="application/json")  # fmt: skip
    wrong = client.post("/api/v1/hotline/public/follow",
                        json.dumps({"number": first.json()["number"], "last4": "1111"}),
                        content_type="application/json")  # fmt: skip
    assert missing.status_code == wrong.status_code == 404 and missing.json() == wrong.json()


def test_public_api_refuses_bad_input_with_the_field(tree):
    response = Client().post("/api/v1/hotline/public/tickets",
                             json.dumps(public_data(description="")), content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and response.json()["field"] == "description"


def test_staff_api_opens_a_ticket_and_takes_steps(login, hotline_agent, caseworker):
    client = login(hotline_agent)
    created = client.post("/api/v1/hotline/tickets", json.dumps({
        "phone": PHONE, "region_code": "410108", "kind": Kind.HELP, "description": "求助",
        "dispatch": True}), content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    ticket_id = created.json()["id"]
    assert created.json()["status"] == Status.DISPATCHED
    refused = client.post(f"/api/v1/hotline/tickets/{ticket_id}/steps",
                          json.dumps({"step": "accept"}), content_type="application/json")  # fmt: skip
    assert refused.status_code == 200  # agents are handlers too
    events = client.get(f"/api/v1/hotline/tickets/{ticket_id}/events").json()
    assert [event["action"] for event in events] == ["received", "dispatched", "accepted"]
    bad = client.post(f"/api/v1/hotline/tickets/{ticket_id}/steps",
                      json.dumps({"step": "close"}), content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    assert (
        client.get("/api/v1/hotline/caller", {"phone": PHONE}).json()["tickets"][0]["id"]
        == ticket_id
    )


def test_a_public_ticket_is_linked_to_the_worker_found_by_its_phone(login, caseworker, tree):
    huiji = Org.objects.get(code="410108")
    worker = people.register_worker(org=huiji, by=caseworker, name="黄晓东", phone=PHONE)
    ticket, _ = services.submit_request(**public_data())
    client = login(caseworker)
    page = client.get(reverse("hotline:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="link-worker"' in page
    client.post(reverse("hotline:link_worker", args=[ticket.pk]), {"worker": worker.pk})
    ticket.refresh_from_db()
    assert ticket.worker == worker
    assert ticket.events.filter(action="worker_linked").exists()


def test_the_desk_warns_when_next_years_holidays_are_missing(login, hotline_agent):
    import time_machine

    from nuanjia.hotline.tests.conftest import at

    with time_machine.travel(at(2026, 11, 29, 10), tick=False):
        page = login(hotline_agent).get(reverse("hotline:desk"))
    assert any("2027" in warning for warning in page.context["warnings"])


def test_the_sweep_is_registered_and_no_payment_poll():
    from nuanjia.core import schedule

    names = {job.name for job in schedule.jobs()}
    assert "hotline.sweep_deadlines" in names
    assert "hotline.fast_track_payments" not in names  # relief's grants_paid signal instead


def test_kpis_of_a_county_inside_the_leaders_city_and_not_outside(login, hotline_agent, leader):
    services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108", kind=Kind.HELP,
                         description="求助")  # fmt: skip
    client = login(leader)
    assert client.get(reverse("hotline:kpis"), {"org": "410108"}).context["figures"]["total"] == 1
    assert client.get(reverse("hotline:kpis"), {"org": "410102"}).context["figures"]["total"] == 0
    assert client.get(reverse("hotline:kpis"), {"org": "410204"}).status_code == 404
