"""The OpenAPI document at /api/v1/openapi.json: valid OAS 3.1, every operation lists the
errors it can give in the one error shape, accepted values are enumerated, and the API refuses
what the document refuses."""

import json

import pytest
from django.test import Client
from openapi_spec_validator import validate

from nuanjia.accounts.services import issue_api_token
from nuanjia.hardship.rules import Status as FileStatus
from nuanjia.hotline.rules import Kind as TicketKind
from nuanjia.relief.rules import Status as GrantStatus

ERROR_REF = "#/components/schemas/ErrorOut"
# The one operation that answers a refusal with its own report (the rows of a bank file).
OWN_ERROR_BODIES = {("POST /api/v1/relief/batches/{payment_batch_id}/results", "400")}


@pytest.fixture(scope="module")
def document():
    return Client().get("/api/v1/openapi.json").json()


def test_no_key_appears_twice_in_the_served_document():
    def no_duplicates(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=no_duplicates)


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert "prefixItems" not in json.dumps(document)


def test_every_operation_lists_its_errors_in_the_one_error_shape(document):
    for label, operation in operations(document):
        public = not operation.get("security")
        expected = {"400", "403", "404", "422"} | ({"429"} if public else {"401"})
        responses = operation["responses"]
        assert expected <= responses.keys(), label
        for status in expected - {s for lbl, s in OWN_ERROR_BODIES if lbl == label}:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_REF}, (label, status)
    error = document["components"]["schemas"]["ErrorOut"]
    assert {"code", "message", "field", "details"} <= error["properties"].keys()


def _parameter(document, path, name):
    (parameter,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    return json.dumps(parameter["schema"])


def test_statuses_and_kinds_are_enumerated_each_with_its_own_values(document):
    file_statuses = _parameter(document, "/api/v1/hardship/files", "status")
    grant_statuses = _parameter(document, "/api/v1/relief/grants", "status")
    assert all(f'"{value}"' in file_statuses for value in FileStatus.values)
    assert all(f'"{value}"' in grant_statuses for value in GrantStatus.values)
    assert '"draft"' not in file_statuses  # a batch status: the old shared "Status" component
    kind = document["components"]["schemas"]["TicketOpenIn"]["properties"]["kind"]
    assert kind["enum"] == TicketKind.values


@pytest.fixture
def token_client(caseworker):
    _token, raw = issue_api_token(caseworker, name="test", by=caseworker)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_a_date_given_as_a_number_is_refused_naming_the_field(token_client):
    body = {"name": "张三", "id_number": "", "joined_union_on": 0}
    response = token_client.post("/api/v1/people/workers/", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "joined_union_on"


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[]", '[{"note": "x"}]', '"text"', "1"])
def test_a_body_that_is_not_a_json_object_is_refused(token_client, body):
    response = token_client.post(
        "/api/v1/relief/grants/1/review", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "error"
