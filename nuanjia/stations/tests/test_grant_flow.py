"""Station grants on the workflow engine: one history row per step, refusals of role and
scope are 403s with an audit record, and the API offers each step at its own path."""

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.core.models import AuditEvent
from nuanjia.stations import services
from nuanjia.stations.models import StationGrant
from nuanjia.stations.workflow import GRANT_FLOW, GrantStep

pytestmark = pytest.mark.django_db
API = "/api/v1/stations"


@pytest.fixture
def grant(funded, keeper, make_station):
    return services.propose_station_grant(
        make_station(), kind="upkeep", amount_fen=200_000, purpose="更换空调", by=keeper
    )


def test_every_step_leaves_one_history_row_and_one_audit_event(grant, approver, finance):
    services.approve_station_grant(grant, by=approver)
    services.pay_station_grant(grant, by=finance)
    history = list(grant.events.values_list("action", "from_status", "to_status"))
    assert history == [
        ("grant_proposed", "", "proposed"),
        ("grant_approved", "proposed", "approved"),
        ("grant_paid", "approved", "paid"),
    ]
    actions = AuditEvent.objects.filter(action__startswith="station.grant")
    assert sorted(actions.values_list("action", flat=True)) == [
        "station.grant_approved",
        "station.grant_paid",
        "station.grant_proposed",
    ]


def test_a_keeper_cannot_approve_and_the_refusal_is_audited(grant, keeper):
    with pytest.raises(PermissionDenied):
        GRANT_FLOW.take_step(grant, GrantStep.APPROVE, by=keeper, where="test")
    grant.refresh_from_db()
    assert grant.status == StationGrant.Status.PROPOSED
    assert AuditEvent.objects.filter(action="access.denied", success=False).exists()


def test_an_approved_grant_is_cancelled_only_with_a_reason_and_its_money_comes_back(
    grant, approver, funded
):
    from nuanjia.core.errors import RuleViolation

    services.approve_station_grant(grant, by=approver)
    with pytest.raises(RuleViolation):
        services.cancel_station_grant(grant, by=approver, reason="")
    services.cancel_station_grant(grant, by=approver, reason="改由企业出资")
    funded.refresh_from_db()
    assert (funded.available_fen, funded.reserved_fen) == (10_000_000, 0)


def test_a_keeper_cannot_cancel_an_approved_grant(grant, approver, keeper):
    services.approve_station_grant(grant, by=approver)
    with pytest.raises(PermissionDenied):
        GRANT_FLOW.take_step(grant, GrantStep.CANCEL, by=keeper, note="不要了")


def test_the_api_takes_each_step_and_shows_the_history(grant, approver, finance, login):
    client = login(approver)
    response = client.post(
        f"{API}/grants/{grant.pk}/approve", {"note": "同意"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved"
    assert [event["action"] for event in body["events"]] == ["grant_proposed", "grant_approved"]
    refused = client.post(f"{API}/grants/{grant.pk}/pay", {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    client = login(finance)
    paid = client.post(f"{API}/grants/{grant.pk}/pay", {}, content_type="application/json")
    assert paid.json()["status"] == "paid"
    again = client.post(f"{API}/grants/{grant.pk}/pay", {}, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_transition"


def test_the_api_refuses_a_cancel_without_its_reason(grant, approver, login):
    services.approve_station_grant(grant, by=approver)
    client = login(approver)
    response = client.post(f"{API}/grants/{grant.pk}/cancel", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "note"


def test_a_keeper_proposes_through_the_api(funded, keeper, make_station, login):
    station = make_station()
    response = login(keeper).post(
        f"{API}/{station.pk}/grants",
        {"kind": "construction", "amount_fen": 500_000, "purpose": "新建"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["steps"] == ["withdraw"]


def test_ledger_pages_name_the_station_grant_and_link_to_its_station(
    login, grant, approver, finance
):
    from nuanjia.funds.models import Transaction

    services.approve_station_grant(grant, by=approver)
    services.pay_station_grant(grant, by=finance)
    spend = Transaction.objects.get(source_type="stations.grant", kind="spend")
    page = login(finance).get("/funds/transactions/").content.decode()
    assert f"驿站补助 · {grant.station.name}" in page
    assert f'href="/stations/{grant.station_id}/#grants"' in page
    assert f">stations.grant:{grant.pk}<" not in page
    detail = login(finance).get(f"/funds/transactions/{spend.pk}/").content.decode()
    assert f"驿站补助 · {grant.station.name}" in detail
