"""Relief fixtures: money received at the province and passed down to 惠济区, 惠济区 workers
with bank accounts (one with a filed deep-hardship family), a county 低保 of 800 元, and a
helper that walks a grant to any status through the services."""

import datetime
import itertools
import zoneinfo

import pytest

from nuanjia.core.crypto import encrypt
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.hardship.models import HardshipFile
from nuanjia.hardship.rules import Category
from nuanjia.hardship.rules import Status as FileStatus
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Household, Worker
from nuanjia.relief import services
from nuanjia.relief.models import GrantType

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 3, 2)
YUAN = 100
DIBAO_FEN = 80_000  # 800.00 元 a month in 惠济区
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen_clock(frozen_clock):
    """Tests run on 2026-03-02 10:00 in Shanghai unless they travel (the root conftest's clock)."""
    return frozen_clock


@pytest.fixture
def grant_types(db):
    return {grant_type.code: grant_type for grant_type in GrantType.objects.all()}


@pytest.fixture
def earmarks(db):
    return {earmark.code: earmark for earmark in Earmark.objects.all()}


@pytest.fixture
def city_approver(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_approver")


@pytest.fixture
def huiji(tree):
    return Org.objects.get(code="410108")


@pytest.fixture
def money(tree, earmarks, province_finance, city_finance):
    """惠济区 holds 100,000 元 of 困难职工帮扶资金 and 20,000 元 of 送温暖资金, passed down from
    the province through 郑州."""
    province, city, county = (Org.objects.get(code=code) for code in ("410000", "410100", "410108"))
    for code, amount in (("hardship", 100_000), ("warmth", 20_000), ("epidemic", 10_000)):
        earmark = earmarks[code]
        funds.receive(province, earmark, amount * YUAN, source="财政", by=province_finance)
        funds.allocate(province, city, earmark, amount * YUAN, by=province_finance)
        funds.allocate(city, county, earmark, amount * YUAN, by=city_finance)
    return {code: funds.account_for(county, earmarks[code]) for code in earmarks}


def make_worker(org_code: str = "410108", *, name: str | None = None, bank: bool = True) -> Worker:
    n = next(_serial)
    org = Org.objects.get(code=org_code)
    account = f"62220212345{n:08d}"
    return Worker.objects.create(
        org=org,
        name=name or f"李{n}",
        name_pinyin=f"li{n}",
        region_code=org.region_code,
        id_number_index=f"relief-test-{n}",
        id_number_masked="4101**********123X",
        bank_name="中国工商银行" if bank else "",
        bank_account_encrypted=encrypt(account) if bank else "",
        bank_account_masked=f"6222****{account[-4:]}" if bank else "",
    )


def make_family(
    org_code: str = "410108",
    *,
    category: str = Category.DEEP,
    status: str = FileStatus.FILED,
    monthly_standard_fen: int = 72_000,
    **file_fields,
) -> HardshipFile:
    """A worker, their household and a hardship file in `status`."""
    worker = make_worker(org_code)
    household = Household.objects.create(
        org=worker.org, worker=worker, region_code=worker.org.region_code
    )
    return HardshipFile.objects.create(
        household=household,
        org=worker.org,
        region_code=worker.org.region_code,
        status=status,
        category=category,
        monthly_standard_fen=monthly_standard_fen,
        filed_on=datetime.date(2025, 6, 1),
        **file_fields,
    )


@pytest.fixture
def worker(tree):
    return make_worker()


@pytest.fixture
def family(tree):
    return make_family()


@pytest.fixture
def walk(caseworker, reviewer, approver, finance, grant_types):
    """`walk(worker, "approved", amount_fen=…, type="warmth")`: a grant brought to a status."""

    def to(worker, status: str, *, amount_fen: int = 1_000 * YUAN, type: str = "warmth", **extra):
        grant = services.propose_grant(
            worker,
            grant_type=grant_types[type],
            amount_fen=amount_fen,
            reason="冬季送温暖",
            by=caseworker,
            **extra,
        )
        if status == "proposed":
            return grant
        services.review_grant(grant, by=reviewer)
        if status == "reviewed":
            return grant
        services.approve_grant(grant, by=approver)
        return grant

    return to
