"""Partners' contracts: the right kind of partner, one of the campaign's earmarks, the
account kept encrypted and shown masked, each change audited."""

import datetime

import pytest

from conftest import verified_login
from nuanjia.campaigns import services
from nuanjia.core.crypto import decrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.funds.models import Earmark


@pytest.mark.django_db
def test_a_signed_contract_keeps_the_account_sealed_and_is_audited(health_check_contract):
    contract = health_check_contract
    assert contract.account_masked.endswith("3445") and "0112" not in contract.account_masked
    assert decrypt(contract.account_encrypted) == "6222020200112233445"
    event = AuditEvent.objects.get(action="campaigns.contract_signed")
    assert event.changes["price_fen"] == 26_000 and "6222020200112233445" not in str(event.changes)


@pytest.mark.django_db
def test_a_shop_cannot_sign_for_health_checks(places_activity, shop, province_planner):
    with pytest.raises(RuleViolation) as refused:
        services.sign_contract(
            places_activity, shop[0], org=places_activity.org,
            earmark=Earmark.objects.get(code="warmth"), price_fen=100,
            starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
            payee_name="店", bank_name="银行", bank_account="6222020200112233445",
            by=province_planner,
        )  # fmt: skip
    assert refused.value.field == "partner"


@pytest.mark.django_db
def test_an_ended_contract_serves_no_day(health_check_contract, province_planner):
    services.end_contract(health_check_contract, by=province_planner, reason="合同到期")
    with pytest.raises(RuleViolation) as refused:
        services.live_contract(
            health_check_contract.activity, health_check_contract.partner, datetime.date(2026, 6, 1)
        )
    assert refused.value.code == "no_contract"


@pytest.mark.django_db
def test_the_partners_tab_signs_and_ends_a_contract(
    client, places_activity, hospital, province_planner
):
    verified_login(client, province_planner)
    url = f"/campaigns/activities/{places_activity.pk}/partners/"
    page = client.get(url)
    assert page.status_code == 200 and "郑州市第一人民医院" in page.content.decode()
    answer = client.post(url, {
        "partner": hospital[0].pk, "earmark": Earmark.objects.get(code="warmth").pk,
        "price_yuan": "260", "capacity_per_day": "40", "starts_on": "2026-12-01",
        "ends_on": "2027-02-28", "payee_name": "郑州市第一人民医院", "bank_name": "工行",
        "bank_account": "6222 0202 0011 2233 445",
    })  # fmt: skip
    assert answer.status_code == 302
    listed = client.get(url).content.decode()
    assert "260.00" in listed and "3445" in listed and "6222020200112233445" not in listed
    contract = places_activity.contracts.get()
    client.post(f"/campaigns/contracts/{contract.pk}/end/", {"reason": "到期"})
    contract.refresh_from_db()
    assert not contract.is_active


@pytest.mark.django_db
def test_the_api_signs_a_contract_and_refuses_a_bad_day(
    client, places_activity, hospital, province_planner
):
    verified_login(client, province_planner)
    url = f"/api/v1/campaigns/activities/{places_activity.pk}/contracts"
    body = {
        "partner_id": hospital[0].pk, "earmark": "warmth", "price_fen": 26000,
        "starts_on": "2026-12-01", "ends_on": "2027-02-30", "payee_name": "医院",
        "bank_name": "工行", "bank_account": "6222020200112233445",
    }  # fmt: skip
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "ends_on"
    body["ends_on"] = "2027-02-28"
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201 and made.json()["account_masked"].endswith("3445")
    assert client.get(url).json()[0]["price_fen"] == 26000
