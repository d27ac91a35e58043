"""The scan service's one look-up by primary key answers every case a desk meets, through the
API with a staff token too; and the bench-only device view (members/bench_views.py) exists
only for a bench's server."""

import json

import pytest
from django.test import RequestFactory

from nuanjia.accounts.services import issue_api_token
from nuanjia.members import bench_views, services
from nuanjia.members.auth import COOKIE
from nuanjia.members.cards import card_text
from nuanjia.people import services as people_services
from nuanjia.people.models import DuplicateCandidate
from nuanjia.people.tests.support import id_number, register

from .conftest import member_client, sign_in

PHONE = "13812345678"


@pytest.fixture
def pool_member(caseworker, pool):
    return register(caseworker, name="王小芳", id_number=id_number(sequence=511), union=pool)


@pytest.mark.django_db
def test_a_scan_through_the_api_answers_the_masked_name_and_the_member_number(
    client, caseworker, pool_member
):
    _token, raw = issue_api_token(caseworker, name="扫码枪", by=caseworker)
    response = client.post(
        "/api/v1/partner/scan",
        {"use": "membership", "code": card_text(pool_member.pk)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    assert response.json() == {
        "status": "valid",
        "name": "王**",
        "member_number": pool_member.member_number,
    }


@pytest.mark.django_db
def test_a_card_of_no_record_is_invalid_and_a_merged_record_is_no_member(
    caseworker, reviewer, pool
):
    assert services.scan(code=card_text(9_999_999)).status == "invalid"
    kept = register(caseworker, name="王芳", birth_date="1975-08-09")
    merged = register(caseworker, name="王芳", birth_date="1975-08-09", union=pool)
    people_services.merge_duplicates(DuplicateCandidate.objects.get(), keep=kept, by=reviewer)
    result = services.scan(code=card_text(merged.pk))
    assert (result.status, result.name) == ("not_member", "王*")
    assert services.scan(number=merged.member_number, id_last4="1234").status == "invalid"


@pytest.mark.django_db
def test_the_bench_view_is_not_mounted_without_the_bench_flag():
    client, _member = member_client(PHONE)
    assert client.get("/m/bench/device/").status_code == 404


@pytest.mark.django_db
def test_the_bench_view_answers_the_signed_in_member_and_refuses_anyone_else():
    member, raw = sign_in(PHONE)
    request = RequestFactory().get("/m/bench/device/", HTTP_COOKIE=f"{COOKIE}={raw}")
    response = bench_views.device_view(request)
    assert response.status_code == 200
    assert json.loads(response.content) == {"member": member.pk}
    assert bench_views.device_view(RequestFactory().get("/m/bench/device/")).status_code == 401
    services.sign_out_everywhere(member)
    assert bench_views.device_view(request).status_code == 401
