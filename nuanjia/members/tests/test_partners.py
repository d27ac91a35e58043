"""Partners (合作机构): registered by a union, their people sign in by code, scan cards at
their outlets, see masked names unless the member consented for them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from nuanjia.core.errors import RuleViolation
from nuanjia.core.sms import MemoryBackend
from nuanjia.members.auth import PARTNER_DOOR
from nuanjia.members.cards import card_text
from nuanjia.members.models import CardScan, Partner, PartnerDevice
from nuanjia.members.services import partners
from nuanjia.orgs.models import Org
from nuanjia.people.tests.support import id_number, register

from .conftest import last_code, member_client

PARTNER_PHONE = "13655556666"


@pytest.fixture
def shop(caseworker):
    partner = partners.register_partner(
        org=caseworker.org, name="惠济爱心早餐店", kind=Partner.Kind.SHOP, by=caseworker
    )
    outlet = partners.add_outlet(partner, name="江山路店", by=caseworker)
    person = partners.add_partner_user(partner, name="店长", phone=PARTNER_PHONE, by=caseworker)
    return partner, outlet, person


@pytest.fixture
def card_holder(caseworker, pool):
    return register(caseworker, name="王小芳", id_number=id_number(sequence=601), union=pool,
                    phone="13912340000")  # fmt: skip


def partner_client(phone=PARTNER_PHONE):
    person, raw = partners.partner_sign_in(phone, _code(phone))
    client = Client()
    client.cookies[PARTNER_DOOR.cookie] = raw
    client.cookies[PARTNER_DOOR.cookie]["path"] = "/p/"
    return client, person


def _code(phone):
    partners.send_partner_code(phone, ip="10.1.1.1", text="code %(code)s %(minutes)d")
    return last_code(phone)


@pytest.mark.django_db
def test_only_union_staff_in_scope_register_partners(shop, outsider):
    partner, _outlet, _person = shop
    with pytest.raises(PermissionDenied):
        partners.add_outlet(partner, name="另一店", by=outsider)


@pytest.mark.django_db
def test_a_phone_signs_in_for_one_partner_only(shop, caseworker):
    _partner, _outlet, _person = shop
    other = partners.register_partner(
        org=caseworker.org, name="另一家", kind="merchant", by=caseworker
    )
    with pytest.raises(RuleViolation) as refused:
        partners.add_partner_user(other, name="甲", phone=PARTNER_PHONE, by=caseworker)
    assert refused.value.field == "phone"


@pytest.mark.django_db
def test_an_unknown_phone_gets_no_code_and_the_same_answer():
    client = Client()
    response = client.post("/p/sign-in/", {"send": "1", "phone": "13000000000"})
    assert (
        response.status_code == 200
        and 'data-testid="partner-code-form"' in response.content.decode()
    )
    assert MemoryBackend.outbox == []


@pytest.mark.django_db
def test_a_partner_scans_a_card_and_sees_the_name_masked_until_consent(shop, card_holder):
    _partner, outlet, _person = shop
    client, _person = partner_client()
    response = client.post(
        "/p/", {"outlet": outlet.pk, "use": "membership", "code": card_text(card_holder.pk)}
    )
    page = response.content.decode()
    assert 'data-testid="scan-result"' in page and "王**" in page and "王小芳" not in page
    scan = CardScan.objects.get()
    assert (scan.outlet, scan.worker_id, scan.status) == (outlet, card_holder.pk, "valid")


@pytest.mark.django_db
def test_with_the_members_consent_the_partner_sees_the_name(shop, card_holder):
    partner, outlet, person = shop
    member_browser, member = member_client("13912340000")
    assert member.worker == card_holder
    member_browser.post("/m/partners/", {"partner": partner.pk, "give": "1"})
    assert (
        partners.partner_scan(person, outlet=outlet.pk, code=card_text(card_holder.pk)).name
        == "王小芳"
    )
    member_browser.post("/m/partners/", {"partner": partner.pk, "give": "0"})
    assert (
        partners.partner_scan(person, outlet=outlet.pk, code=card_text(card_holder.pk)).name
        == "王**"
    )


@pytest.mark.django_db
def test_partner_pages_refuse_staff_and_members_and_stopped_people(shop, caseworker, client):
    _partner, _outlet, person = shop
    client.force_login(caseworker)
    assert client.get("/p/").status_code == 302
    member_browser, _member = member_client("13912340001")
    assert member_browser.get("/p/").status_code == 302
    partner_browser, _person = partner_client()
    assert partner_browser.get("/p/").status_code == 200
    assert partner_browser.get("/people/workers/").status_code == 302  # staff pages: no
    assert partner_browser.get("/m/").status_code == 302  # member pages: no
    partners.set_partner_user_active(person, active=False, by=caseworker)
    assert partner_browser.get("/p/").status_code == 302
    assert not PartnerDevice.objects.filter(user=person, ended_at=None).exists()


@pytest.mark.django_db
def test_the_partner_api_signs_in_scans_and_lists_only_its_own_scans(shop, card_holder, caseworker):
    _partner, outlet, _person = shop
    api = Client()
    api.post(
        "/api/v1/partner/sign-in/code", {"phone": PARTNER_PHONE}, content_type="application/json"
    )
    signed = api.post(
        "/api/v1/partner/sign-in",
        {"phone": PARTNER_PHONE, "code": last_code(PARTNER_PHONE)},
        content_type="application/json",
    )
    assert signed.status_code == 201
    token = signed.json()["token"]
    assert token.startswith("njp_")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    scanned = api.post("/api/v1/partner/scan", {"code": card_text(card_holder.pk), "outlet": outlet.pk},
                       content_type="application/json", **headers)  # fmt: skip
    assert scanned.json()["status"] == "valid" and scanned.json()["name"] == "王**"
    other = partners.register_partner(
        org=Org.objects.get(code="410108"), name="别家", kind="shop", by=caseworker
    )
    CardScan.objects.create(partner=other, use="membership", status="valid")
    listed = api.get("/api/v1/partner/scans", **headers).json()
    assert listed["count"] == 1
    assert api.get("/api/v1/me/profile", **headers).status_code == 401  # not a member token
    assert api.get("/api/v1/people/workers/", **headers).status_code == 401  # nor a staff one


@pytest.mark.django_db
def test_staff_register_partners_and_their_people_through_the_api(caseworker):
    from nuanjia.accounts.services import issue_api_token

    _token, raw = issue_api_token(caseworker, name="t", by=caseworker)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    made = api.post("/api/v1/members/partners", {"name": "惠济体检医院", "kind": "hospital"},
                    content_type="application/json")  # fmt: skip
    assert made.status_code == 201
    partner_id = made.json()["id"]
    api.post(f"/api/v1/members/partners/{partner_id}/outlets", {"name": "门诊部"},
             content_type="application/json")  # fmt: skip
    person = api.post(f"/api/v1/members/partners/{partner_id}/people",
                      {"name": "张医生", "phone": "13600001111"}, content_type="application/json")  # fmt: skip
    assert person.json()["people"][0]["phone"] == "136****1111"
    bad = api.post(f"/api/v1/members/partners/{partner_id}/people",
                   {"name": "李", "phone": "123"}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["field"] == "phone"


@pytest.mark.django_db
def test_the_home_page_lists_each_of_my_things_once(card_holder):
    browser, _member = member_client("13912340000")
    page = browser.get("/m/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for label in ("谁可以看到我的姓名", "我的个人信息", "我的 12351 诉求", "我的困难职工档案"):
        assert page.count(label) == 1, label


@pytest.mark.django_db
def test_the_member_api_gives_and_withdraws_a_partners_sight_of_the_name(shop, card_holder):
    partner, outlet, person = shop
    from .conftest import sign_in

    _member, raw = sign_in("13912340000", kind="api")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listed = api.get("/api/v1/me/partners").json()
    assert [row["sees_my_name"] for row in listed if row["partner_id"] == partner.pk] == [False]
    api.post(
        f"/api/v1/me/partners/{partner.pk}", {"sees_my_name": True}, content_type="application/json"
    )
    assert (
        partners.partner_scan(person, outlet=outlet.pk, code=card_text(card_holder.pk)).name
        == "王小芳"
    )
    assert api.get("/api/v1/me/devices").json()[0]["this_one"] is True


@pytest.mark.django_db
def test_the_member_api_sends_and_follows_12351_requests_and_reads_the_family_file(card_holder):
    from .conftest import sign_in

    _member, raw = sign_in("13912340000", kind="api")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    sent = api.post("/api/v1/me/requests", {"region_code": "410108", "kind": "help",
                    "description": "工资被拖欠三个月"}, content_type="application/json")  # fmt: skip
    assert sent.status_code == 201
    number = sent.json()["number"]
    assert [row["number"] for row in api.get("/api/v1/me/requests").json()] == [number]
    assert api.get(f"/api/v1/me/requests/{number}").json()["description"] == "工资被拖欠三个月"
    assert api.get("/api/v1/me/hardship-file").status_code == 404  # no file for this family
