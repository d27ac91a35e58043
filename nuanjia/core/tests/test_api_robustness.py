"""What broke the API with a 500 before: no request answers with a server error."""

import pytest
from django.test import Client

from nuanjia.accounts.services import issue_api_token

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/people/workers/",
    "/api/v1/relief/grants",
    "/api/v1/hotline/tickets",
    "/api/v1/stations/",
    "/api/v1/stations/grants",
    "/api/v1/funds/transactions",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("page", ["9223372036854775807", "0", "-1"])
def test_an_impossible_page_is_refused_naming_the_field(login, approver, url, page):
    response = login(approver).get(url, {"page": page})
    assert response.status_code in (404, 422), (url, response.status_code)
    if response.status_code == 422:
        assert response.json()["field"] == "page"


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=x", "multipart/form-data; boundary="]
)
def test_a_malformed_multipart_body_from_a_token_is_refused_not_a_500(approver, content_type):
    _token, raw = issue_api_token(approver, name="test", by=approver)
    response = Client(raise_request_exception=False).post(
        "/api/v1/relief/grants",
        data=b"garbage",
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert 400 <= response.status_code < 500
