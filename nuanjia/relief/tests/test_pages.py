"""Relief pages and API: each for its happy path and its permission matrix."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from nuanjia.accounts.services import issue_api_token
from nuanjia.core.audit import AuditEvent
from nuanjia.core.tests.exports import export_rows
from nuanjia.relief import services
from nuanjia.relief.models import Grant, PaymentBatch
from nuanjia.relief.rules import Status

from .conftest import YUAN, make_worker

pytestmark = pytest.mark.django_db


def test_the_caseworker_proposes_from_the_form_with_the_cap_explanation(
    login, caseworker, worker, money
):
    client = login(caseworker)
    url = reverse("relief:grant_new", args=[worker.pk])
    assert client.get(url).status_code == 200
    form = {
        "grant_type": services.GrantType.objects.get(code="warmth").pk,
        "amount": "3,000.01",
        "org": caseworker.org_id,
        "reason": "冬季慰问",
    }
    checked = client.post(url, {**form, "check": "1"})
    assert checked.status_code == 200
    assert 'data-testid="cap-check"' in checked.content.decode()
    refused = client.post(url, {**form, "propose": "1"})
    assert refused.status_code == 200 and not Grant.objects.exists()
    proposed = client.post(url, {**form, "amount": "3000", "propose": "1"})
    grant = Grant.objects.get()
    assert proposed.status_code == 302
    assert proposed["Location"] == reverse("relief:grant_detail", args=[grant.pk])
    assert grant.amount_fen == 3_000 * YUAN and grant.proposed_by == caseworker


def test_the_form_warns_of_a_grant_elsewhere_this_year(login, caseworker, make_staff, money):
    worker = make_worker()
    services.propose_grant(
        worker,
        grant_type=services.GrantType.objects.get(code="warmth"),
        amount_fen=500 * YUAN,
        reason="x",
        by=make_staff("410100", "caseworker"),
    )
    client = login(caseworker)
    response = client.post(
        reverse("relief:grant_new", args=[worker.pk]),
        {
            "grant_type": services.GrantType.objects.get(code="warmth").pk,
            "amount": "500",
            "org": caseworker.org_id,
            "reason": "冬季慰问",
            "check": "1",
        },
    )
    assert 'data-testid="duplicate-warning"' in response.content.decode()


def test_only_a_caseworker_opens_the_proposal_form(login, reviewer, worker):
    assert login(reviewer).get(reverse("relief:grant_new", args=[worker.pk])).status_code == 403


def test_review_and_approve_through_the_step_pages(login, walk, worker, reviewer, approver, money):
    grant = walk(worker, "proposed")
    client = login(reviewer)
    detail = client.get(reverse("relief:grant_detail", args=[grant.pk])).content.decode()
    assert 'data-testid="step-review"' in detail and 'data-testid="step-approve"' not in detail
    assert client.get(reverse("relief:step_approve", args=[grant.pk])).status_code == 403
    response = client.post(reverse("relief:step_review", args=[grant.pk]), {"note": "材料齐全"})
    assert response.status_code == 302
    client = login(approver)
    client.post(reverse("relief:step_approve", args=[grant.pk]), {"note": ""})
    grant.refresh_from_db()
    assert grant.status == Status.APPROVED


def test_the_voucher_prints_the_amount_in_capitals(login, walk, worker, caseworker, money):
    grant = walk(worker, "approved", amount_fen=250_050)
    page = login(caseworker).get(reverse("relief:voucher", args=[grant.pk])).content.decode()
    assert "人民币贰仟伍佰元零伍角" in page


def test_a_proposed_grant_has_no_voucher(login, walk, worker, caseworker, money):
    grant = walk(worker, "proposed")
    assert login(caseworker).get(reverse("relief:voucher", args=[grant.pk])).status_code == 404


def test_the_worker_history_masks_other_unions_amounts(login, caseworker, make_staff, money):
    worker = make_worker()
    services.propose_grant(
        worker,
        grant_type=services.GrantType.objects.get(code="warmth"),
        amount_fen=777 * YUAN,
        reason="x",
        by=make_staff("410100", "caseworker"),
    )
    page = login(caseworker).get(reverse("relief:worker_history", args=[worker.pk]))
    text = page.content.decode()
    assert "郑州市总工会" in text and "777.00" not in text


def test_the_queue_list_pins_its_query_count(
    login, walk, reviewer, money, django_assert_max_num_queries
):
    for _ in range(5):
        walk(make_worker(), "proposed")
    client = login(reviewer)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("relief:grants") + "?queue=to_review")
    assert response.status_code == 200
    assert response.content.decode().count("RG0") == 5


def test_finance_builds_exports_and_imports_results_on_the_batch_screen(
    login, walk, finance, money
):
    grants = [walk(make_worker(), "approved", amount_fen=900 * YUAN) for _ in range(2)]
    client = login(finance)
    response = client.post(
        reverse("relief:batches"),
        {"org": finance.org_id, "earmark": grants[0].earmark_id, "note": ""},
    )
    batch = PaymentBatch.objects.get()
    assert response["Location"] == reverse("relief:batch_detail", args=[batch.pk])
    refused = client.post(
        reverse("relief:batch_export", args=[batch.pk]), {"reason": "", "format": "xlsx"}
    )
    assert refused.status_code == 200 and batch.export_count == 0
    download = client.post(
        reverse("relief:batch_export", args=[batch.pk]), {"reason": "发放送温暖", "format": "xlsx"}
    )
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert AuditEvent.objects.filter(action="relief.bank_file_exported").count() == 1

    buffer = io.StringIO()
    csv.writer(buffer).writerows([("参考号", "结果"), *[(row[0], "成功") for row in rows[1:]]])
    upload = SimpleUploadedFile("result.csv", buffer.getvalue().encode(), "text/csv")
    done = client.post(reverse("relief:batch_results", args=[batch.pk]), {"file": upload})
    assert done.status_code == 302
    assert set(Grant.objects.values_list("status", flat=True)) == {Status.PAID}
    progress = client.get(reverse("relief:batch_progress", args=[batch.pk])).content.decode()
    assert "2" in progress


def test_a_bad_result_file_shows_row_and_column(login, walk, finance, money, huiji, earmarks):
    walk(make_worker(), "approved")
    batch = services.build_batch(huiji, earmarks["warmth"], by=finance)
    services.export_bank_file(batch, io.BytesIO(), by=finance, reason="发放")
    upload = SimpleUploadedFile("result.csv", "参考号,结果\nNOPE,成功\n".encode(), "text/csv")
    response = login(finance).post(
        reverse("relief:batch_results", args=[batch.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "第2行 A列" in response.content.decode()
    assert Grant.objects.get().status == Status.BATCHED


def test_only_finance_may_export_the_bank_file(
    login, walk, approver, finance, money, huiji, earmarks
):
    walk(make_worker(), "approved")
    batch = services.build_batch(huiji, earmarks["warmth"], by=finance)
    response = login(approver).post(
        reverse("relief:batch_export", args=[batch.pk]), {"reason": "看看", "format": "csv"}
    )
    assert response.status_code == 403


# ---- API ------------------------------------------------------------------------------------


def _api(client, user):
    _token, raw = issue_api_token(user, name="test", by=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_proposes_reviews_and_lists(client, caseworker, reviewer, worker, money):
    headers = _api(client, caseworker)
    response = client.post(
        "/api/v1/relief/grants",
        {"worker_id": worker.pk, "grant_type": "warmth", "amount_fen": 300_001, "reason": "慰问"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400 and response.json()["code"] == "over_cap"
    response = client.post(
        "/api/v1/relief/grants",
        {"worker_id": worker.pk, "grant_type": "warmth", "amount_fen": 300_000, "reason": "慰问"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    grant_id = response.json()["id"]
    refused = client.post(
        f"/api/v1/relief/grants/{grant_id}/review",
        {"note": ""},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 403
    reviewed = client.post(
        f"/api/v1/relief/grants/{grant_id}/review",
        {"note": ""},
        content_type="application/json",
        **_api(client, reviewer),
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    listed = client.get("/api/v1/relief/grants?queue=to_approve", **headers).json()
    assert [item["id"] for item in listed["items"]] == [grant_id]
    events = client.get(f"/api/v1/relief/grants/{grant_id}/events", **headers).json()
    assert [event["action"] for event in events] == ["propose", "review"]


def test_the_api_builds_a_batch_and_imports_results(client, walk, finance, money):
    grant = walk(make_worker(), "approved")
    headers = _api(client, finance)
    built = client.post(
        "/api/v1/relief/batches",
        {"org_id": finance.org_id, "earmark": "warmth"},
        content_type="application/json",
        **headers,
    )
    assert built.status_code == 201
    batch_id = built.json()["id"]
    exported = client.post(
        f"/api/v1/relief/batches/{batch_id}/bank-file",
        {"reason": "发放", "format": "csv"},
        content_type="application/json",
        **headers,
    )
    assert exported.status_code == 200
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    reference = text.splitlines()[1].split(",")[0]
    bad = SimpleUploadedFile("r.csv", "参考号,结果\nNOPE,成功\n".encode(), "text/csv")
    refused = client.post(f"/api/v1/relief/batches/{batch_id}/results", {"file": bad}, **headers)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["row"] == 2 and refused.json()["errors"][0]["column"] == "A"
    good = SimpleUploadedFile("r.csv", f"参考号,结果\n{reference},成功\n".encode(), "text/csv")
    settled = client.post(f"/api/v1/relief/batches/{batch_id}/results", {"file": good}, **headers)
    assert settled.status_code == 200 and settled.json()["settled"] == 1
    grant.refresh_from_db()
    assert grant.status == Status.PAID


def test_each_role_sees_its_grant_queue_on_the_home_page(login, walk, reviewer, caseworker, money):
    walk(make_worker(), "proposed")
    home = login(reviewer).get(reverse("desk:home")).content.decode()
    assert "待审核救助" in home or "Grants to review" in home
    assert "?queue=to_review" in home
    assert "queue=to_approve" not in login(caseworker).get(reverse("desk:home")).content.decode()


def test_the_worker_page_links_to_the_assistance_history(login, caseworker, worker):
    page = login(caseworker).get(reverse("people:worker_detail", args=[worker.pk])).content.decode()
    assert reverse("relief:worker_history", args=[worker.pk]) in page


def test_the_caseworker_queue_lists_filed_families_not_helped_this_year(
    login, caseworker, walk, money
):
    from .conftest import make_family

    helped, waiting = make_family(), make_family()
    walk(helped.household.worker, "proposed")
    page = login(caseworker).get(reverse("relief:grants") + "?queue=to_propose").content.decode()
    assert waiting.household.worker.name in page
    assert helped.household.worker.name not in page
    assert reverse("relief:grant_new", args=[waiting.household.worker_id]) in page


def test_ledger_pages_name_the_grant_behind_a_posting_and_link_to_it(
    login, walk, worker, finance, money
):
    from nuanjia.funds.models import Transaction

    grant = walk(worker, "approved")
    reservation = Transaction.objects.get(source_type="relief.grant", source_id=str(grant.pk))
    client = login(finance)
    link = f'href="{reverse("relief:grant_detail", args=[grant.pk])}"'
    for url in ("/funds/transactions/", f"/funds/transactions/{reservation.pk}/"):
        page = client.get(url).content.decode()
        assert f"救助 {grant.number}" in page and link in page
        assert f">relief.grant:{grant.pk}<" not in page
    exported = export_rows(client.get(reverse("funds:transactions_export")))
    sources = [row[-1] for row in exported[1:]]
    assert f"救助 {grant.number}" in sources and f"relief.grant:{grant.pk}" not in sources
    body = client.get(
        f"/api/v1/funds/transactions/{reservation.pk}",
        headers={"authorization": f"Bearer {issue_api_token(finance, name='t', by=finance)[1]}"},
    ).json()
    assert (body["source_type"], body["source_id"]) == ("relief.grant", str(grant.pk))
    assert body["source_label"] == f"救助 {grant.number}"
    assert body["source_link"] == reverse("relief:grant_detail", args=[grant.pk])
