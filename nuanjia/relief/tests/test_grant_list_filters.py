"""The grant list filters by worker, type, union and date — on the page, in its Excel export
and on the API — and the export holds exactly the rows the filters select, masked and audited."""

import datetime

import pytest
from django.urls import reverse

from nuanjia.accounts.services import issue_api_token
from nuanjia.core.idnumbers import id_check_char
from nuanjia.core.tests.exports import export_rows, last_export_event
from nuanjia.orgs.models import Org
from nuanjia.orgs.services import create_grassroots_union
from nuanjia.people import services as people
from nuanjia.relief import services

from .conftest import SHANGHAI, YUAN

pytestmark = pytest.mark.django_db


def _id_number(serial: int) -> str:
    first17 = f"41010819900101{serial:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def grants(caseworker, grant_types, money, frozen_clock, huiji):
    """Three 惠济区 grants: 王芳 (warmth, January, paid by a grassroots union), 王芳 (temporary,
    March) and 李强 (warmth, March)."""
    factory = create_grassroots_union(
        parent=huiji, name="郑州纺织厂工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    wang = people.register_worker(
        org=huiji, by=caseworker, name="王芳", id_number=_id_number(1), phone="13812345678"
    )
    li = people.register_worker(org=huiji, by=caseworker, name="李强", id_number=_id_number(2))

    def propose(worker, code, **extra):
        return services.propose_grant(
            worker,
            grant_type=grant_types[code],
            amount_fen=500 * YUAN,
            reason="=SUM(A1)",
            by=caseworker,
            **extra,
        )

    frozen_clock.move_to(datetime.datetime(2026, 1, 15, 10, 0, tzinfo=SHANGHAI))
    january = propose(wang, "warmth", org=factory)
    frozen_clock.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))
    return {
        "january": january,
        "temporary": propose(wang, "temporary"),
        "li": propose(li, "warmth"),
        "factory": factory,
    }


def _numbers(rows) -> set[str]:
    return {row[0] for row in rows[1:]}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"worker": "王芳"}, {"january", "temporary"}),
        ({"worker": "wangfang"}, {"january", "temporary"}),
        ({"worker": _id_number(2)}, {"li"}),
        ({"worker": _id_number(1)[-4:]}, {"january", "temporary"}),
        ({"grant_type": "warmth"}, {"january", "li"}),
        ({"org": "GRASSROOTS"}, {"january"}),
        ({"org": "410108"}, {"january", "temporary", "li"}),
        ({"proposed_from": "2026-03-01"}, {"temporary", "li"}),
        ({"proposed_to": "2026-01-31", "grant_type": "warmth"}, {"january"}),
        (
            {"worker": "王芳", "proposed_from": "2026-02-01", "proposed_to": "2026-03-31"},
            {"temporary"},
        ),
    ],
)
def test_the_page_its_export_and_the_api_select_the_same_grants(
    login, client, caseworker, grants, filters, expected
):
    if filters.get("org") == "GRASSROOTS":
        filters = {**filters, "org": grants["factory"].code}
    numbers = {grants[key].number for key in expected}
    page = login(caseworker).get(reverse("relief:grants"), filters).content.decode()
    assert {grant.number for grant in _all(grants) if grant.number in page} == numbers
    assert f"{reverse('relief:grants_export')}?" in page  # the export link keeps the filters
    assert _numbers(export_rows(client.get(reverse("relief:grants_export"), filters))) == numbers
    event = last_export_event()
    assert event.changes["list"] == "relief.grants" and event.changes["rows"] == len(numbers)
    _token, raw = issue_api_token(caseworker, name="t", by=caseworker)
    answer = client.get("/api/v1/relief/grants", filters, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert {item["number"] for item in answer["items"]} == numbers


def _all(grants):
    return [grants[key] for key in ("january", "temporary", "li")]


def test_the_export_row_reads_as_the_page_with_the_id_number_masked(login, caseworker, grants):
    client = login(caseworker)
    rows = export_rows(client.get(reverse("relief:grants_export"), {"worker": "李强"}))
    assert len(rows) == 2 and len(rows[0]) == len(rows[1]) == 11
    number, name, id_number, grant_type, amount, union, status = rows[1][:7]
    assert (number, name, grant_type, amount) == (grants["li"].number, "李强", "送温暖慰问金", 500)
    assert (union, status) == (grants["li"].org.name, grants["li"].get_status_display())
    assert id_number == grants["li"].worker.id_number_masked and "*" in id_number
    assert _id_number(2) not in str(rows)
    assert "=SUM(A1)" in rows[1]  # kept as text, never a formula


def test_the_export_filters_are_recorded_in_the_audit_masked(login, caseworker, grants):
    client = login(caseworker)
    client.get(reverse("relief:grants_export"), {"worker": _id_number(2), "status": ""})
    event = last_export_event()
    assert event.actor_id == caseworker.pk
    assert event.changes["filters"] == {"worker": "*" * 14 + _id_number(2)[-4:]}
    assert event.changes["rows"] == 1


def test_another_county_exports_none_of_these_grants(login, outsider, grants):
    rows = export_rows(login(outsider).get(reverse("relief:grants_export")))
    assert rows[1:] == []


def test_a_union_out_of_scope_is_a_field_error_and_filters_nothing(login, caseworker, grants):
    page = login(caseworker).get(reverse("relief:grants"), {"org": "410204"})
    assert page.status_code == 200
    assert 'data-testid="grant-list"' in page.content.decode()


def test_the_api_refuses_a_union_out_of_scope_and_a_bad_date(client, caseworker, grants):
    _token, raw = issue_api_token(caseworker, name="t", by=caseworker)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/relief/grants", {"org": "410204"}, **auth).status_code == 404
    assert client.get(
        "/api/v1/relief/grants", {"proposed_from": "2026-13-01"}, **auth
    ).status_code in {
        400,
        422,
    }


def test_the_openapi_schema_documents_the_grant_filters(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/relief/grants"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"worker", "grant_type", "org", "proposed_from", "proposed_to", "status"} <= names
    described = {p["name"] for p in operation["parameters"] if p.get("description")}
    assert {"worker", "grant_type", "org", "proposed_from", "proposed_to"} <= described
