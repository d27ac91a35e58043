"""The staff API of tickets: one operation per lifecycle step (besides the older `/steps`
operation) and advance relief (先行救助) opened, approved and completed from a ticket."""

import io
import json

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.core.crypto import encrypt
from nuanjia.core.models import AuditEvent
from nuanjia.hotline import services
from nuanjia.hotline.rules import Kind, Status
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker
from nuanjia.relief import services as relief

pytestmark = pytest.mark.django_db
PHONE = "13838100010"
API = "/api/v1/hotline/tickets"


def client_of(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_each_step_has_its_own_operation_from_intake_to_closing(hotline_agent, caseworker):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.CONSULT, description="咨询工资")  # fmt: skip
    agent, union = client_of(hotline_agent), client_of(caseworker)
    url = f"{API}/{ticket.pk}"
    assert post(agent, f"{url}/dispatch", {}).json()["status"] == Status.DISPATCHED
    assert post(union, f"{url}/accept", {"note": "已联系"}).json()["status"] == Status.ACCEPTED
    paused = post(union, f"{url}/pause", {"reason": "等待来电人提供工资条"}).json()
    assert paused["is_paused"] and paused["steps"] == ["transfer", "resume"]
    refused = post(union, f"{url}/answer", {"answer": "已答复"})
    assert refused.status_code == 400 and refused.json()["code"] == "paused"
    assert not post(union, f"{url}/resume").json()["is_paused"]
    assert post(union, f"{url}/answer", {"answer": "已答复"}).json()["status"] == Status.ANSWERED
    called = post(agent, f"{url}/call-back", {"satisfaction": "satisfied"})
    assert called.json()["status"] == Status.CALLED_BACK
    assert post(agent, f"{url}/close").json()["status"] == Status.CLOSED
    actions = [event["action"] for event in agent.get(f"{url}/events").json()]
    assert actions == ["received", "dispatched", "accepted", "paused", "resumed", "answered",
                       "called_back", "closed"]  # fmt: skip


def test_a_step_operation_refuses_the_wrong_role_the_wrong_state_and_a_bad_body(
    hotline_agent, caseworker, outsider
):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.CONSULT, description="咨询", dispatch=True)  # fmt: skip
    url = f"{API}/{ticket.pk}"
    denied = post(client_of(caseworker), f"{url}/close")
    assert denied.status_code == 403
    assert AuditEvent.objects.filter(
        action="access.denied", changes__permission="hotline.close"
    ).exists()
    assert post(client_of(hotline_agent), f"{url}/dispatch").status_code == 400  # already sent
    assert post(client_of(caseworker), f"{url}/return", {}).status_code == 422  # no reason
    assert post(client_of(outsider), f"{url}/accept").status_code in (403, 404)
    unknown_union = post(client_of(caseworker), f"{url}/transfer",
                         {"org_code": "999999", "reason": "不归我们"})  # fmt: skip
    assert unknown_union.status_code == 400 and unknown_union.json()["field"] == "org_code"
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


@pytest.fixture
def worker(tree):
    """A worker with a bank account, so that advance relief can be paid to them."""
    return Worker.objects.create(
        org=Org.objects.get(code="410108"), name="黄晓东", region_code="410108", phone=PHONE,
        bank_name="中国工商银行", bank_account_encrypted=encrypt("6222021234567890123"),
        bank_account_masked="6222****0123",
    )  # fmt: skip


def test_advance_relief_is_opened_approved_and_completed_through_the_api(
    hotline_agent, caseworker, approver, finance, worker, money
):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.HELP, is_urgent=True, worker=worker,
                                  description="欠薪致生活困难", dispatch=True)  # fmt: skip
    url = f"{API}/{ticket.pk}/fast-track"
    union = client_of(caseworker)
    assert (
        post(client_of(hotline_agent), url, {"amount_fen": 250_000, "cause": "欠薪"}).status_code
        == 403
    )
    over = post(union, url, {"amount_fen": 10_000_000, "cause": "欠薪"})
    assert over.status_code == 400 and over.json()["field"] == "amount_fen"
    opened = post(union, url, {"amount_fen": 250_000, "cause": "欠薪"})
    assert opened.status_code == 201 and opened.json()["grant_status"] == "proposed"
    assert post(union, f"{url}/approve").status_code == 403  # a caseworker is no approver
    approved = post(client_of(approver), f"{url}/approve")
    assert approved.status_code == 200 and approved.json()["grant_status"] == "approved"
    assert post(client_of(approver), f"{url}/approve").status_code == 404  # nothing waits
    assert post(union, f"{url}/paperwork").status_code == 404  # not paid yet
    grant = ticket.fast_tracks.get().grant
    batch = relief.build_batch(grant.org, money, by=finance, grant_ids=[grant.pk])
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="先行救助发放")
    relief.confirm_payment(grant, by=finance)
    done = post(union, f"{url}/paperwork", {"note": "申请表、证明已补齐"})
    assert done.status_code == 200, done.content
    fast_track = ticket.fast_tracks.get()
    assert fast_track.paperwork_done_on is not None
    detail = union.get(f"{API}/{ticket.pk}").json()
    assert detail["fast_tracks"][0]["grant_status"] == "paid"


def test_an_out_of_scope_ticket_has_no_advance_relief_through_the_api(
    hotline_agent, worker, make_staff
):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.HELP, is_urgent=True, worker=worker,
                                  description="欠薪", dispatch=True)  # fmt: skip
    elsewhere = make_staff("410102", "caseworker", username="zy_case")
    refused = post(client_of(elsewhere), f"{API}/{ticket.pk}/fast-track",
                   {"amount_fen": 100_000, "cause": "欠薪"})  # fmt: skip
    assert refused.status_code == 404
    assert not ticket.fast_tracks.exists()


def test_the_paperwork_page_records_the_paperwork(hotline_agent, caseworker, approver, finance,
                                                  worker, money):  # fmt: skip
    from django.urls import reverse

    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.HELP, is_urgent=True, worker=worker,
                                  description="欠薪", dispatch=True)  # fmt: skip
    fast_track = services.open_fast_track(ticket, by=caseworker, amount_fen=100_000, cause="欠薪")
    services.approve_fast_track(fast_track, by=approver)
    grant = fast_track.grant
    batch = relief.build_batch(grant.org, money, by=finance, grant_ids=[grant.pk])
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="先行救助发放")
    relief.confirm_payment(grant, by=finance)
    response = client_of(caseworker).post(reverse("hotline:fast_track_paperwork", args=[ticket.pk]))
    assert response.status_code == 302
    fast_track.refresh_from_db()
    assert fast_track.paperwork_done_on is not None
