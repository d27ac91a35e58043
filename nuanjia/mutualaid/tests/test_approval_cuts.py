"""The approver may approve a line below its proposed amount, naming the coded reason of the
cut — in the service, on the claim's page and through the API; the counters take the
approved total as use and the invoice keeps only what the line was approved."""

import datetime
import json

import pytest

from conftest import verified_login
from nuanjia.core.errors import RuleViolation
from nuanjia.mutualaid import services
from nuanjia.mutualaid.models import Claim, ClaimEvent, Invoice, InvoiceUse, YearCounter
from nuanjia.mutualaid.rules import ClaimStatus, ClaimStep, Cut
from nuanjia.mutualaid.workflow import CLAIM_FLOW

from .support import claim_data, covered, fund, line
from .test_api_write import api_client
from .test_claims import _invariants

PAID = datetime.date(2026, 2, 1)


def _claim(plan, caseworker):
    enrolment = covered(plan, caseworker, paid_on=PAID)
    fund(plan, 1_000_000)
    data = claim_data(lines=[line(100_000), line(50_000)])  # 60 %: 60,000 + 30,000 proposed
    claim = services.submit_claim(plan, enrolment.worker, data, by=caseworker)
    assert (claim.status, claim.proposed_fen) == (ClaimStatus.SUBMITTED, 90_000)
    return claim


def _lines(claim):
    return [(row.approved_fen, row.cuts) for row in claim.lines.order_by("position")]


@pytest.mark.django_db
def test_a_line_approved_below_its_proposal_carries_its_reason(plan, caseworker, ma_approver):
    claim = _claim(plan, caseworker)
    second = claim.lines.get(position=2)
    claim = CLAIM_FLOW.take_step(
        claim, ClaimStep.APPROVE, by=ma_approver, cuts={2: (10_000, Cut.NOT_COVERED)}
    )
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.status, claim.approved_fen) == (ClaimStatus.APPROVED, 70_000)
    assert _lines(claim) == [
        (60_000, [["rate", 40_000]]),
        (10_000, [["rate", 20_000], ["not_covered", 20_000]]),
    ]
    _invariants(claim)
    counter = YearCounter.objects.get()
    assert (counter.reserved_fen, counter.used_fen) == (0, 70_000)
    assert InvoiceUse.objects.get(line=second).amount_fen == 10_000
    assert Invoice.objects.get(pk=second.invoice_id).used_fen == 10_000
    event = ClaimEvent.objects.filter(claim=claim, action="approve").get()
    assert event.changes["cuts"] == {"2": ["not_covered", 20_000]}


@pytest.mark.django_db
def test_a_cut_above_the_proposal_or_without_reason_is_refused(plan, caseworker, ma_approver):
    claim = _claim(plan, caseworker)
    for cuts, field in (
        ({2: (30_001, Cut.RATE)}, "approve_2"),
        ({1: (-1, Cut.RATE)}, "approve_1"),
        ({2: (10_000, "")}, "reason_2"),
        ({2: (10_000, Cut.REFUSED)}, "reason_2"),
        ({3: (0, Cut.RATE)}, "lines"),
    ):
        with pytest.raises(RuleViolation) as refused:
            CLAIM_FLOW.take_step(claim, ClaimStep.APPROVE, by=ma_approver, cuts=cuts)
        assert refused.value.field == field
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.status, claim.approved_fen, claim.reserved_fen) == (
        ClaimStatus.SUBMITTED,
        0,
        90_000,
    )
    assert _lines(claim)[1] == (0, [["rate", 20_000]])


@pytest.mark.django_db
def test_the_page_approves_lower_amounts_with_reasons(plan, caseworker, ma_approver, client):
    claim = _claim(plan, caseworker)
    verified_login(client, ma_approver)
    page = client.get(f"/mutualaid/claims/{claim.pk}/").content.decode()
    assert 'name="approve_2" value="300.00"' in page and 'name="reason_2"' in page
    url = f"/mutualaid/claims/{claim.pk}/approve/"
    refused = client.post(
        url, {"approve_1": "600.00", "approve_2": "200.00", "reason_2": ""}, follow=True
    )
    assert "2" in refused.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED
    client.post(url, {"approve_1": "500.00", "reason_1": "over_cap", "approve_2": "300.00"})
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.status, claim.approved_fen) == (ClaimStatus.APPROVED, 80_000)
    assert _lines(claim)[0] == (50_000, [["rate", 40_000], ["over_cap", 10_000]])


@pytest.mark.django_db
def test_the_api_approves_lower_amounts_with_reasons(plan, caseworker, ma_approver):
    claim = _claim(plan, caseworker)
    api = api_client(ma_approver)
    url = f"/api/v1/mutualaid/claims/{claim.pk}/approve"

    def post(body):
        return api.post(url, json.dumps(body), content_type="application/json")

    refused = post({"lines": [{"position": 1, "approved_fen": 70_000, "reason": "rate"}]})
    assert refused.status_code == 400 and refused.json()["field"] == "approve_1"
    refused = post({"lines": [{"position": 1, "approved_fen": 1, "reason": "whim"}]})
    assert refused.status_code == 400 and refused.json()["field"] == "reason_1"
    done = post(
        {"note": "发票不全", "lines": [{"position": 2, "approved_fen": 0, "reason": "not_covered"}]}
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["approved_fen"] == 60_000 and [row["approved_fen"] for row in body["lines"]] == [
        60_000,
        0,
    ]
    assert not InvoiceUse.objects.filter(line__claim=claim, line__position=2).exists()
