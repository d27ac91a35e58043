"""Partners' contracts: the right kind of partner, one of the campaign's earmarks, the
account kept encrypted and shown masked, each change audited."""

import datetime

import pytest

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
