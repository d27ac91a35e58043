"""The member's phone pages: their cover with the waiting-period end, their claims and their
state, a claim sent from the phone; another worker's enrolment answers 404."""

import datetime

import pytest

from nuanjia.members.models import Member
from nuanjia.members.tests.conftest import member_client, texts  # noqa: F401 -- fixture
from nuanjia.mutualaid.models import Claim
from nuanjia.mutualaid.rules import ClaimStatus, Via

from .support import claim_data, covered


@pytest.mark.django_db
def test_a_member_sees_the_cover_and_claims_from_the_phone(plan, caseworker):
    mine = covered(plan, caseworker, paid_on=datetime.date(2026, 2, 1))
    other = covered(plan, caseworker)
    client, member = member_client("13912340001")
    Member.objects.filter(pk=member.pk).update(worker=mine.worker, bound_via="phone")
    page = client.get("/m/mutualaid/").content.decode()
    assert plan.name in page and "2026-05-01" in page  # the waiting period's last day
    assert client.get(f"/m/mutualaid/claim/{other.pk}/").status_code == 404
    form = {
        "illness": "阑尾炎", "hospital": "惠济区人民医院", "service_on": "2026-07-01", "consent": "on",
        "line-TOTAL_FORMS": "3", "line-INITIAL_FORMS": "0", "line-0-invoice_code": "4101",
        "line-0-invoice_number": "555", "line-0-total": "3000", "line-0-insurance": "2000",
        "line-0-self_paid": "1000", "line-0-eligible": "1000", "line-0-asked": "1000",
    }  # fmt: skip
    documents = {f"doc_{k}": v for k, v in claim_data().documents.items()}
    sent = client.post(f"/m/mutualaid/claim/{mine.pk}/", {**form, **documents})
    assert sent.status_code == 302
    claim = Claim.objects.get()
    assert (claim.via, claim.status, claim.submitted_by) == (
        Via.MEMBER,
        ClaimStatus.SUBMITTED,
        None,
    )
    assert claim.proposed_fen == 60_000
    assert str(claim) in client.get("/m/mutualaid/").content.decode()


@pytest.mark.django_db
def test_a_member_downloads_only_their_own_claim_documents(plan, caseworker):
    from nuanjia.core.models import AuditEvent
    from nuanjia.mutualaid import services

    mine = covered(plan, caseworker, paid_on=datetime.date(2026, 2, 1))
    other = covered(plan, caseworker, paid_on=datetime.date(2026, 2, 1))
    own = services.submit_claim(plan, mine.worker, claim_data(), by=caseworker)
    theirs = services.submit_claim(plan, other.worker, claim_data(), by=caseworker)
    client, member = member_client("13912340002")
    Member.objects.filter(pk=member.pk).update(worker=mine.worker, bound_via="phone")
    document = own.documents.first()
    url = f"/m/mutualaid/claims/{own.pk}/documents/{document.pk}/"
    assert url in client.get("/m/mutualaid/").content.decode()
    download = client.get(url)
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="mutualaid.document_read").get()
    assert event.actor_label == f"member:{member.pk}"
    foreign = theirs.documents.first()
    assert client.get(f"/m/mutualaid/claims/{theirs.pk}/documents/{foreign.pk}/").status_code == 404
    assert client.get(f"/m/mutualaid/claims/{own.pk}/documents/{foreign.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="mutualaid.document_read").count() == 1
