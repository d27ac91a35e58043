"""A bus company's monthly usage file (一分乘公交): checked against the same limits as scans,
refused rows listed with their reasons; a file error refuses the whole file."""

import datetime
import io

import pytest
from django.utils.html import escape
from django.utils.translation import gettext

from nuanjia.benefits.models import Redemption, UsageFile
from nuanjia.benefits.services import statements
from nuanjia.core import clock
from nuanjia.people.membership import member_number

from .support import (
    CAR_WASH_PHONE,
    LAST4,
    member,
    merchant,
    offer_for,
    partner_client,
    terms_for,
)

pytestmark = pytest.mark.django_db
BUS_PHONE = "13700009999"
HEADER = "会员号,身份证后四位,日期,时间\n"


@pytest.fixture(autouse=True)
def business_day():
    with clock.as_of(datetime.date(2026, 12, 6)):
        yield


@pytest.fixture
def bus(planner):
    partner, _outlet, _person = merchant(planner, name="郑州公交集团", outlet="总站",
                                         phone=BUS_PHONE)  # fmt: skip
    terms = terms_for(partner, planner, can_scan=False)
    return offer_for(terms, planner, name="一分乘公交", price=1, subsidy=199,
                     limits={"day": 2})  # fmt: skip


def _csv(*rows) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(",".join(row) + "\n" for row in rows)).encode())


def test_the_file_is_checked_against_the_limits_and_refused_rows_listed(bus, texts):
    rider, stranger = member(), member()
    number = member_number(rider.pk)
    upload = _csv(
        (number, LAST4, "2026-11-03", "07:10"),
        (number, LAST4, "2026-11-03", "18:05"),
        (number, LAST4, "2026-11-03", "21:40"),  # a third ride that day: refused
        (member_number(stranger.pk), "0000", "2026-11-03", "08:00"),  # wrong ID digits
        (number, LAST4, "2026-11-04", ""),
    )
    upload.name = "11月.csv"
    phone = partner_client(BUS_PHONE)
    page = phone.post("/p/benefits/usage/", {"offer": bus.pk, "file": upload}).content.decode()
    assert 'data-testid="usage-refusals"' in page
    usage = UsageFile.objects.get()
    assert (usage.rows, usage.recorded, usage.refused) == (5, 3, 2)
    assert [item["row"] for item in usage.refusals] == [4, 5]
    assert usage.refusals[0]["reason"] == gettext("Used up for today.")
    assert Redemption.objects.filter(source="upload").count() == 3
    assert phone.get("/p/benefits/usage/template.xlsx").status_code == 200


def test_a_file_error_refuses_the_whole_file(bus, texts):
    upload = _csv(("N1", LAST4, "11月3日", ""))
    upload.name = "bad.csv"
    api = partner_client(BUS_PHONE, kind="api")
    answer = api.post("/api/v1/partner/benefits/usage", {"offer": bus.pk, "file": upload})
    assert answer.status_code == 400 and answer.json()["field"] == "file"
    assert answer.json()["message"]
    assert not UsageFile.objects.exists()


def test_a_month_with_a_statement_is_closed_to_files(bus, planner, texts):
    rider = member()
    number = member_number(rider.pk)
    first = _csv((number, LAST4, "2026-11-03", "07:10"))
    first.name = "a.csv"
    api = partner_client(BUS_PHONE, kind="api")
    assert (
        api.post("/api/v1/partner/benefits/usage", {"offer": bus.pk, "file": first}).json()[
            "recorded"
        ]
        == 1
    )
    statements.prepare_statement(bus.terms, datetime.date(2026, 11, 1), by=planner)
    late = _csv((number, LAST4, "2026-11-04", "07:10"), (number, LAST4, "2026-12-01", "07:10"))
    late.name = "b.csv"
    body = api.post("/api/v1/partner/benefits/usage", {"offer": bus.pk, "file": late}).json()
    assert body["recorded"] == 1 and body["refusals"][0]["row"] == 2
    assert body["refusals"][0]["reason"] == gettext("This month's statement is already prepared.")


@pytest.mark.parametrize("surface", ["page", "api"])
def test_a_merchant_that_scans_cards_cannot_upload_usage(car_wash, planner, texts, surface):
    """Usage files are for merchants marked as not scanning (a bus company): a car wash that
    scans is refused on the page and in the API, naming the field, and nothing is written."""
    _partner, _outlet, _person, _terms, offer = car_wash
    rider = member()
    upload = _csv((member_number(rider.pk), LAST4, "2026-11-03", "07:10"))
    upload.name = "11月.csv"
    message = gettext(
        "Only a merchant whose terms say it does not scan cards uploads usage files: "
        "this merchant's terms have “scans cards” on; the union changes its "
        "terms if it cannot scan."
    )
    if surface == "api":
        api = partner_client(CAR_WASH_PHONE, kind="api")
        answer = api.post("/api/v1/partner/benefits/usage", {"offer": offer.pk, "file": upload})
        assert answer.status_code == 400
        assert answer.json()["field"] == "can_scan" and answer.json()["message"] == message
    else:
        phone = partner_client(CAR_WASH_PHONE)
        page = phone.post("/p/benefits/usage/", {"offer": offer.pk, "file": upload})
        assert page.status_code == 200 and escape(message) in page.content.decode()
    assert not UsageFile.objects.exists() and not Redemption.objects.exists()
