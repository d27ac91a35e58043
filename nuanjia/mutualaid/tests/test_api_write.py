"""The API's write operations: entering a claim (same service as the page), plans and their
dated versions, a union's renewal; bad input answered in Chinese naming the field, never 500."""

import datetime
import json

import pytest
from django.test import Client

from nuanjia.accounts.services import issue_api_token
from nuanjia.mutualaid.models import Claim, ClaimDocument
from nuanjia.mutualaid.rules import REQUIRED_DOCS, PlanKind

from .support import covered, pdf

CLAIM = {
    "illness": "fracture", "hospital": "郑州大学第一附属医院", "service_on": "2026-06-01",
    "diagnosis": "左股骨骨折", "consent": True,
    "lines": [{"asked_fen": 100_000, "total_fen": 101_000, "insurance_fen": 1_000,
               "self_paid_fen": 100_000, "eligible_fen": 100_000, "invoice_code": "4100",
               "invoice_number": "A0000001"}],
}  # fmt: skip


def api_client(staff):
    _token, raw = issue_api_token(staff, name="t", by=staff)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _files():
    return {f"doc_{kind}": pdf(f"{kind}.pdf") for kind in REQUIRED_DOCS[PlanKind.INPATIENT]}


@pytest.mark.django_db
def test_api_enters_a_claim_with_its_documents(plan, caseworker):
    enrolment = covered(plan, caseworker, paid_on=datetime.date(2026, 2, 1))
    api = api_client(caseworker)
    url = f"/api/v1/mutualaid/enrolments/{enrolment.pk}/claims"
    made = api.post(url, {"claim": json.dumps(CLAIM), **_files()})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["proposed_fen"] == 60_000 and body["status"] == "submitted"
    assert ClaimDocument.objects.filter(claim_id=body["id"]).count() == 5
    bad_line = {**CLAIM, "lines": [{**CLAIM["lines"][0], "asked_fen": -1}]}
    refused = api.post(url, {"claim": json.dumps(bad_line), **_files()})
    assert refused.status_code == 422 and refused.json()["field"] == "claim.lines.0.asked_fen"
    no_docs = api.post(url, {"claim": json.dumps({**CLAIM, "lines": [{"asked_fen": 5}]})})
    assert no_docs.status_code == 400 and no_docs.json()["field"]
    assert api.post(url, {"claim": "{not json"}).json()["field"] == "claim"
    assert api.post(url, {}).status_code == 400
    assert Claim.objects.count() == 1
    assert (
        api.post("/api/v1/mutualaid/enrolments/999999/claims", {"claim": "{}"}).status_code == 404
    )
