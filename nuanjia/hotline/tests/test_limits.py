"""The public 12351 limits behind a proxy and the per-number limit on follow-up tries: a
spoofed X-Forwarded-For neither escapes a limit nor becomes the audit address, and the last 4
digits of a request cannot be guessed by trying them all."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from nuanjia.core.models import AuditEvent
from nuanjia.hotline import services
from nuanjia.hotline.rules import Kind

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"
SUBMIT = "/api/v1/hotline/public/tickets"
FOLLOW = "/api/v1/hotline/public/follow"


def request_body(phone: str, text: str = "工资被拖欠") -> str:
    return json.dumps({"caller_name": "张三", "phone": phone, "region_code": "410108",
                       "kind": Kind.HELP, "description": text})  # fmt: skip


def post_json(client, url, body, forwarded, remote=PROXY):
    return client.post(url, body, content_type="application/json",
                       REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)  # fmt: skip


def test_a_spoofed_forwarded_address_neither_escapes_the_limit_nor_forges_the_audit_address(
    tree, settings
):
    settings.NUANJIA_TRUSTED_PROXIES = 1
    settings.HOTLINE_RATE_LIMITS = {"submit_ip": (3, 600)}
    client = Client()
    codes = [
        post_json(
            client, SUBMIT, request_body(f"1390000{n:04d}"), f"6.6.6.{n}, 203.0.113.5"
        ).status_code
        for n in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    addresses = set(
        AuditEvent.objects.filter(action="hotline.received").values_list("ip", flat=True)
    )
    assert addresses == {"203.0.113.5"}
    other = post_json(client, SUBMIT, request_body("13911112222"), "198.51.100.7")
    assert other.status_code == 201


def follow(client, number, last4, forwarded="203.0.113.5"):
    return post_json(client, FOLLOW, json.dumps({"number": number, "last4": last4}), forwarded)


def test_wrong_last_digits_for_one_number_are_refused_for_a_while_from_any_address(tree, settings):
    settings.NUANJIA_TRUSTED_PROXIES = 1
    settings.HOTLINE_RATE_LIMITS = {"follow_number": (3, 900)}
    ticket, _ = services.submit_request(caller_name="张三", phone="13812345678",
                                        region_code="410108", kind=Kind.HELP, description="欠薪")  # fmt: skip
    other, _ = services.submit_request(caller_name="李四", phone="13987654321",
                                       region_code="410108", kind=Kind.HELP, description="欠薪")  # fmt: skip
    client = Client()
    tries = [follow(client, ticket.number, f"{n:04d}", f"203.0.113.{n}").status_code
             for n in range(3)]  # fmt: skip
    assert tries == [404, 404, 404]
    refused = follow(client, ticket.number, "5678", "198.51.100.7")  # even the right digits
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert "15" in refused.json()["message"] and int(refused["Retry-After"]) > 800
    assert follow(client, other.number, "4321").status_code == 200  # other numbers still work


def test_an_unknown_number_is_refused_after_as_many_tries_as_a_real_one(tree, settings):
    settings.HOTLINE_RATE_LIMITS = {"follow_number": (2, 900)}
    client = Client()
    codes = [follow(client, "12351-20000101-0001", "1234").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_the_follow_page_says_when_a_number_had_too_many_wrong_tries(tree, settings):
    settings.HOTLINE_RATE_LIMITS = {"follow_number": (2, 900)}
    ticket, _ = services.submit_request(caller_name="张三", phone="13812345678",
                                        region_code="410108", kind=Kind.HELP, description="欠薪")  # fmt: skip
    client = Client()
    url = reverse("hotline:public_follow")
    for last4 in ("0000", "1111"):
        assert client.post(url, {"number": ticket.number, "last4": last4}).context["not_found"]
    refused = client.post(url, {"number": ticket.number, "last4": "5678"})
    assert refused.context["ticket"] is None and not refused.context["not_found"]
    assert "15" in " ".join(refused.context["form"].non_field_errors())
    attach = client.post(url, {"attach": "1", "number": ticket.number, "last4": "5678"})
    assert attach.context["ticket"] is None
