"""The screening pages and API operations: the findings list with its counts and export, the
new-finding page (a registry worker found by search, or a new person), a finding's page and
its three decisions, the to-do tile."""

import io

import openpyxl
import pytest
from django.urls import reverse

from nuanjia.accounts.services import issue_api_token
from nuanjia.campaigns.models import Finding
from nuanjia.campaigns.rules import FindingDegree, FindingStatus
from nuanjia.core.models import AuditEvent
from nuanjia.core.todo import items_for
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker
from nuanjia.people.tests.support import id_number
from nuanjia.relief.models import Grant

from .screening_support import (
    LUOHE,
    WEIDU,
    YUANHUI,
    found,
    open_campaign,
    registered_worker,
    screening_drive,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def planner(make_staff):
    return make_staff("410000", Role.CASEWORKER, username="sz_planner")


@pytest.fixture
def luohe_caseworker(make_staff):
    return make_staff(YUANHUI, Role.CASEWORKER, username="lh_caseworker")


@pytest.fixture
def drive(planner):
    return screening_drive(open_campaign(planner), LUOHE, planner)


@pytest.fixture
def courier(luohe_caseworker):
    return registered_worker(
        luohe_caseworker, "赵强", region=YUANHUI, sequence=11, phone="13903951111"
    )


@pytest.fixture
def findings(drive, luohe_caseworker, courier):
    """Three findings: two serious, one mild; one already decided (no help)."""
    first = found(drive, luohe_caseworker, worker=courier)
    other = registered_worker(luohe_caseworker, "孙丽", region=YUANHUI, sequence=22)
    second = found(drive, luohe_caseworker, worker=other, degree=FindingDegree.MILD)
    from nuanjia.campaigns.workflow import FINDING_FLOW

    FINDING_FLOW.take_step(second, "no_help", by=luohe_caseworker, note="已复工")
    third = found(drive, luohe_caseworker, worker=other)
    return [first, second, third]


def _api(user) -> dict:
    _token, raw = issue_api_token(user, name="test", by=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_activity_tab_lists_findings_with_counts_that_drill_down(
    login, luohe_caseworker, drive, findings
):
    client = login(luohe_caseworker)
    overview = client.get(reverse("campaigns:activity", args=[drive.pk])).content.decode()
    assert reverse("campaigns:findings", args=[drive.pk]) in overview
    url = reverse("campaigns:findings", args=[drive.pk])
    page = client.get(url)
    assert page.status_code == 200
    counts = page.context["counts"]
    assert {row["value"]: row["count"] for row in counts["status"]} == {
        "found": 2,
        "applied": 0,
        "granted": 0,
        "no_help": 1,
    }
    assert {row["value"]: row["count"] for row in counts["degree"]}["serious"] == 2
    waiting = client.get(url, {"status": "found"})
    assert {row.pk for row in waiting.context["page"]} == {findings[0].pk, findings[2].pk}
    mild = client.get(url, {"degree": "mild"})
    assert [row.pk for row in mild.context["page"]] == [findings[1].pk]


def test_the_findings_export_writes_the_filtered_rows(login, luohe_caseworker, drive, findings):
    client = login(luohe_caseworker)
    response = client.get(
        reverse("campaigns:findings_export", args=[drive.pk]), {"status": "found"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # the header and the two waiting findings
    assert AuditEvent.objects.filter(action="list.exported", actor=luohe_caseworker).exists()


def test_a_finding_is_recorded_for_a_worker_found_by_search(
    login, luohe_caseworker, drive, courier
):
    client = login(luohe_caseworker)
    url = reverse("campaigns:finding_new", args=[drive.pk])
    search = client.get(url, {"q": "13903951111"})
    assert courier in search.context["results"]
    response = client.post(
        url,
        {
            "worker": courier.pk,
            "org": luohe_caseworker.org_id,
            "degree": "severe",
            "circumstances": "网约车司机，疫情停运",
            "found_on": "2026-02-21",
            "found_by_name": "志愿者 李华",
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "campaigns:finding", args=[finding.pk]
    )
    assert finding.worker == courier and finding.degree == "severe"


def test_a_new_person_is_registered_from_the_page(login, luohe_caseworker, drive):
    client = login(luohe_caseworker)
    response = client.post(
        reverse("campaigns:finding_new", args=[drive.pk]),
        {
            "org": luohe_caseworker.org_id,
            "degree": "serious",
            "circumstances": "快递员，受伤停工",
            "found_on": "2026-02-21",
            "name": "吴刚",
            "id_number": id_number(YUANHUI, sequence=55),
            "phone": "13903955555",
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.registered_here and finding.worker.name == "吴刚"


def test_a_missing_degree_comes_back_on_the_form(login, luohe_caseworker, drive, courier):
    client = login(luohe_caseworker)
    response = client.post(
        reverse("campaigns:finding_new", args=[drive.pk]),
        {
            "worker": courier.pk,
            "org": luohe_caseworker.org_id,
            "circumstances": "停工",
            "found_on": "2026-02-21",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["degree"]
    assert not Finding.objects.exists()


def test_an_approver_is_refused_the_new_finding_post_and_it_is_audited(
    login, make_staff, drive, courier
):
    approver = make_staff(YUANHUI, Role.APPROVER)
    client = login(approver)
    response = client.post(
        reverse("campaigns:finding_new", args=[drive.pk]),
        {"worker": courier.pk, "org": approver.org_id, "degree": "mild"},
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action="access.denied", actor=approver, changes__permission="campaigns.finding.record"
    ).exists()


def test_the_finding_page_offers_the_decisions_and_they_are_taken(
    login, luohe_caseworker, findings
):
    client = login(luohe_caseworker)
    finding = findings[0]
    page = client.get(reverse("campaigns:finding", args=[finding.pk]))
    assert [step["step"] for step in page.context["steps"]] == [
        "open_application",
        "propose_grant",
        "no_help",
    ]
    form = client.get(reverse("campaigns:finding_propose_grant", args=[finding.pk]))
    assert form.status_code == 200
    too_much = client.post(
        reverse("campaigns:finding_propose_grant", args=[finding.pk]),
        {"grant_type": _type("epidemic"), "amount": "3001", "reason": "疫情停工"},
    )
    assert too_much.status_code == 200 and too_much.context["form"].errors
    done = client.post(
        reverse("campaigns:finding_propose_grant", args=[finding.pk]),
        {"grant_type": _type("epidemic"), "amount": "2000", "reason": "疫情停工"},
    )
    assert done.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.GRANTED and finding.grant.amount_fen == 200_000
    detail = client.get(reverse("campaigns:finding", args=[finding.pk])).content.decode()
    assert finding.grant.number in detail and "finding-decided" in detail


def test_the_application_button_opens_the_file(login, luohe_caseworker, findings):
    client = login(luohe_caseworker)
    finding = findings[2]
    response = client.post(reverse("campaigns:finding_open_application", args=[finding.pk]))
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.APPLIED and finding.hardship_file_id
    again = client.post(reverse("campaigns:finding_open_application", args=[finding.pk]))
    assert again.status_code == 302
    assert Finding.objects.get(pk=finding.pk).hardship_file_id == finding.hardship_file_id


def test_no_help_from_its_page_needs_the_reason(login, luohe_caseworker, findings):
    client = login(luohe_caseworker)
    url = reverse("campaigns:finding_no_help", args=[findings[0].pk])
    missing = client.post(url, {"note": ""})
    assert missing.status_code == 200 and missing.context["form"].errors["note"]
    assert client.post(url, {"note": "家人已就业"}).status_code == 302
    assert Finding.objects.get(pk=findings[0].pk).status == FindingStatus.NO_HELP


def test_the_caseworkers_to_do_counts_findings_waiting(
    login, luohe_caseworker, findings, make_staff
):
    items = [item for item in items_for(luohe_caseworker) if "campaigns/findings" in item.url]
    assert [item.count for item in items] == [2]
    client = login(luohe_caseworker)
    queue = client.get(items[0].url)
    assert {row.pk for row in queue.context["page"]} == {findings[0].pk, findings[2].pk}
    other = make_staff(WEIDU, Role.CASEWORKER)
    assert not [item for item in items_for(other) if "campaigns/findings" in item.url]


def _type(code: str) -> int:
    from nuanjia.relief.models import GrantType

    return GrantType.objects.get(code=code).pk


# ---- API ------------------------------------------------------------------------------------


def test_the_api_records_lists_and_decides_findings(client, luohe_caseworker, drive, courier):
    headers = _api(luohe_caseworker)
    base = f"/api/v1/campaigns/activities/{drive.pk}/findings"
    created = client.post(
        base,
        {
            "worker_id": courier.pk,
            "degree": "serious",
            "circumstances": "外卖骑手，停工",
            "found_on": "2026-02-22",
            "found_by_name": "志愿者 王芳",
        },
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "found" and body["steps"] == [
        "open_application",
        "propose_grant",
        "no_help",
    ]
    new_person = client.post(
        base,
        {
            "new_person": {"name": "郑红", "id_number": id_number(YUANHUI, sequence=66)},
            "degree": "mild",
            "circumstances": "环卫工，家人患病",
            "found_on": "2026-02-22",
        },
        content_type="application/json",
        **headers,
    )
    assert new_person.status_code == 201 and new_person.json()["registered_here"]
    listed = client.get(base, {"degree": "mild"}, **headers).json()
    assert [row["id"] for row in listed["items"]] == [new_person.json()["id"]]
    finding_id = body["id"]
    grant = client.post(
        f"/api/v1/campaigns/findings/{finding_id}/propose_grant",
        {"grant_type": "epidemic", "amount_fen": 150_000, "reason": "疫情停工"},
        content_type="application/json",
        **headers,
    )
    assert grant.status_code == 200 and grant.json()["status"] == "granted"
    assert Grant.objects.get(pk=grant.json()["grant_id"]).amount_fen == 150_000
    again = client.post(
        f"/api/v1/campaigns/findings/{finding_id}/no_help",
        {"note": "无需"},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 400 and again.json()["code"] == "invalid_transition"
    events = client.get(f"/api/v1/campaigns/findings/{finding_id}/events", **headers).json()
    assert [event["action"] for event in events] == ["found", "propose_grant"]


def test_the_api_refuses_a_missing_degree_on_its_field(client, luohe_caseworker, drive, courier):
    response = client.post(
        f"/api/v1/campaigns/activities/{drive.pk}/findings",
        {"worker_id": courier.pk, "circumstances": "停工", "found_on": "2026-02-22"},
        content_type="application/json",
        **_api(luohe_caseworker),
    )
    assert response.status_code == 400 and response.json()["field"] == "degree"
    assert not Finding.objects.exists() and Worker.objects.count() == 1


def test_the_api_refuses_a_grant_above_the_cap(client, luohe_caseworker, findings):
    response = client.post(
        f"/api/v1/campaigns/findings/{findings[0].pk}/propose_grant",
        {"grant_type": "epidemic", "amount_fen": 300_100, "reason": "疫情停工"},
        content_type="application/json",
        **_api(luohe_caseworker),
    )
    assert response.status_code == 400 and response.json()["message"]
    assert Finding.objects.get(pk=findings[0].pk).status == FindingStatus.FOUND


def test_another_county_cannot_reach_the_findings(client, outsider, drive, findings):
    headers = _api(outsider)
    assert client.get(f"/api/v1/campaigns/findings/{findings[0].pk}", **headers).status_code == 404
    refused = client.post(
        f"/api/v1/campaigns/findings/{findings[0].pk}/no_help",
        {"note": "无需"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code in (403, 404)
    assert Finding.objects.get(pk=findings[0].pk).status == FindingStatus.FOUND
