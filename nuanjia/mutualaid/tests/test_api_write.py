"""The API's write operations: entering a claim (same service as the page), plans and their
dated versions, a union's renewal; bad input answered in Chinese naming the field, never 500."""

import datetime
import json

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.accounts.services import issue_api_token
from nuanjia.core.errors import RuleViolation
from nuanjia.mutualaid.benefits import parse_rules
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


def rules_refusal(rules):
    with pytest.raises(RuleViolation) as refused:
        parse_rules(PlanKind.INPATIENT, rules)
    return refused.value.message


TERMS = {
    "contribution_fen": 6_000, "union_share_fen": 3_000, "member_share_fen": 3_000,
    "employer_share_fen": 0, "term_months": 12, "waiting_days": 90,
    "cap_claim_fen": 1_000_000, "cap_episode_fen": 1_000_000, "cap_year_fen": 1_000_000,
}  # fmt: skip


@pytest.mark.django_db
def test_api_sets_up_a_plan_with_dated_terms_and_renews_a_union(plan, planner, caseworker):
    api = api_client(planner)
    made = api.post("/api/v1/mutualaid/plans", {"code": "zz-new", "name": "新计划", "kind": "inpatient"},
                    content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["pool_org"] == "410100"
    url = f"/api/v1/mutualaid/plans/{made.json()['id']}/versions"
    bad = api.post(url, {"valid_from": "2026-01-01", "rules": {"percent": 150}, **TERMS},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["field"] == "rules"
    assert bad.json()["message"] == rules_refusal({"percent": 150})
    good = api.post(url, {"valid_from": "2026-01-01", "rules": {"percent": 60}, **TERMS},
                    content_type="application/json")  # fmt: skip
    assert good.status_code == 201, good.content
    again = api.post(url, {"valid_from": "2026-01-01", "rules": {"percent": 60}, **TERMS},
                     content_type="application/json")  # fmt: skip
    assert again.status_code == 400 and again.json()["field"] == "valid_from"
    enrolment = covered(plan, caseworker)
    renew = f"/api/v1/mutualaid/plans/{plan.pk}/renewals"
    body = {"org": enrolment.org.code, "ending_by": "2026-12-31"}
    done = api_client(caseworker).post(renew, body, content_type="application/json")
    assert done.status_code == 201 and done.json() == {"renewed": 1}
    other = api_client(caseworker).post(
        renew, {**body, "org": "999999"}, content_type="application/json"
    )
    assert other.status_code == 400 and other.json()["field"] == "org"


@pytest.mark.django_db
def test_plan_pages_set_up_a_plan_its_terms_and_a_renewal(plan, planner, caseworker, client):
    verified_login(client, planner)
    assert client.get("/mutualaid/plans/new/").status_code == 200
    made = client.post("/mutualaid/plans/new/", {"code": "zz-pg", "name": "页面计划", "kind": "inpatient",
                                                "grace_days": "30"})  # fmt: skip
    assert made.status_code == 302, made.content.decode()[:3000]
    new = plan.__class__.objects.get(code="zz-pg")
    url = f"/mutualaid/plans/{new.pk}/versions/new/"
    bad = client.post(url, {"valid_from": "2026-01-01", "rules": '{"percent": 150}', **TERMS})
    assert bad.status_code == 200 and rules_refusal({"percent": 150}) in bad.content.decode()
    assert client.post(url, {"valid_from": "2026-01-01", "rules": "{x"}).status_code == 200
    good = client.post(url, {"valid_from": "2026-01-01", "rules": '{"percent": 60}', **TERMS})
    assert good.status_code == 302 and new.versions.count() == 1
    enrolment = covered(plan, caseworker)
    verified_login(client, caseworker)
    renew = f"/mutualaid/plans/{plan.pk}/renew/"
    assert client.get(renew).status_code == 200
    done = client.post(renew, {"org": enrolment.org.code, "ending_by": "2026-12-31"})
    assert done.status_code == 302 and plan.enrolments.count() == 2
