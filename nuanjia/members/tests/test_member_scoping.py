"""The member and partner doors, walked like the staff scoping walker (tests/scopewalk.py):

- every staff page and operation refuses a member's and a partner's device, cookie or token;
- every /m/ page and /api/v1/me/ operation, filled with another member's ids, answers 404
  (405 for a method it does not take), and no page shows the other member's rows;
- every partner operation shows only the partner's own rows.
"""

import pytest
from django.test import Client

from nuanjia.api import api
from nuanjia.hotline.rules import Channel, Kind
from nuanjia.hotline.services import submit_request
from nuanjia.members import services
from nuanjia.members.auth import PARTNER_DOOR
from nuanjia.members.models import CardScan, Member, Partner
from nuanjia.members.services import partners
from nuanjia.people.tests.support import id_number
from nuanjia.produce.tests.scoping import produce_rows
from tests.scopewalk import (
    PARAM_RE,
    PUBLIC_ROUTES,
    _try_list_route,
    _try_object_route,
    api_operations,
    fill,
    iter_routes,
    response_text,
)

from .conftest import last_code, member_client, sign_in

MARKER = "MEMBERMARKER-B-9Z"
OWN_PREFIXES = ("m/", "p/", "api/v1/me/", "api/v1/partner/")
REFUSED = {302, 401, 403, 404, 405}


@pytest.fixture
def other_member(pool):
    """Member B: registered, a join, a 12351 request and a message, each with the marker."""
    _client, member = member_client("13766667777")
    services.identify(member, name="赵乙", id_number=id_number(sequence=702), region_code="410108",
                      address=MARKER)  # fmt: skip
    member = Member.objects.get(pk=member.pk)
    join = services.apply_to_join(member, occupation=_tag(), employer_name=MARKER,
                                  region_code="410108")  # fmt: skip
    ticket, _new = submit_request(caller_name=MARKER, phone="13766667777", region_code="410108",
                                  kind=Kind.HELP, description=MARKER, channel=Channel.WEB)  # fmt: skip
    services.notify(member, "test", MARKER, sms=False)
    from nuanjia.mutualaid.tests.scoping import member_walk_rows

    return {"join_id": join.pk, "number": ticket.number} | member_walk_rows(MARKER)


def _tag():
    from nuanjia.people.models import OccupationTag

    return OccupationTag.objects.get_or_create(name="快递员")[0].pk


def _own_routes():
    return [r for r in iter_routes() if r.pattern.startswith(OWN_PREFIXES)]


def _is_public(route, operations) -> bool:
    """A page anyone may open (login_not_required) or an operation without security."""
    if route.is_api:
        methods = operations.get(PARAM_RE.sub(lambda m: m["name"], route.pattern), {})
        return bool(methods) and all("security" not in op for op in methods.values())
    return getattr(route.callback, "login_required", True) is False


def _staff_routes():
    skipped = ("djadmin/", "static/", *OWN_PREFIXES)
    operations = api_operations(api.get_openapi_schema())
    return [
        r
        for r in iter_routes()
        if not r.pattern.startswith(skipped)
        and r.pattern not in PUBLIC_ROUTES
        and not _is_public(r, operations)
    ]


def _any_params(routes):
    """Any value for every parameter: the staff routes must refuse before looking."""
    return {name: 1 for route in routes for name in route.names} | {"number": "X", "step": "x"}


@pytest.mark.django_db
def test_another_members_ids_answer_404_on_every_member_page_and_operation(other_member):
    client, _me = member_client("13855550000")
    schema = api.get_openapi_schema()
    operations = api_operations(schema)
    components = schema.get("components", {}).get("schemas", {})
    findings = []
    for route in _own_routes():
        if not route.pattern.startswith("m/") or _is_public(route, operations):
            continue
        url = fill(route, other_member)
        assert url is not None, f"teach the walk {route.pattern}'s parameters"
        if route.names:
            findings += _try_object_route(client, route, url, operations, components)
        else:
            findings += _try_list_route(client, route, url, [MARKER], MARKER)
    assert [str(f) for f in findings] == []


@pytest.mark.django_db
def test_the_member_api_walk_with_another_members_ids(other_member, caseworker):
    from nuanjia.orgs.models import Org

    kaifeng = Org.objects.get(code="410204")
    partner = Partner.objects.create(org=kaifeng, name=MARKER, kind=Partner.Kind.SHOP)
    ids = other_member | {"partner_id": partner.pk}  # a partner not of my unions
    ids |= produce_rows(kaifeng, MARKER)  # a gift bag not offered to me, another's order
    _member, raw = sign_in("13855550001", kind="api")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/profile").status_code == 200
    schema = api.get_openapi_schema()
    operations = api_operations(schema)
    components = schema.get("components", {}).get("schemas", {})
    findings = []
    for route in _own_routes():
        if not route.pattern.startswith("api/v1/me/") or _is_public(route, operations):
            continue
        url = fill(route, ids)
        assert url is not None, f"teach the walk {route.pattern}'s parameters"
        if route.names:
            findings += _try_object_route(client, route, url, operations, components)
        elif "get" in operations.get(route.pattern, {}):
            text = response_text(client.get(url))
            if MARKER in text:
                findings.append(f"GET {url} shows the other member's rows")
    assert [str(f) for f in findings] == []


@pytest.mark.django_db
def test_every_staff_page_and_operation_refuses_members_and_partners(caseworker):
    member_browser, _member = member_client("13855550002")
    _m, member_token = sign_in("13855550003", kind="api")
    partner = partners.register_partner(
        org=caseworker.org, name="早餐店", kind="shop", by=caseworker
    )
    partners.add_partner_user(partner, name="店员", phone="13655550004", by=caseworker)
    partners.send_partner_code("13655550004", ip="10.2.2.2", text="code %(code)s %(minutes)d")
    _user, partner_key = partners.partner_sign_in("13655550004", last_code("13655550004"))
    partner_browser = Client()
    partner_browser.cookies[PARTNER_DOOR.cookie] = partner_key
    clients = {
        "member cookie": member_browser,
        "member token": Client(HTTP_AUTHORIZATION=f"Bearer {member_token}"),
        "partner cookie": partner_browser,
    }
    routes = _staff_routes()
    params = _any_params(routes)
    findings = []
    for label, client in clients.items():
        for route in routes:
            url = fill(route, params)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code not in REFUSED or (
                    response.status_code == 302 and "/accounts/login/" not in response["Location"]
                ):
                    findings.append(f"{label}: {method.upper()} {url} -> {response.status_code}")
    assert findings == []


@pytest.mark.django_db
def test_a_partner_sees_only_its_own_scans(caseworker):
    mine = partners.register_partner(org=caseworker.org, name="甲店", kind="shop", by=caseworker)
    theirs = partners.register_partner(org=caseworker.org, name=MARKER, kind="shop", by=caseworker)
    CardScan.objects.create(partner=theirs, use=MARKER, status="valid")
    partners.add_partner_user(mine, name="店员", phone="13655550005", by=caseworker)
    partners.send_partner_code("13655550005", ip="10.2.2.3", text="code %(code)s %(minutes)d")
    _user, key = partners.partner_sign_in("13655550005", last_code("13655550005"))
    browser = Client()
    browser.cookies[PARTNER_DOOR.cookie] = key
    for url in ("/p/", "/p/scans/"):
        assert MARKER not in browser.get(url).content.decode()
    assert Partner.objects.count() == 2


@pytest.mark.django_db
def test_a_collection_point_reaches_only_orders_collected_there(caseworker):
    """Every collection point operation of the partner API, filled with another point's
    order (of another union), answers 404; its lists show none of that point's orders."""
    from nuanjia.members.models import Device
    from nuanjia.orgs.models import Org

    ids = produce_rows(Org.objects.get(code="410204"), MARKER)
    mine = partners.register_partner(
        org=caseworker.org, name="金水集采点", kind=Partner.Kind.COLLECTION_POINT, by=caseworker
    )
    partners.add_partner_user(mine, name="经办", phone="13655550006", by=caseworker)
    partners.send_partner_code("13655550006", ip="10.2.2.4", text="code %(code)s %(minutes)d")
    _user, raw = partners.partner_sign_in(
        "13655550006", last_code("13655550006"), kind=Device.Kind.API
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    schema = api.get_openapi_schema()
    operations = api_operations(schema)
    components = schema.get("components", {}).get("schemas", {})
    routes = [r for r in iter_routes() if r.pattern.startswith("api/v1/partner/produce/")]
    assert len(routes) >= 3
    findings = []
    for route in routes:
        url = fill(route, ids)
        assert url is not None, f"teach the walk {route.pattern}'s parameters"
        if route.names:
            findings += _try_object_route(client, route, url, operations, components)
        else:
            findings += _try_list_route(client, route, url, [MARKER], MARKER)
    assert [str(f) for f in findings] == []
