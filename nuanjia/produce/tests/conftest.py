"""Consumption-help fixtures: staff of 郑州 (caseworker, approver, finance), money on its
送温暖 earmark, a cooperative of 郸城县 (周口) on the 脱贫县 list with cabbage by the 斤, the
kilo and the 5 kg box, and a collection point with its person."""

import datetime

import pytest

from nuanjia.core import clock
from nuanjia.core.sms import MemoryBackend
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.produce import services
from nuanjia.produce.models import PovertyCounty
from nuanjia.relief.tests.conftest import make_family, make_worker

__all__ = ["make_family", "make_worker"]

TODAY = datetime.date(2026, 5, 10)
COUNTY = "411625"  # 郸城县, 周口市
POINT_PHONE = "13700004444"


@pytest.fixture(autouse=True)
def business_day():
    with clock.as_of(TODAY):
        yield


@pytest.fixture
def texts(settings):
    MemoryBackend.outbox.clear()
    settings.SMS_BACKEND = "nuanjia.core.sms.MemoryBackend"
    return MemoryBackend.outbox


@pytest.fixture
def zz_caseworker(make_staff):
    return make_staff("410100", Role.CASEWORKER, username="zz_produce_cw")


@pytest.fixture
def zz_approver(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_produce_ap")


@pytest.fixture
def zz_both(make_staff):
    """A caseworker who is also an approver: may approve own orders at or below the limit."""
    return make_staff("410100", Role.CASEWORKER, Role.APPROVER, username="zz_produce_both")


@pytest.fixture
def zz_finance(make_staff):
    staff = make_staff("410100", Role.FINANCE, username="zz_produce_fin")
    funds.receive(
        Org.objects.get(code="410100"), warmth(), 1_000_000 * 100, source="上级拨款", by=staff
    )
    return staff


def warmth() -> Earmark:
    return Earmark.objects.get(code="warmth")


def zhengzhou() -> Org:
    return Org.objects.get(code="410100")


@pytest.fixture
def listed_county(tree):
    return PovertyCounty.objects.create(
        region_code=COUNTY, name="郸城县", valid_from=datetime.date(2021, 1, 1)
    )


@pytest.fixture
def producer(zz_caseworker, listed_county):
    return services.register_producer(
        zhengzhou(), kind="cooperative", name="郸城县绿源蔬菜合作社", region_code=COUNTY,
        helping_unit="郑州市总工会", contact_name="王社长", phone="13812340000",
        payee_name="郸城县绿源蔬菜合作社", bank_name="农村信用社", bank_account="6230112233445566",
        by=zz_caseworker,
    )  # fmt: skip


@pytest.fixture
def products(producer, zz_caseworker):
    """白菜 by the 斤 at 0.60 元, 土豆 by the kilo at 2.40 元, a 5 kg box of 萝卜 at 9 元."""
    return {
        "jin": services.add_product(producer, "白菜", "jin", 60, by=zz_caseworker),
        "kg": services.add_product(producer, "土豆", "kg", 240, by=zz_caseworker),
        "box": services.add_product(producer, "萝卜", "box", 900, grams=5000, by=zz_caseworker),
    }


@pytest.fixture
def point(zz_caseworker):
    """A collection point of 郑州 with one person signing in by POINT_PHONE."""
    from nuanjia.members.models import Partner
    from nuanjia.members.services import partners

    partner = partners.register_partner(
        org=zhengzhou(),
        name="金水区爱心集采点",
        kind=Partner.Kind.COLLECTION_POINT,
        by=zz_caseworker,
    )
    person = partners.add_partner_user(
        partner, name="集采点经办", phone=POINT_PHONE, by=zz_caseworker
    )
    return partner, person
