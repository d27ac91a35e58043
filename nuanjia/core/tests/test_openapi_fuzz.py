"""schemathesis over every API operation, as a caseworker, an approver and an anonymous client:
no server error, every response (status, content type, headers, body) as the OpenAPI document
says, and every request the document refuses is refused (negative examples).

The WSGI application runs in the test's own thread and database transaction, on SQLite or on
PostgreSQL (DATABASE_URL). Example counts are bounded (NUANJIA_FUZZ_EXAMPLES per operation,
client and mode; default 5) so the module finishes in a few minutes; raise it for a deeper run."""

import os
from contextlib import suppress
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from nuanjia.accounts.services import issue_api_token

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("NUANJIA_FUZZ_EXAMPLES", "5"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(autouse=True)
def connections_kept_open():
    """As Django's test client does: the request signals must not close the connection that
    holds the test's transaction (PostgreSQL would answer every later request with a 500)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class Tally:
    cases: int = 0
    failures: list[str] = field(default_factory=list)


def load_schema():
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def fuzz_operation(operation, mode: GenerationMode, headers: dict[str, str], tally: Tally):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        tally.cases += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (AssertionError, FailureGroup) as failure:
            tally.failures.append(f"{operation.label} [{mode.value}]: {failure}"[:1500])

    with suppress(Unsatisfiable):  # nothing to make invalid: no parameters, no body
        run()


def fuzz_everything(headers: dict[str, str]) -> Tally:
    tally = Tally()
    headers = {**headers, "Host": "testserver"}
    for result in load_schema().get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(operation, mode, headers, tally)
    print(f"schemathesis: {tally.cases} cases, {len(tally.failures)} failures")
    return tally


def bearer(staff) -> dict[str, str]:
    _token, raw = issue_api_token(staff, name="fuzz", by=staff)
    return {"Authorization": f"Bearer {raw}"}


def assert_clean(tally: Tally) -> None:
    assert tally.cases > 0
    assert not tally.failures, "\n\n".join(tally.failures)


def test_a_caseworker_gets_what_the_schema_says(caseworker):
    assert_clean(fuzz_everything(bearer(caseworker)))


def test_an_approver_gets_what_the_schema_says(approver):
    assert_clean(fuzz_everything(bearer(approver)))


def test_an_anonymous_client_gets_what_the_schema_says(db):
    assert_clean(fuzz_everything({}))
