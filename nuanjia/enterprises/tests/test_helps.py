"""Help for struggling firms: within the caps, another person approves and it is paid from the
ledger (funds check balances), the workers reached count in the figures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.cli import main as nuanjia_main
from nuanjia.core.errors import RuleViolation
from nuanjia.enterprises import services
from nuanjia.enterprises.figures import city_figures
from nuanjia.enterprises.rules import HelpStatus
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

from .support import *  # noqa: F403 -- the fixtures
from .support import make_firm

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


def _propose(caseworker, firm, yuan, workers=30):
    return services.propose_help(
        firm, Org.objects.get(code="410108"), Earmark.objects.get(code="hardship"),
        amount_fen=yuan * 100, workers_reached=workers, purpose="稳岗纾困", helped_on=DAY,
        by=caseworker,
    )  # fmt: skip


def test_help_within_caps_approved_by_another_and_paid(caseworker, approver, make_staff, login):
    money = make_staff("410108", "finance", username="hj_help_finance")
    funds.receive(Org.objects.get(code="410108"), Earmark.objects.get(code="hardship"),
                  100_000_000, source="财政", by=money)  # fmt: skip
    firm = make_firm(caseworker)
    with pytest.raises(RuleViolation) as too_much:
        _propose(caseworker, firm, 200_001)
    assert too_much.value.field == "amount"
    first = _propose(caseworker, firm, 200_000)
    second = _propose(caseworker, firm, 200_000)
    with pytest.raises(RuleViolation):  # 50万元 a firm and year
        _propose(caseworker, firm, 100_001)
    with pytest.raises(PermissionDenied):
        services.approve_help(first, by=caseworker)
    services.approve_help(first, by=approver)
    first.refresh_from_db()
    assert first.status == HelpStatus.PAID and first.approved_by == approver
    services.cancel_help(second, by=caseworker, reason="企业已恢复经营")
    assert first_discrepancy() is None and nuanjia_main(["funds", "check"]) == 0
    row = next(r for r in city_figures(None) if r.city_code == "410100")
    assert (row.firms_helped, row.help_fen, row.workers_reached) == (1, 20_000_000, 30)
    client = login(caseworker)
    assert client.get("/enterprises/helps/").status_code == 200
    assert client.get(f"/enterprises/helps/{first.pk}/").status_code == 200
