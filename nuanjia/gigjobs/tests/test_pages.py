"""The pages, the API and the exports: the worker's phone reaches no match page, list, API
answer, export or the employer's page before the worker's consent, and the employer's page
after it; the corner's page shows its figures opening their rows; the member on the phone
signs up, sees a job near them, asks for it, and consents to a proposal."""

import io

import openpyxl
import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.campaigns.tests.partner_support import partner_client
from nuanjia.gigjobs import services
from nuanjia.gigjobs.models import GigWorker, Match
from nuanjia.members.models import Partner
from nuanjia.members.services import partners
from nuanjia.members.tests.conftest import member_client

from .conftest import WORKER_PHONE, post_values

pytestmark = pytest.mark.django_db
FULL, MASKED = WORKER_PHONE, "139****5678"
EMPLOYER_PHONE = "13700007777"


def _staff_client(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def _sheet_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(body))
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                    for cell in row if cell is not None)  # fmt: skip


@pytest.fixture
def employer(post, staff):
    partner = partners.register_partner(org=post.org, name="郑州建工三公司", kind=Partner.Kind.EMPLOYER,
                                        by=staff)  # fmt: skip
    partners.add_partner_user(partner, name="李经理", phone=EMPLOYER_PHONE, by=staff)
    post.partner = partner
    post.save()
    return partner


def _everywhere(client, match) -> str:
    pages = [
        client.get(f"/gigjobs/matches/{match.pk}/").content.decode(),
        client.get(f"/gigjobs/matches/?corner={match.corner_id}").content.decode(),
        client.get(f"/gigjobs/posts/{match.post_id}/").content.decode(),
        client.get(f"/api/v1/gigjobs/matches/{match.pk}").content.decode(),
        client.get("/api/v1/gigjobs/matches").content.decode(),
        _sheet_text(client.get("/gigjobs/matches/export.xlsx")),
    ]
    return "\n".join(pages)


def test_the_phone_shows_nowhere_before_consent_and_to_the_employer_after(
    post, gig, staff, employer
):
    match = services.propose_match(post, gig, by=staff)
    client = _staff_client(staff)
    seen = _everywhere(client, match)
    assert FULL not in seen and MASKED not in seen and "5678" not in seen
    phone, _person = partner_client(EMPLOYER_PHONE)
    page = phone.get("/p/gigjobs/posts/").content.decode()
    assert "王零工" in page and "5678" not in page
    services.record_consent(match, by=staff)
    assert MASKED in _everywhere(client, match) and FULL not in _everywhere(client, match)
    page = phone.get("/p/gigjobs/posts/").content.decode()
    assert f'href="tel:{FULL}"' in page


def test_the_corner_page_shows_the_figures_and_opens_their_rows(post, gig, staff, corner):
    match = services.propose_match(post, gig, by=staff)
    services.record_consent(match, by=staff)
    client = _staff_client(staff)
    client.post(f"/gigjobs/matches/{match.pk}/start/")
    answer = client.post(f"/gigjobs/matches/{match.pk}/complete/", {"days_worked": "3"})
    assert answer.status_code == 302
    assert Match.objects.get().status == "completed"
    page = client.get(f"/gigjobs/corners/{corner.pk}/").content.decode()
    assert 'data-testid="corner-figures"' in page
    link = f"/gigjobs/matches/?corner={corner.pk}&amp;status=completed"
    assert link in page
    rows = client.get(link.replace("&amp;", "&")).content.decode()
    assert str(match) in rows and "王零工" in rows


def test_a_member_signs_up_sees_a_near_job_asks_for_it_and_consents(post, corner, staff):
    phone, member = member_client("13666668888")
    answer = phone.post("/m/gigjobs/", {
        "action": "sign_up", "name": "赵师傅", "corner": corner.pk, "skills": "水电",
        "available_from": "2026-05-10", "available_until": "2026-05-31",
    })  # fmt: skip
    assert answer.status_code == 302
    page = phone.get("/m/gigjobs/").content.decode()
    assert "小工（搬运）" in page and "公里" in page
    phone.post("/m/gigjobs/", {"action": "apply", "post": post.pk})
    match = Match.objects.get(gig_worker__member=member)
    assert match.status == "consented"
    other = services.create_post(corner, by=staff, **post_values(work="保洁"))
    proposed = services.propose_match(other, GigWorker.objects.get(member=member), by=staff)
    phone.post("/m/gigjobs/", {"action": "consent", "match": proposed.pk})
    proposed.refresh_from_db()
    assert proposed.status == "consented" and proposed.consented_at is not None


def test_another_members_match_cannot_be_consented(post, gig, staff):
    match = services.propose_match(post, gig, by=staff)
    phone, _member = member_client("13666669999")
    phone.post("/m/gigjobs/", {"action": "consent", "match": match.pk})
    match.refresh_from_db()
    assert match.status == "proposed"


def test_the_api_refuses_pay_below_the_minimum_naming_the_field(corner, staff):
    client = _staff_client(staff)
    body = post_values(pay_fen=9000)
    answer = client.post(f"/api/v1/gigjobs/corners/{corner.pk}/posts", body,
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["field"] == "pay_fen" and "90.00" in answer.json()["message"]
    answer = client.post(f"/api/v1/gigjobs/corners/{corner.pk}/posts", post_values(),
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.content


def test_the_staff_form_shows_the_refusal(corner, staff):
    client = _staff_client(staff)
    data = post_values(pay="50") | {"pay_unit": "day"}
    page = client.post(f"/gigjobs/corners/{corner.pk}/posts/new/", data).content.decode()
    assert "96.56" in page


def test_a_dispute_from_the_match_page_opens_a_ticket(post, gig, staff):
    match = services.propose_match(post, gig, by=staff)
    services.record_consent(match, by=staff)
    services.start_match(match, by=staff)
    client = _staff_client(staff)
    client.post(f"/gigjobs/matches/{match.pk}/", {"kind": "unpaid", "description": "未结工钱"})
    page = client.get(f"/gigjobs/matches/{match.pk}/").content.decode()
    dispute = match.disputes.get()
    assert dispute.ticket.number in page
