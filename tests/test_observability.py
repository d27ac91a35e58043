"""What an operator watches: every response carries a request id that its log lines print (as
JSON when asked), /readyz says whether this process may take traffic, and /metrics gives the
business gauges to the machine itself or to the token holder only."""

import datetime
import io
import json
import logging

import pytest
from django.test import Client
from django.utils import timezone

from nuanjia.core.request_id import RequestIdFilter
from nuanjia.hotline import services as hotline
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind

pytestmark = pytest.mark.django_db


def test_each_response_carries_a_request_id_and_keeps_a_proxy_s_one():
    client = Client()
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz")["X-Request-ID"]
    sent = "nginx-7f3a9c01"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent
    forged = "a b\r\nSet-Cookie: x"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=forged)["X-Request-ID"] != forged


def test_a_request_s_log_lines_name_its_id_in_json():
    from pythonjsonlogger.json import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client().get("/api/v1/enterprises/helps", HTTP_X_REQUEST_ID="req-00000001")
        logging.getLogger("django.request").warning("outside a request")
    finally:
        logger.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert response.status_code == 401 and response["X-Request-ID"] == "req-00000001"
    assert inside["request_id"] == "req-00000001" and inside["levelname"] == "WARNING"
    assert outside["request_id"] == ""


def test_readyz_answers_ready_with_the_database_migrated():
    response = Client().get("/readyz")
    assert response.status_code == 200
    answer = response.json()
    answer.pop("partitions_ahead", None)  # on PostgreSQL (ADR 0023; core/tests/test_partitions)
    assert answer == {"status": "ready", "checks": {"database": "ok"}}
    again = Client().get("/readyz").json()  # the graph is not loaded again: a query answers
    again.pop("partitions_ahead", None)
    assert again == {"status": "ready", "checks": {"database": "ok"}}


def test_metrics_count_overdue_tickets_for_loopback_or_the_token_only(
    hotline_agent, caseworker, settings
):
    ticket = hotline.open_ticket(by=hotline_agent, phone="13900000009", region_code="410108",
                                 kind=Kind.HELP, description="求助", dispatch=True)  # fmt: skip
    hotline.accept_ticket(ticket, by=caseworker)
    late = timezone.now() - datetime.timedelta(hours=3)
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due_at=late)

    page = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/plain")
    text = page.content.decode()
    assert 'nuanjia_hotline_tickets_overdue{stage="resolution"} 1.0' in text
    assert 'nuanjia_hotline_tickets_overdue{stage="first_contact"} 0.0' in text
    assert "nuanjia_worker_imports_running 0.0" in text

    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics").status_code == 404
    settings.NUANJIA_METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    bearer = "Bearer s3cret-token-for-prometheus"
    assert outside.get("/metrics", HTTP_AUTHORIZATION=bearer).status_code == 200


def test_metrics_show_how_long_ago_the_audit_chains_were_sealed(tree):
    from nuanjia.core.audit import record_event, seal_heads

    record_event(tree["410000"], "test.event")
    seal_heads()
    page = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
    [line] = [row for row in page.splitlines() if row.startswith("nuanjia_audit_seal_age_seconds")]
    assert 0 <= float(line.split()[-1]) < 60
