"""Settlements as people use them: a caseworker prepares a statement from its page after seeing
the count and amount, the partner reads its rows and total on its phone pages (or the partner
API) and confirms or disputes, another person approves, finance builds the batch of
settlements from relief's batch page; the to-do tiles and the Excel rows follow."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Settlement
from nuanjia.campaigns.rules import SettlementStatus
from nuanjia.core.todo import items_for
from nuanjia.members.models import Device
from nuanjia.members.services import partners
from nuanjia.relief.models import PaymentBatch

from .partner_support import partner_client
from .settlement_support import *  # noqa: F403 -- the settlement fixtures
from .settlement_support import (
    MARCH,
    breakfast,
    done_check,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/campaigns"
PARTNER_API = "/api/v1/partner/campaigns"


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_a_statement_prepared_confirmed_approved_and_batched_through_the_pages(
    breakfast_contract, shop, province_planner, approver, finance, login, texts
):
    for day in (3, 4, 5):
        breakfast(breakfast_contract, datetime.date(2026, 3, day))
    staff = login(province_planner)
    query = {"contract": breakfast_contract.pk, "month": "2026-03"}
    preview = staff.get(reverse("campaigns:settlement_new"), query)
    assert preview.status_code == 200
    assert 'data-testid="settlement-preview"' in preview.content.decode()
    assert "24.00" in preview.content.decode()  # 3 × 8.00 yuan
    done = staff.post(reverse("campaigns:settlement_new"), query)
    settlement = Settlement.objects.get()
    assert done.status_code == 302 and done.url == reverse(
        "campaigns:settlement", args=[settlement.pk]
    )
    page = staff.get(done.url).content.decode()
    assert 'data-testid="settlement-rows-total">24.00' in page

    phone, _person = partner_client("13700002222")
    home = phone.get("/p/").content.decode()
    assert reverse("campaigns:partner_statements") in home  # the tile
    statement = phone.get(reverse("campaigns:partner_statement", args=[settlement.pk]))
    assert statement.status_code == 200 and "24.00" in statement.content.decode()
    assert "*" in statement.content.decode()  # names masked: nobody consented
    phone.post(reverse("campaigns:partner_statement", args=[settlement.pk]), {"confirm": "1"})
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.CONFIRMED

    approving = login(approver)
    assert any(item.count == 1 for item in items_for(approver) if "statements" in item.url or
               "settlements" in item.url)  # fmt: skip
    approving.post(reverse("campaigns:settlement_approve", args=[settlement.pk]))
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.APPROVED

    paying = login(finance)
    built = paying.post(
        reverse("relief:batches"),
        {"source_type": "campaigns.settlement", "org": settlement.org_id,
         "earmark": settlement.earmark_id, "note": ""},
    )  # fmt: skip
    assert built.status_code == 302, built.content.decode()[:2000]
    batch = PaymentBatch.objects.get()
    assert batch.source_type == "campaigns.settlement" and batch.total_fen == 2_400

    sheet = staff.get(reverse("campaigns:settlement_export", args=[settlement.pk]))
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert sum(row[3] for row in rows[1:] if isinstance(row[3], int | float)) == 24


def test_the_caseworker_tile_counts_disputed_statements(
    breakfast_contract, shop, province_planner, login, texts
):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    settlement = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    phone, _person = partner_client("13700002222")
    phone.post(
        reverse("campaigns:partner_statement", args=[settlement.pk]),
        {"dispute": "1", "reason": "少了两份"},
    )
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.DISPUTED
    tiles = {item.label: item.count for item in items_for(province_planner)}
    assert 1 in tiles.values()
    listed = login(province_planner).get(reverse("campaigns:settlements"), {"queue": "caseworker"})
    assert str(settlement) in listed.content.decode()


def test_another_partner_cannot_open_or_answer_a_statement(
    breakfast_contract, health_check_contract, shop, hospital, province_planner, texts
):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    settlement = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    phone, _person = partner_client("13700001111")  # the hospital
    url = reverse("campaigns:partner_statement", args=[settlement.pk])
    assert phone.get(url).status_code == 404
    assert phone.post(url, {"confirm": "1"}).status_code == 404
    assert (
        str(settlement) not in phone.get(reverse("campaigns:partner_statements")).content.decode()
    )
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PREPARED


def test_the_staff_and_partner_api(
    health_check_contract, hospital, shop, province_planner, approver, finance, login, texts
):
    for day in (9, 10):
        done_check(health_check_contract, datetime.date(2026, 3, day))
    staff = login(province_planner)
    preview = staff.get(
        f"{API}/partners/settlements/preview",
        {"contract_id": health_check_contract.pk, "month": "2026-03"},
    )
    assert preview.json()["amount_fen"] == 52_000
    made = _post(
        staff,
        f"{API}/partners/settlements",
        {"contract_id": health_check_contract.pk, "month": "2026-03"},
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["steps"] == ["cancel"]
    rows = staff.get(f"{API}/partners/settlements/{pk}/rows").json()
    assert sum(row["amount_fen"] for row in rows["items"]) == 52_000

    partners.send_partner_code("13700001111", ip="10.1.1.1", text="code %(code)s %(minutes)d")
    from nuanjia.members.tests.conftest import last_code

    _user, token = partners.partner_sign_in(
        "13700001111", last_code("13700001111"), kind=Device.Kind.API
    )
    hospital_api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = hospital_api.get(f"{PARTNER_API}/statements").json()
    assert [item["id"] for item in listed["items"]] == [pk]
    assert len(hospital_api.get(f"{PARTNER_API}/statements/{pk}/rows").json()["items"]) == 2
    confirmed = _post(hospital_api, f"{PARTNER_API}/statements/{pk}/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"

    own = _post(staff, f"{API}/partners/settlements/{pk}/approve", {})
    assert own.status_code == 400 and own.json()["code"] == "maker_checker"
    approved = _post(login(approver), f"{API}/partners/settlements/{pk}/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    batch = _post(
        login(finance), "/api/v1/relief/batches",
        {"org_id": health_check_contract.org_id, "earmark": "warmth",
         "source_type": "campaigns.settlement", "source_ids": [str(pk)]},
    )  # fmt: skip
    assert batch.status_code == 201, batch.json()
    assert batch.json()["total_fen"] == 52_000


def test_the_shop_cannot_answer_the_hospitals_statement_through_the_api(
    health_check_contract, hospital, shop, province_planner, texts
):
    done_check(health_check_contract, datetime.date(2026, 3, 9))
    settlement = services.prepare_settlement(health_check_contract, MARCH, by=province_planner)
    from nuanjia.members.tests.conftest import last_code

    partners.send_partner_code("13700002222", ip="10.1.1.1", text="code %(code)s %(minutes)d")
    _user, token = partners.partner_sign_in(
        "13700002222", last_code("13700002222"), kind=Device.Kind.API
    )
    shop_api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for path in ("", "/rows"):
        assert shop_api.get(f"{PARTNER_API}/statements/{settlement.pk}{path}").status_code == 404
    answer = _post(shop_api, f"{PARTNER_API}/statements/{settlement.pk}/dispute", {"reason": "x"})
    assert answer.status_code == 404
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PREPARED


def test_finance_takes_a_settlement_out_of_a_draft_batch_on_the_batch_page(
    breakfast_contract, shop, province_planner, approver, finance, login
):
    from nuanjia.relief import batches

    from .settlement_support import account

    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    settlement = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    services.confirm_settlement(settlement, user=shop[2])
    services.approve_settlement(settlement, by=approver)
    batch = batches.build_batch(
        settlement.org, settlement.earmark, by=finance, source_type="campaigns.settlement"
    )
    page = login(finance)
    detail = page.get(reverse("relief:batch_detail", args=[batch.pk])).content.decode()
    assert f"JS{settlement.pk:06d}" in detail
    page.post(reverse("relief:batch_remove", args=[batch.pk, settlement.pk]))
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.APPROVED and settlement.batch is None
    assert account().reserved_fen == 800  # still reserved for the next batch
    batch.refresh_from_db()
    assert batch.line_count == 0
