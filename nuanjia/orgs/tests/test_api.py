"""The /api/v1/ skeleton: scoped union list, token auth, one error shape, an offline schema and docs."""

import re

import pytest

from nuanjia.accounts.services import issue_api_token
from nuanjia.orgs.models import Org


def test_union_list_is_scoped_to_the_callers_subtree(login, caseworker):
    body = login(caseworker).get("/api/v1/orgs/", {"page_size": 500}).json()
    codes = {item["code"] for item in body["items"]}
    assert "410108" in codes and "410108-P" in codes
    assert "410100" not in codes and "410204" not in codes
    assert body["count"] == len(codes)


def test_union_list_paginates(login, make_staff):
    province_leader = make_staff("410000", "leader")
    first = login(province_leader).get("/api/v1/orgs/").json()
    assert first["count"] > 100 and len(first["items"]) == 100
    second = login(province_leader).get("/api/v1/orgs/", {"page": 2}).json()
    assert {item["code"] for item in first["items"]}.isdisjoint(
        {item["code"] for item in second["items"]}
    )


def test_out_of_scope_union_is_404_with_the_error_shape(login, caseworker):
    gulou = Org.objects.get(code="410204")
    response = login(caseworker).get(f"/api/v1/orgs/{gulou.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到相关内容。", "field": None}


def test_bearer_token_authenticates_a_staff_client(client, caseworker):
    _token, raw = issue_api_token(caseworker, name="手机", by=caseworker)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["org"]["code"] == "410108"


def test_no_credentials_answer_401_in_chinese(client, tree):
    response = client.get("/api/v1/orgs/")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert re.search(r"[\u4e00-\u9fff]", response.json()["message"])


def test_invalid_field_names_the_field(login, caseworker):
    response = _register_union(login(caseworker), caseworker.org, name="")
    assert response.status_code == 422
    assert response.json()["field"] == "name"


def test_bad_credit_code_is_refused_with_a_chinese_message(login, caseworker):
    response = _register_union(login(caseworker), caseworker.org, credit_code="91350100M000100Y44")
    assert response.status_code == 400
    assert response.json()["field"] == "credit_code"
    assert "统一社会信用代码" in response.json()["message"]
    assert not Org.objects.filter(name="惠济区某公司工会").exists()


def test_caseworker_registers_a_grassroots_union(login, caseworker):
    response = _register_union(login(caseworker), caseworker.org, credit_code="91350100M000100Y43")
    assert response.status_code == 201
    assert response.json()["code"].startswith("410108-")


def test_admin_role_cannot_register_unions_over_the_api(login, system_admin):
    province = Org.objects.get(code="410000")
    response = _register_union(login(system_admin), province, name="x")
    assert response.status_code == 403


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/orgs/" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "http://" not in docs and "https://" not in docs


def _register_union(client, org, *, name: str = "惠济区某公司工会", **data: str):
    """POST a new grassroots union (an enterprise's, unless told) under `org` to the API."""
    return client.post(
        f"/api/v1/orgs/{org.pk}/grassroots",
        data={"name": name, "kind": "enterprise", **data},
        content_type="application/json",
    )
