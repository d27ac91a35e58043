"""Model-worker fixtures (the root conftest's clock: 2026-03-02 10:00 in Shanghai): 惠济区's
caseworker, approver and finance, a provincial 劳模 and an advanced worker of 惠济区 with
bank accounts, the province's help standard (500 元 a month for a provincial honour) and
惠济区's 困难劳模帮扶资金 of 50,000 元."""

import pytest

from nuanjia.funds import services as funds
from nuanjia.modelworkers import services
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.honour_models import Honour
from nuanjia.relief.tests.conftest import make_worker

YUAN = 100


@pytest.fixture(autouse=True)
def frozen_clock(frozen_clock):
    """Tests run on 2026-03-02 10:00 in Shanghai (the root conftest's clock)."""
    return frozen_clock


def honour(worker, kind="model_worker", level="provincial", year=2020):
    return Honour.objects.create(
        worker=worker, kind=kind, level=level, year=year, issuer="河南省人民政府"
    )


@pytest.fixture
def model_worker(tree):
    worker = make_worker("410108", name="张劳模")
    honour(worker)
    return worker


@pytest.fixture
def advanced_worker(tree):
    worker = make_worker("410108", name="王先进")
    honour(worker, kind="advanced_worker", level="city")
    return worker


@pytest.fixture
def province_approver(make_staff):
    return make_staff("410000", Role.APPROVER, username="sz_mw_approver")


@pytest.fixture
def standard(province_approver):
    return services.save_standard(
        by=province_approver, region_code="410000", level="provincial",
        effective_on="2020-01-01", per="month", amount_fen=500 * YUAN,
    )  # fmt: skip


@pytest.fixture
def help_money(tree, finance):
    county = Org.objects.get(code="410108")
    earmark = services.earmark()
    funds.receive(county, earmark, 50_000 * YUAN, source="财政", by=finance)
    return funds.account_for(county, earmark)


@pytest.fixture
def case(model_worker, caseworker, standard):
    return services.add_case(
        Org.objects.get(code="410108"), by=caseworker, worker=model_worker,
        frequency="monthly", income_monthly_fen=1_200 * YUAN,
        income_note="家庭人均收入低于当地低保标准", starts_on="2026-01-01", household_size=3,
    )  # fmt: skip
