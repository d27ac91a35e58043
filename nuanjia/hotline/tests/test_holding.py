"""Tickets taken by a named person (认领): who may take, release and reassign, the 我的工单
queue on lists, the desk, the home page's to-do and the API, with history and audit."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.hotline import services
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind
from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def ticket(hotline_agent):
    return services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                kind=Kind.HELP, description="求助", dispatch=True)  # fmt: skip


def test_a_caseworker_takes_a_ticket_from_its_page_and_it_is_theirs_by_name(
    login, caseworker, ticket
):
    client = login(caseworker)
    page = client.get(reverse("hotline:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="take"' in page
    response = client.post(reverse("hotline:hold", args=[ticket.pk]), {"action": "take"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.holder == caseworker and ticket.held_since is not None
    page = client.get(reverse("hotline:detail", args=[ticket.pk])).content.decode()
    assert caseworker.full_name in page and 'data-testid="release"' in page
    assert ticket.events.filter(action="taken", by=caseworker).count() == 1
    event = AuditEvent.objects.get(action="hotline.taken")
    assert event.changes["holder"] == ["", caseworker.full_name]


def test_my_tickets_in_the_list_the_desk_queues_and_the_home_page(
    login, caseworker, hotline_agent, ticket
):
    other = services.open_ticket(by=hotline_agent, phone="13912345678", region_code="410108",
                                 kind=Kind.HELP, description="另一件", dispatch=True)  # fmt: skip
    services.take_ticket(ticket, by=caseworker)
    client = login(caseworker)
    mine = client.get(reverse("hotline:list"), {"mine": "1"}).content.decode()
    assert ticket.number in mine and other.number not in mine
    everything = client.get(reverse("hotline:list")).content.decode()
    assert caseworker.full_name in everything  # who holds each ticket
    home = client.get(reverse("desk:home")).content.decode()
    assert "我的工单" in home and "?mine=1" in home
    desk = client.get(reverse("hotline:desk")).content.decode()
    assert "mine=1" in desk


def test_someone_else_cannot_take_a_held_ticket_and_only_the_holder_releases(
    caseworker, reviewer, ticket
):
    services.take_ticket(ticket, by=caseworker)
    with pytest.raises(RuleViolation) as taken:
        services.take_ticket(ticket, by=reviewer)
    assert caseworker.full_name in taken.value.message
    with pytest.raises(RuleViolation):
        services.release_ticket(ticket, by=reviewer)
    services.release_ticket(ticket, by=caseworker)
    ticket.refresh_from_db()
    assert ticket.holder is None
    assert list(ticket.events.filter(action__in=("taken", "released"))
                .order_by("id").values_list("action", flat=True)) == ["taken", "released"]  # fmt: skip


def test_a_role_that_cannot_work_the_ticket_is_refused_and_the_refusal_audited(
    login, make_staff, ticket
):
    keeper = make_staff("410108", Role.STATION_KEEPER, username="hj_keeper_take")
    client = login(keeper)
    response = client.post(reverse("hotline:hold", args=[ticket.pk]), {"action": "take"})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.holder is None
    assert AuditEvent.objects.filter(action="access.denied", actor=keeper).exists()


def test_a_supervisor_reassigns_within_scope_with_a_reason(
    login, caseworker, reviewer, approver, make_staff, ticket
):
    services.take_ticket(ticket, by=caseworker)
    outsider = make_staff("410204", Role.CASEWORKER, username="kf_take")
    client = login(approver)
    url = reverse("hotline:hold", args=[ticket.pk])
    page = client.get(reverse("hotline:detail", args=[ticket.pk])).content.decode()
    assert f'value="{reviewer.pk}"' in page and f'value="{outsider.pk}"' not in page
    client.post(url, {"action": "reassign", "holder": outsider.pk, "reason": "换人"})
    client.post(url, {"action": "reassign", "holder": reviewer.pk, "reason": ""})
    ticket.refresh_from_db()
    assert ticket.holder == caseworker  # out of scope, then no reason: nothing changed
    client.post(url, {"action": "reassign", "holder": reviewer.pk, "reason": "休假"})
    ticket.refresh_from_db()
    assert ticket.holder == reviewer
    event = ticket.events.get(action="reassigned")
    assert event.by == approver and event.note == "休假"


def test_a_caseworker_cannot_reassign(caseworker, reviewer, ticket):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.change_holder(ticket, by=caseworker, action="reassign", holder_id=reviewer.pk,
                               reason="x")  # fmt: skip


def test_a_ticket_sent_to_another_union_leaves_its_holders_hands(caseworker, ticket):
    from nuanjia.orgs.models import Org

    services.take_ticket(ticket, by=caseworker)
    services.transfer_ticket(ticket, by=caseworker, org=Org.objects.get(code="410100"),
                             reason="不属本区")  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.holder is None


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_takes_releases_and_lists_my_tickets(caseworker, ticket):
    client = Client()
    verified_login(client, caseworker)
    url = f"/api/v1/hotline/tickets/{ticket.pk}/holder"
    body = post(client, url, {"action": "take"}).json()
    assert body["holder_id"] == caseworker.pk and body["holder_name"] == caseworker.full_name
    mine = client.get("/api/v1/hotline/tickets", {"mine": "true"}).json()
    assert [item["number"] for item in mine["items"]] == [ticket.number]
    refused = post(client, url, {"action": "reassign", "holder_id": caseworker.pk, "reason": "x"})
    assert refused.status_code == 403
    post(client, url, {"action": "release"})
    assert Ticket.objects.get(pk=ticket.pk).holder is None
    assert client.get("/api/v1/hotline/tickets", {"mine": "true"}).json()["items"] == []
