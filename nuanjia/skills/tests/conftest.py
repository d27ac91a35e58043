"""Skills fixtures: business day 2026-05-10; 郑州's caseworker, approver and finance (money
on the training earmark), a provider with a bank account, a course that ended last month
with a 300 元 subsidy per trainee, and registry workers of 郑州 with real ID numbers."""

import datetime

import pytest

from nuanjia.core import clock
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.tests.support import id_number, register
from nuanjia.skills import services

TODAY = datetime.date(2026, 5, 10)


@pytest.fixture(autouse=True)
def business_day():
    with clock.as_of(TODAY):
        yield


def zhengzhou() -> Org:
    return Org.objects.get(code="410100")


def training() -> Earmark:
    return Earmark.objects.get(code="skills-training")


@pytest.fixture
def caseworker(make_staff):
    return make_staff("410100", Role.CASEWORKER, username="zz_skills_cw")


@pytest.fixture
def approver(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_skills_ap")


@pytest.fixture
def finance(make_staff):
    staff = make_staff("410100", Role.FINANCE, username="zz_skills_fin")
    funds.receive(zhengzhou(), training(), 100_000 * 100, source="上级拨款", by=staff)
    return staff


@pytest.fixture
def provider(caseworker):
    return services.add_provider(
        zhengzhou(), name="郑州市职业技能培训学校", payee_name="郑州市职业技能培训学校",
        bank_name="中国银行", bank_account="6216600000001234567", by=caseworker,
    )  # fmt: skip


@pytest.fixture
def course(caseworker, provider):
    return services.create_course(
        zhengzhou(), provider=provider, name="电工（四级）培训班", occupation="电工", level="4",
        starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 4, 30), places=30,
        subsidy_fen=300 * 100, earmark=training(), place="郑州市职工服务中心", by=caseworker,
    )  # fmt: skip


@pytest.fixture
def workers(caseworker):
    """Three workers registered in 郑州 with valid ID numbers (张一 … 张三)."""
    return [
        register(caseworker, name=f"张{n}", id_number=id_number("410102", sequence=100 + i))
        for i, n in enumerate(("一", "二", "三"))
    ]


def number_of(worker) -> str:
    return id_number("410102", sequence=100 + ["张一", "张二", "张三"].index(worker.name))
