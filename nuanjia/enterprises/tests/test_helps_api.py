"""Help for struggling firms in the API: proposed by a caseworker, waiting in the approvers'
queue, approved and paid by another person from the ledger; the caps refuse in the one error
shape naming the field; a cancelled help waits no more; each step audited."""

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.core.audit import AuditEvent
from nuanjia.enterprises.rules import HelpStatus
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

from .support import *  # noqa: F403 -- the fixtures
from .support import make_firm

pytestmark = pytest.mark.django_db
API = "/api/v1/enterprises/helps"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _body(firm, yuan, **more):
    return {"firm_id": firm.pk, "earmark": "hardship", "amount_fen": yuan * 100,
            "workers_reached": 30, "purpose": "稳岗纾困", "helped_on": "2026-03-01", **more}  # fmt: skip


def _signed_in(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def test_a_help_proposed_queued_approved_and_paid_through_the_api(caseworker, approver, make_staff):
    money = make_staff("410108", "finance", username="hj_help_api_finance")
    funds.receive(Org.objects.get(code="410108"), Earmark.objects.get(code="hardship"),
                  100_000_000, source="财政", by=money)  # fmt: skip
    firm = make_firm(caseworker)
    maker = _signed_in(caseworker)
    too_much = _post(maker, API, _body(firm, 200_001))
    assert too_much.status_code == 400 and too_much.json()["field"] == "amount"
    bad_day = _post(maker, API, _body(firm, 1000, helped_on="2026-02-30"))
    assert bad_day.status_code == 400 and bad_day.json()["field"] == "helped_on"
    made = _post(maker, API, _body(firm, 200_000))
    assert made.status_code == 201, made.json()
    help_id = made.json()["id"]
    assert made.json()["status"] == HelpStatus.PROPOSED and "approve" not in made.json()["steps"]
    refused = _post(maker, f"{API}/{help_id}/approve", {})
    assert refused.status_code == 403  # the maker does not check

    checker = _signed_in(approver)
    queue = checker.get(API, {"queue": "approver"}).json()["items"]
    assert [row["id"] for row in queue] == [help_id]
    paid = _post(checker, f"{API}/{help_id}/approve", {})
    assert paid.status_code == 200, paid.json()
    assert paid.json()["status"] == HelpStatus.PAID
    assert checker.get(API, {"queue": "approver"}).json()["items"] == []
    assert first_discrepancy() is None

    other = _post(maker, API, _body(firm, 1000))
    cancelled = _post(maker, f"{API}/{other.json()['id']}/cancel", {"note": "企业已恢复经营"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == HelpStatus.CANCELLED
    actions = set(AuditEvent.objects.filter(action__startswith="enterprises.help").values_list(
        "action", flat=True))  # fmt: skip
    assert len(actions) >= 3
    assert maker.get(f"{API}/{help_id}").json()["events"]
