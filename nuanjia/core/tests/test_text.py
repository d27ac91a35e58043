"""Control characters and bidi overrides are refused in every text that comes in: on a page's
form (the message on the field), in the API (422 naming the field), and nothing is stored."""

import json

import pytest
from django.test import Client

from nuanjia.core.text import first_forbidden, first_forbidden_in
from nuanjia.hotline.models import Ticket

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "张三\u202e五王" is shown as 张三王五


@pytest.mark.parametrize(
    "char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u200f"]
)
def test_controls_and_bidi_characters_are_found(char):
    assert first_forbidden(f"张三{char}") == f"U+{ord(char):04X}"


def test_tabs_newlines_and_chinese_punctuation_are_fine():
    assert first_forbidden("第一行\n第二行\t（备注）——完。") is None


def test_the_field_path_is_named_inside_nested_json():
    assert first_forbidden_in({"a": [{"name": "ok"}, {"name": f"x{RLO}"}]}) == (
        "a.1.name",
        "U+202E",
    )


def _public_request(**overrides):
    values = {"caller_name": "张三", "phone": "13800005678", "region_code": "410108",
              "kind": "help", "description": "工资被拖欠"}  # fmt: skip
    return values | overrides


@pytest.mark.django_db
def test_the_api_refuses_a_bidi_override_in_a_name_and_stores_nothing(tree):
    response = Client().post(
        "/api/v1/hotline/public/tickets",
        json.dumps(_public_request(caller_name=f"张三{RLO}五王")),
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "caller_name"
    assert "U+202E" in body["message"]
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_the_public_page_shows_the_refusal_on_the_field(tree):
    response = Client().post("/12351/", _public_request(description="拖欠\x1b工资"))
    assert response.status_code == 200
    assert "U+001B" in response.content.decode()
    assert Ticket.objects.count() == 0
