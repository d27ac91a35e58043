"""Worker registry pages: happy paths, the duplicate-to-transfer flow, reveals, households,
duplicate review, and the permission matrix (other county 404, administrator roles 403)."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.rules import Role
from nuanjia.people import rules, services
from nuanjia.people.models import (
    Consent,
    DuplicateCandidate,
    HouseholdMember,
    TransferRequest,
    Worker,
)
from tests.scopewalk import iter_routes

from .conftest import ZHANG_ID
from .support import id_number, register

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


# ---- List and search --------------------------------------------------------------------------


def test_the_worker_list_shows_masked_numbers_and_searches_by_initials(login, caseworker, zhang):
    register(caseworker, name="李思思")
    page = login(caseworker).get(reverse("people:worker_list"))
    assert page.status_code == 200
    html = text_of(page)
    assert "张三" in html and "李思思" in html and zhang.id_number_masked in html
    assert ZHANG_ID not in html and "13812345678" not in html and "138****5678" in html
    found = text_of(login(caseworker).get(reverse("people:worker_list"), {"q": "zs"}))
    assert "张三" in found and "李思思" not in found


def test_the_search_answers_htmx_with_the_results_only(login, caseworker, zhang):
    response = login(caseworker).get(
        reverse("people:worker_list"),
        {"q": "张"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="worker-results",
    )
    html = text_of(response)
    assert "张三" in html and "<html" not in html


def test_the_worker_list_pages_with_a_fixed_number_of_queries(
    login, caseworker, django_assert_num_queries
):
    for number in range(60):
        register(caseworker, name=f"职工{number:02d}", phone=f"139{number:08d}")
    client = login(caseworker)
    url = reverse("people:worker_list")
    client.get(url)  # warm the session
    # session, user, user's roles, count, the page of workers with their unions; then the idle
    # timeout's session save (savepoint, update, release). Not one query per row.
    with django_assert_num_queries(8):
        first = client.get(url)
    with django_assert_num_queries(8):
        second = client.get(url, {"page": 2})
    with django_assert_num_queries(8):
        by_last4 = client.get(url, {"q": "0057"})  # the phone's last 4, through its blind index
    assert first.context["page"].count.value == 60 and len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 10
    assert [worker.name for worker in by_last4.context["page"].object_list] == ["职工57"]


# ---- Registration, duplicates and transfers -------------------------------------------------


def worker_form(**values) -> dict:
    return {
        "name": "",
        "id_number": "",
        "gender": "",
        "birth_date": "",
        "phone": "",
        "address": "",
        "region_code": "",
        "employer_name": "",
        "employer_credit_code": "",
        "member_card_number": "",
        "bank_name": "",
        "bank_account": "",
        **values,
    }


def test_a_caseworker_registers_a_worker_and_lands_on_the_record(login, caseworker):
    response = login(caseworker).post(
        reverse("people:worker_new"),
        worker_form(name="王五", id_number=id_number(), phone="13800001234"),
    )
    worker = Worker.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:worker_detail", args=[worker.pk]
    )
    assert worker.org == caseworker.org and worker.created_by == caseworker


def test_a_bad_id_number_is_explained_in_chinese_on_its_field(login, caseworker):
    bad = id_number()[:-1] + "0" if not id_number().endswith("0") else id_number()[:-1] + "1"
    response = login(caseworker).post(
        reverse("people:worker_new"), worker_form(name="王五", id_number=bad)
    )
    assert response.status_code == 200
    assert "校验" in str(response.context["form"].errors["id_number"])
    assert not Worker.objects.exists()


def test_kaifeng_is_offered_a_transfer_and_never_sees_the_full_number(
    login, zhang, caseworker, outsider
):
    """Acceptance: an ID registered in 郑州 and entered in 开封 is refused as a new record and
    offered as a transfer; the 开封 user sees only the masked number, on pages, API and audit."""
    kaifeng = login(outsider)
    refused = kaifeng.post(
        reverse("people:worker_new"),
        worker_form(
            name="张三",
            id_number=ZHANG_ID,
            bank_account="6222 0212 3456 7890 123",
            bank_name="工行",
        ),
    )
    html = text_of(refused)
    assert refused.status_code == 200 and Worker.objects.count() == 1
    assert "张*" in html and zhang.id_number_masked in html and "郑州市惠济区总工会" in html
    assert reverse("people:transfer_request") in html
    assert (
        ZHANG_ID not in html
        and ZHANG_ID.lower() not in html
        and "6222021234567890123" not in html
        and "6222 0212" not in html
    )

    asked = kaifeng.post(reverse("people:transfer_request"), {"reason": "现居开封鼓楼区"})
    assert asked.status_code == 302
    transfer = TransferRequest.objects.get()
    assert (transfer.worker, transfer.to_org, transfer.requested_by) == (
        zhang,
        outsider.org,
        outsider,
    )
    listing = text_of(kaifeng.get(reverse("people:transfer_list")))
    assert "张*" in listing and ZHANG_ID not in listing

    api = kaifeng.post(
        "/api/v1/people/workers/",
        {"name": "张三", "id_number": ZHANG_ID},
        content_type="application/json",
    )
    assert api.status_code == 409 and ZHANG_ID not in api.content.decode()
    assert kaifeng.get(reverse("people:worker_detail", args=[zhang.pk])).status_code == 404
    assert kaifeng.get(f"/api/v1/people/workers/{zhang.pk}").status_code == 404
    audit = json.dumps(
        [[event.object_label, event.changes] for event in AuditEvent.objects.all()],
        ensure_ascii=False,
    )
    assert ZHANG_ID not in audit

    owner = Client()
    verified_login(owner, caseworker)
    inbox = text_of(owner.get(reverse("people:transfer_list")))
    assert "现居开封鼓楼区" in inbox
    owner.post(reverse("people:transfer_accept", args=[transfer.pk]), {"note": "同意"})
    zhang.refresh_from_db()
    assert zhang.org == outsider.org
    detail = text_of(kaifeng.get(reverse("people:worker_detail", args=[zhang.pk])))
    assert zhang.id_number_masked in detail and ZHANG_ID not in detail


def test_a_duplicate_in_the_users_own_area_links_to_the_record(login, caseworker, zhang):
    response = login(caseworker).post(
        reverse("people:worker_new"), worker_form(name="张三", id_number=ZHANG_ID)
    )
    html = text_of(response)
    assert reverse("people:worker_detail", args=[zhang.pk]) in html
    assert reverse("people:transfer_request") not in html


def test_the_transfer_page_without_a_refused_registration_sends_the_user_back(login, outsider):
    response = login(outsider).post(reverse("people:transfer_request"), {"reason": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("people:worker_new")
    assert not TransferRequest.objects.exists()


def test_the_owning_union_declines_from_its_inbox(login, zhang, caseworker, outsider):
    transfer = services.request_transfer(zhang, by=outsider, reason="现居开封")
    login(caseworker).post(
        reverse("people:transfer_decline", args=[transfer.pk]), {"note": "仍在郑州"}
    )
    transfer.refresh_from_db()
    assert (
        transfer.status == TransferRequest.Status.DECLINED and transfer.decision_note == "仍在郑州"
    )


def test_the_requesting_union_cannot_decide_its_own_request(login, zhang, outsider):
    transfer = services.request_transfer(zhang, by=outsider, reason="现居开封")
    assert (
        login(outsider).post(reverse("people:transfer_accept", args=[transfer.pk])).status_code
        == 403
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferRequest.Status.PENDING


def test_pending_transfers_and_duplicates_appear_on_the_to_do_page(
    login, zhang, caseworker, reviewer, outsider
):
    services.request_transfer(zhang, by=outsider, reason="现居开封")
    register(caseworker, name="张三", birth_date="1985-06-15")
    todo = text_of(login(caseworker).get(reverse("desk:home")))
    assert "待处理的转移申请" in todo
    todo = text_of(login(reviewer).get(reverse("desk:home")))
    assert "待审核的疑似重复" in todo


# ---- Detail, edit, reveal ---------------------------------------------------------------------


def test_the_detail_page_shows_masked_numbers_and_a_reveal_form(login, caseworker, zhang):
    html = text_of(login(caseworker).get(reverse("people:worker_detail", args=[zhang.pk])))
    assert zhang.id_number_masked in html and zhang.bank_account_masked in html
    assert ZHANG_ID not in html and "6222021234567890123" not in html
    assert reverse("people:worker_reveal", args=[zhang.pk]) in html
    assert "外卖配送员" in html and "郑州惠济区百味餐饮管理有限公司" in html


def test_a_leader_reads_the_record_without_edit_or_reveal(login, leader, zhang):
    html = text_of(login(leader).get(reverse("people:worker_detail", args=[zhang.pk])))
    assert zhang.id_number_masked in html
    assert reverse("people:worker_reveal", args=[zhang.pk]) not in html
    assert reverse("people:worker_edit", args=[zhang.pk]) not in html
    assert (
        login(leader)
        .post(
            reverse("people:worker_reveal", args=[zhang.pk]),
            {"field": "id_number", "reason": "看看"},
        )
        .status_code
        == 403
    )
    assert AuditEvent.objects.filter(action="access.denied", success=False).exists()


def test_revealing_shows_the_number_once_and_records_the_reason(login, caseworker, zhang):
    client = login(caseworker)
    url = reverse("people:worker_reveal", args=[zhang.pk])
    refused = client.post(url, {"field": "id_number", "reason": ""}, HTTP_HX_REQUEST="true")
    assert (
        ZHANG_ID not in text_of(refused)
        and not AuditEvent.objects.filter(action="personal_data.revealed").exists()
    )
    shown = client.post(
        url, {"field": "id_number", "reason": "银行代发核对"}, HTTP_HX_REQUEST="true"
    )
    assert ZHANG_ID in text_of(shown) and "no-store" in shown["Cache-Control"]
    assert AuditEvent.objects.get(action="personal_data.revealed").changes == {
        "field": "id_number",
        "reason": "银行代发核对",
    }
    full_page = client.post(url, {"field": "bank_account", "reason": "代发核对"})
    assert "6222021234567890123" in text_of(full_page) and ZHANG_ID not in text_of(full_page)
    assert client.get(url).status_code == 405


def test_editing_keeps_the_numbers_when_left_blank(login, caseworker, zhang):
    client = login(caseworker)
    page = text_of(client.get(reverse("people:worker_edit", args=[zhang.pk])))
    assert ZHANG_ID not in page and zhang.id_number_masked in page
    response = client.post(
        reverse("people:worker_edit", args=[zhang.pk]),
        worker_form(name="张三", phone="13911112222", bank_name="中国工商银行"),
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (
        zhang.phone == "13911112222" and zhang.id_last4 == ZHANG_ID[-4:] and zhang.has_bank_account
    )


def test_consents_are_recorded_and_withdrawn_from_the_record(login, caseworker, zhang):
    client = login(caseworker)
    client.post(
        reverse("people:consent_new", args=[zhang.pk]),
        {"scope": "id_bank", "given_on": "2026-01-05", "evidence": "签字表-7"},
    )
    consent = Consent.objects.get()
    assert "签字表-7" in text_of(client.get(reverse("people:worker_detail", args=[zhang.pk])))
    client.post(reverse("people:consent_withdraw", args=[zhang.pk]), {"consent": consent.pk})
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None


def test_another_workers_consent_cannot_be_withdrawn_through_this_record(login, caseworker, zhang):
    other = register(caseworker, name="李四")
    consent = services.record_consent(other, scope="health", given_on="2026-01-05", by=caseworker)
    assert (
        login(caseworker)
        .post(reverse("people:consent_withdraw", args=[zhang.pk]), {"consent": consent.pk})
        .status_code
        == 404
    )


# ---- Household --------------------------------------------------------------------------------


def member_form(**values) -> dict:
    amounts = {name: "0" for name in rules.INCOME_FIELDS + rules.COST_FIELDS}
    return {
        "relation": "spouse",
        "name": "",
        "id_number": "",
        "gender": "",
        "birth_date": "",
        "health": "",
        "disability": "",
        "school_stage": "",
        "is_able_bodied": "on",
        "is_employed": "on",
        **amounts,
        **values,
    }


def add_member(client, worker, **values):
    """Post the add-a-member form of the worker's household (a spouse unless told)."""
    return client.post(reverse("people:member_new", args=[worker.pk]), member_form(**values))


def test_a_household_is_recorded_with_members_and_its_per_capita_income(login, caseworker, zhang):
    from nuanjia.standards.models import MinimumWage

    MinimumWage.objects.all().delete()
    client = login(caseworker)
    client.post(
        reverse("people:household", args=[zhang.pk]),
        {"region_code": "410108", "homes_count": "1", "homes_area_m2": "55.5", "notes": ""},
    )
    household = zhang.household
    me = household.members.get()
    client.post(
        reverse("people:member_edit", args=[me.pk]),
        {
            key: value
            for key, value in member_form(wage_income_fen="36000").items()
            if key not in ("relation", "name", "id_number", "gender", "birth_date")
        },
    )
    add_member(
        client,
        zhang,
        name="李梅",
        birth_date="1987-03-04",
        transfer_income_fen="1200.00",
        illness_cost_fen="600",
    )
    add_member(
        client,
        zhang,
        relation="child",
        name="张小",
        birth_date="2018-09-01",
        school_stage="primary",
        is_employed="",
    )
    assert household.members.count() == 3
    html = text_of(client.get(reverse("people:worker_detail", args=[zhang.pk])))
    # (36000 + 1200 − 600) 元 ÷ 3 ÷ 12 = 1016.67 元
    assert re.search(r'data-testid="per-capita">1016\.67<', html)
    assert 'data-testid="child"' in html and "李梅" in html
    child = household.members.get(name="张小")
    client.post(reverse("people:member_remove", args=[child.pk]))
    assert household.members.count() == 2
    assert client.post(reverse("people:member_remove", args=[me.pk])).status_code == 302
    assert household.members.filter(relation=HouseholdMember.Relation.SELF).exists()


def test_adding_a_member_before_the_household_sends_the_user_to_record_it(login, caseworker, zhang):
    response = login(caseworker).get(reverse("people:member_new", args=[zhang.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:household", args=[zhang.pk]
    )


# ---- Possible duplicates ----------------------------------------------------------------------


@pytest.fixture
def candidate(caseworker):
    register(caseworker, name="王芳", birth_date="1975-08-09", phone="13700001111")
    register(
        caseworker,
        name="王芳",
        birth_date="1975-08-09",
        address="惠济区天河路8号",
    )
    return DuplicateCandidate.objects.get()


def test_a_reviewer_merges_from_the_queue_and_undoes_it(login, reviewer, candidate):
    client = login(reviewer)
    queue = text_of(client.get(reverse("people:duplicate_list")))
    assert reverse("people:duplicate_detail", args=[candidate.pk]) in queue
    detail = text_of(client.get(reverse("people:duplicate_detail", args=[candidate.pk])))
    assert "王芳" in detail and reverse("people:duplicate_merge", args=[candidate.pk]) in detail
    client.post(
        reverse("people:duplicate_merge", args=[candidate.pk]), {"keep": candidate.worker_id}
    )
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
    assert 'data-testid="duplicates"' in (
        queue := text_of(client.get(reverse("people:duplicate_list")))
    )
    assert "已合并" in queue  # now under "recently decided", no longer in the queue
    client.post(reverse("people:duplicate_unmerge", args=[candidate.pk]))
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.UNMERGED
    client.post(reverse("people:duplicate_keep_apart", args=[candidate.pk]), {"note": "两个人"})
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.DISTINCT


def test_merging_with_a_stranger_record_is_refused(login, reviewer, candidate, zhang):
    login(reviewer).post(reverse("people:duplicate_merge", args=[candidate.pk]), {"keep": zhang.pk})
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN


def test_a_caseworker_sees_the_queue_but_cannot_merge(login, caseworker, candidate):
    client = login(caseworker)
    assert client.get(reverse("people:duplicate_detail", args=[candidate.pk])).status_code == 200
    assert (
        client.post(
            reverse("people:duplicate_merge", args=[candidate.pk]), {"keep": candidate.worker_id}
        ).status_code
        == 403
    )


# ---- Permission matrix ------------------------------------------------------------------------

# The registry's pages; import and export have their own matrix in test_import_workers.py.
PEOPLE_ROUTES = [
    route
    for route in iter_routes()
    if route.pattern.startswith("people/")
    and not route.pattern.startswith(("people/workers/import/", "people/workers/export"))
]


@pytest.fixture
def own_objects(caseworker, zhang, make_staff):
    """One 郑州 object for each URL parameter of the people pages (the transfer goes from
    中原区 to 惠济区, so 开封 sees neither side)."""
    household = services.create_household(zhang, by=caseworker)
    member = services.add_member(household, by=caseworker, relation="spouse", name="李梅")
    register(caseworker, name="张三", birth_date="1985-06-15")
    zhongyuan = make_staff("410102", Role.CASEWORKER)
    moving = register(
        zhongyuan,
        name="赵中",
        id_number=id_number("410102", datetime.date(1960, 1, 1), 5),
    )
    transfer = services.request_transfer(moving, by=caseworker, reason="现居惠济")
    honour = services.add_honour(
        zhang, by=caseworker, kind="craftsman", level="city", year=2020, issuer="郑州市总工会"
    )
    return {
        "honour_id": honour.pk,
        "worker_id": zhang.pk,
        "member_id": member.pk,
        "transfer_id": transfer.pk,
        "candidate_id": DuplicateCandidate.objects.get().pk,
    }


def url_for(route, params) -> str:
    path = route.pattern
    for name, value in params.items():
        path = path.replace(f"<int:{name}>", str(value))
    return "/" + path


def test_the_matrix_covers_every_people_page():
    assert len(PEOPLE_ROUTES) == 22
    assert {name for route in PEOPLE_ROUTES for name in route.names} == {
        "honour_id",
        "worker_id",
        "member_id",
        "transfer_id",
        "candidate_id",
    }


def test_another_county_gets_404_on_every_object_page(login, outsider, own_objects):
    client = login(outsider)
    for route in PEOPLE_ROUTES:
        if not route.names:
            continue
        url = url_for(route, own_objects)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (404, 405), (method, url, status)


def test_administrator_roles_get_403_on_every_people_page(make_staff, own_objects):
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        client = Client()
        verified_login(client, make_staff("410108", role))
        for route in PEOPLE_ROUTES:
            url = url_for(route, own_objects)
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status in (403, 405), (role, method, url, status)


def test_a_leader_is_refused_every_write_page(login, leader, own_objects):
    client = login(leader)
    for name in ("people:worker_new", "people:transfer_request"):
        assert client.get(reverse(name)).status_code == 403, name
    for name, key in [
        ("people:worker_edit", "worker_id"),
        ("people:household", "worker_id"),
        ("people:member_new", "worker_id"),
        ("people:member_edit", "member_id"),
    ]:
        assert client.get(reverse(name, args=[own_objects[key]])).status_code == 403, name
    assert (
        client.post(reverse("people:member_remove", args=[own_objects["member_id"]])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("people:consent_new", args=[own_objects["worker_id"]]),
            {"scope": "health", "given_on": "2026-01-01"},
        ).status_code
        == 403
    )
