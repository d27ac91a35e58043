"""Hardship pages and API: happy paths, the permission matrix, the publicity print view's
privacy, to-do lists and pinned query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nuanjia.core.models import AuditEvent
from nuanjia.hardship import services
from nuanjia.hardship.models import FileEvent, HardshipFile, HardshipPolicy
from nuanjia.hardship.rules import Status
from nuanjia.orgs.rules import Role
from nuanjia.standards.models import DibaoStandard, MinimumWage

from .conftest import TODAY, build_household

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---- Lists and the to-do ------------------------------------------------------------------


def test_file_list_shows_the_scope_in_chinese(login, caseworker, new_file, outsider):
    page = login(caseworker).get("/hardship/")
    assert page.status_code == 200
    assert (
        "困难职工档案" in _text(page) and new_file.number in _text(page) and "已申请" in _text(page)
    )
    other = login(outsider).get("/hardship/")
    assert new_file.number not in _text(other)


def test_file_list_filters_by_to_do_list(login, caseworker, new_file, walk):
    second = services.open_file(build_household(), by=caseworker, note="收入微薄，申请建档")
    walk(second, Status.CHECKED)
    client = login(caseworker)
    to_check = _text(client.get("/hardship/", {"todo": "to_check"}))
    assert new_file.number in to_check and second.number not in to_check
    visits = _text(client.get("/hardship/", {"todo": "visits_due"}))
    assert second.number in visits and "待入户调查" in visits


def test_file_list_query_count_does_not_grow_with_rows(login, caseworker, tree, standards):
    client = login(caseworker)
    services.open_file(build_household(), by=caseworker, note="收入微薄，申请建档")
    client.get("/hardship/")
    with CaptureQueriesContext(connection) as few:
        client.get("/hardship/")
    for _ in range(5):
        services.open_file(build_household(), by=caseworker, note="收入微薄，申请建档")
    with CaptureQueriesContext(connection) as many:
        client.get("/hardship/")
    assert len(many) == len(few)


def test_tiered_help_families_can_be_listed(login, caseworker, tree, standards, walk):
    above = walk(
        services.open_file(
            build_household(monthly_per_capita_yuan=1700), by=caseworker, note="收入微薄，申请建档"
        ),
        Status.VISITED,
    )
    below = services.open_file(
        build_household(monthly_per_capita_yuan=500), by=caseworker, note="收入微薄，申请建档"
    )
    assert above.is_tiered_help  # 1,700 元: at or above 1,600 and below 1,920
    page = _text(login(caseworker).get("/hardship/", {"tiered": "1"}))
    assert above.number in page and below.number not in page


@pytest.mark.parametrize(
    "url", ["/hardship/watch/", "/hardship/publicity/", "/hardship/reviews/?year=2027"]
)
def test_list_pages_pin_their_query_counts(login, caseworker, approver, tree, standards, walk, url):
    def add_one():
        hardship_file = walk(
            services.open_file(build_household(), by=caseworker, note="收入微薄，申请建档"),
            Status.FILED,
        )
        if "watch" in url:
            services.exit_file(
                hardship_file,
                by=approver,
                reason="income",
                gradual_exit_months=2,
                gradual_exit_monthly_fen=1_000,
            )
        if "publicity" in url:
            services.re_enter_file(
                services.exit_file(hardship_file, by=approver, reason="moved"),
                by=caseworker,
                note="再次困难",
            )
            walk(HardshipFile.objects.get(pk=hardship_file.pk), Status.IN_PUBLICITY)

    add_one()
    client = login(caseworker)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        add_one()
    client = login(caseworker)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_each_role_gets_its_to_do(
    login, caseworker, reviewer, approver, new_file, walk, frozen_clock
):
    home = _text(login(caseworker).get("/"))
    assert "待核实的困难职工档案" in home
    visited = walk(new_file, Status.VISITED)
    assert "待审核的困难职工档案" in _text(login(reviewer).get("/"))
    assert "待审核的困难职工档案" not in _text(login(caseworker).get("/"))
    published = walk(visited, Status.IN_PUBLICITY)
    frozen_clock.move_to(datetime.datetime.combine(published.publicity_ends_on, datetime.time(10)))
    assert "公示即将期满" in _text(login(approver).get("/"))


def test_admin_roles_see_no_hardship_page(login, make_staff, new_file):
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        admin = make_staff("410108", role)
        client = login(admin)
        for url in (
            "/hardship/",
            "/hardship/publicity/",
            "/hardship/standards/",
            "/hardship/watch/",
            "/hardship/reviews/",
        ):
            assert client.get(url).status_code == 403, (role, url)
        assert client.get(f"/hardship/files/{new_file.pk}/").status_code == 403


# ---- One file -----------------------------------------------------------------------------


def test_file_detail_shows_history_and_only_the_steps_of_the_users_roles(
    login, caseworker, reviewer, new_file, walk
):
    visited = walk(new_file, Status.VISITED)
    as_caseworker = _text(login(caseworker).get(f"/hardship/files/{visited.pk}/"))
    assert (
        "入户调查" in as_caseworker and "建议类别" in as_caseworker and "深度困难" in as_caseworker
    )
    assert f"/hardship/files/{visited.pk}/review/" not in as_caseworker
    as_reviewer = _text(login(reviewer).get(f"/hardship/files/{visited.pk}/"))
    assert f"/hardship/files/{visited.pk}/review/" in as_reviewer and "不予通过" in as_reviewer
    for label in ("新建档案", "核实", "入户调查"):
        assert label in as_reviewer  # the timeline


def test_outsider_gets_404_for_a_huiji_file_and_its_steps(login, outsider, new_file):
    client = login(outsider)
    assert client.get(f"/hardship/files/{new_file.pk}/").status_code == 404
    assert client.post(f"/hardship/files/{new_file.pk}/check/", {"note": "x"}).status_code == 404
    new_file.refresh_from_db()
    assert new_file.status == Status.APPLIED


def test_a_step_without_the_role_is_403_and_audited(login, reviewer, new_file):
    response = login(reviewer).post(f"/hardship/files/{new_file.pk}/check/", {"note": "x"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action="access.denied", success=False, changes__permission="hardship.check"
    ).exists()


def test_caseworker_walks_a_file_through_check_and_visit_pages(login, caseworker, new_file):
    client = login(caseworker)
    response = client.post(f"/hardship/files/{new_file.pk}/check/", {"note": "单位证明属实"})
    assert response.status_code == 302
    form = _text(client.get(f"/hardship/files/{new_file.pk}/visit/"))
    assert "授权书" in form
    refused = client.post(
        f"/hardship/files/{new_file.pk}/visit/",
        {"visited_on": "2026-03-02", "consent_signed_on": "", "consent_evidence": ""},
    )
    assert refused.status_code == 200 and "这个字段是必填项" in _text(refused)
    done = client.post(
        f"/hardship/files/{new_file.pk}/visit/",
        {
            "visited_on": "2026-03-02",
            "consent_signed_on": "2026-03-01",
            "consent_evidence": "授权书-9",
            "note": "家中有病人",
        },
    )
    assert done.status_code == 302
    new_file.refresh_from_db()
    assert new_file.status == Status.VISITED and new_file.per_capita_income_fen == 50_000


def test_a_rule_refusal_is_shown_on_the_form_in_chinese(
    login, reviewer, make_staff, new_file, walk
):
    visited = walk(new_file, Status.VISITED)
    response = login(reviewer).post(
        f"/hardship/files/{visited.pk}/review/",
        {"civil_affairs_note": "无", "category": "relative"},
    )
    assert response.status_code == 200 and "请在备注中说明理由" in _text(response)


def test_approver_approves_and_exits_with_a_gradual_exit_through_the_pages(
    login, approver, caseworker, new_file, walk, frozen_clock
):
    published = walk(new_file, Status.IN_PUBLICITY)
    client = login(approver)
    early = client.post(f"/hardship/files/{published.pk}/approve/", {"note": ""})
    assert "公示期至" in _text(early)
    frozen_clock.shift(datetime.timedelta(days=8))
    client = login(approver)  # a new session: the old one went idle while the clock moved
    assert client.post(f"/hardship/files/{published.pk}/approve/", {"note": ""}).status_code == 302
    filing = login(caseworker).post(f"/hardship/files/{published.pk}/file/")
    assert filing.status_code == 302, re.findall(
        r"class=\"(?:errors|error)\"[^<]*<?[^<]*", _text(filing)
    )
    client = login(approver)
    too_much = client.post(
        f"/hardship/files/{published.pk}/exit/",
        {"exit_reason": "income", "gradual_exit_months": "3", "gradual_exit_monthly": "480.01"},
    )
    assert "480.00" in _text(too_much)
    too_long = client.post(
        f"/hardship/files/{published.pk}/exit/",
        {"exit_reason": "income", "gradual_exit_months": "7", "gradual_exit_monthly": "100"},
    )
    assert "1 至 6 个月" in _text(too_long)
    ok = client.post(
        f"/hardship/files/{published.pk}/exit/",
        {"exit_reason": "income", "gradual_exit_months": "6", "gradual_exit_monthly": "480.00"},
    )
    assert ok.status_code == 302
    published.refresh_from_db()
    assert published.status == Status.GRADUAL_EXIT and published.gradual_exit_monthly_fen == 48_000
    watch = _text(client.get("/hardship/watch/"))
    assert published.number in watch and "渐退期" in watch and "480.00" in watch


def test_objection_is_recorded_and_resolved_through_the_pages(
    login, caseworker, reviewer, new_file, walk
):
    published = walk(new_file, Status.IN_PUBLICITY)
    assert (
        login(caseworker)
        .post(
            f"/hardship/files/{published.pk}/objection/",
            {"received_on": "2026-03-02", "content": "有商铺"},
        )
        .status_code
        == 302
    )
    objection = published.objections.get()
    client = login(reviewer)
    assert "有商铺" in _text(client.get("/hardship/objections/"))
    assert (
        client.post(
            f"/hardship/objections/{objection.pk}/resolve/",
            {"result": "dismissed", "resolution": "已核实无商铺"},
        ).status_code
        == 302
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed"


def test_change_page_stores_a_pending_change_for_review(
    login, caseworker, reviewer, new_file, walk
):
    filed = walk(new_file, Status.FILED)
    member = filed.household.members.get(relation="self")
    client = login(caseworker)
    response = client.post(
        f"/hardship/files/{filed.pk}/change/",
        {"member": member.pk, "wage_income": "24000.00", "is_employed": "on", "note": "找到工作"},
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.UNDER_REVIEW and filed.pending_change == {
        "members": {str(member.pk): {"wage_income_fen": 2_400_000}}
    }
    detail = _text(login(reviewer).get(f"/hardship/files/{filed.pk}/"))
    assert "待审核的变更" in detail and "24,000.00" in detail


# ---- Publicity print view -----------------------------------------------------------------


def test_publicity_list_shows_masked_name_unit_category_and_amount_only(
    login, caseworker, tree, standards, walk
):
    household = build_household(
        name="王建国", phone="13912345678", health="尿毒症", id_index="idx-wang"
    )
    household.worker.id_number_masked = "4101**********2314"
    household.worker.save()
    published = walk(
        services.open_file(household, by=caseworker, note="收入微薄，申请建档"), Status.IN_PUBLICITY
    )
    response = login(caseworker).get("/hardship/publicity/")
    text = _text(response)
    assert "王**" in text and "王建国" not in text
    assert "深度困难" in text and "800.00" in text and "郑州市惠济区总工会" in text
    for secret in (
        "13912345678",
        "139****5678",
        "尿毒症",
        "2314",
        "4101",
        published.household.members.first().name,
    ):
        assert secret not in text
    assert "困难职工建档公示名单" in text


def test_publicity_api_is_masked_too(login, caseworker, tree, standards, walk):
    household = build_household(name="李秀英", phone="13700001111", health="白血病")
    walk(
        services.open_file(household, by=caseworker, note="收入微薄，申请建档"), Status.IN_PUBLICITY
    )
    body = login(caseworker).get("/api/v1/hardship/publicity").json()
    assert body == [
        {
            "name": "李**",
            "unit": "郑州市惠济区总工会",
            "category": "深度困难",
            "monthly_standard_fen": 80_000,
            "publicity_ends_on": "2026-03-08",
        }
    ]


# ---- Standards ----------------------------------------------------------------------------


def test_city_reviewer_edits_a_standard_and_sees_the_dry_run_before_reassessing(
    login, make_staff, tree, standards, walk, caseworker
):
    filed = walk(
        services.open_file(build_household("410108"), by=caseworker, note="收入微薄，申请建档"),
        Status.FILED,
    )
    city_reviewer = make_staff("410100", Role.REVIEWER)
    client = login(city_reviewer)
    page = _text(client.get("/hardship/standards/"))
    assert "低保标准" in page and "410108" in page
    standard = DibaoStandard.objects.get(region_code="410108")
    response = client.post(
        f"/hardship/standards/{standard.pk}/",
        {
            "region_code": "410108",
            "effective_on": "2020-01-01",
            "monthly": "400.00",
            "note": "测试",
        },
    )
    assert (
        response.status_code == 302
        and response["Location"] == f"/hardship/standards/{standard.pk}/reassess/"
    )
    dry_run = _text(client.get(response["Location"]))
    assert "1 户建档家庭" in dry_run
    assert client.post(response["Location"]).status_code == 302
    filed.refresh_from_db()
    assert (
        filed.dibao_fen == 40_000
        and filed.category_proposed == "relative"
        and filed.review_reason == "standard"
    )


def test_county_staff_cannot_edit_standards(login, reviewer, tree, standards):
    standard = DibaoStandard.objects.get(region_code="410108")
    client = login(reviewer)
    assert "新增低保标准" not in _text(client.get("/hardship/standards/"))
    assert (
        client.post(
            f"/hardship/standards/{standard.pk}/",
            {"region_code": "410108", "effective_on": "2020-01-01", "monthly": "1"},
        ).status_code
        == 403
    )
    standard.refresh_from_db()
    assert standard.monthly_fen == 80_000
    assert client.get("/hardship/standards/new/").status_code == 200  # the form, refused on save
    wage = MinimumWage.objects.get(region_code="410108")
    assert login(reviewer).get(f"/hardship/wages/{wage.pk}/").status_code == 200


def test_review_list_page_shows_the_count_then_marks(
    login, reviewer, tree, standards, walk, caseworker
):
    filed = walk(
        services.open_file(build_household(), by=caseworker, note="收入微薄，申请建档"),
        Status.FILED,
    )
    client = login(reviewer)
    page = _text(client.get("/hardship/reviews/", {"year": 2027}))
    assert "2027 年底前有 1 户" in page and "至少抽查 1 户" in page
    marked = client.post("/hardship/reviews/", {"year": 2027, "seed": 0})
    assert marked.status_code == 302, re.findall(
        r"class=\"(?:errors|error|messages)\"[^<]*<?[^<]*", _text(marked)
    )
    filed.refresh_from_db()
    assert filed.review_due_year == 2027 and filed.is_spot_check


# ---- API ----------------------------------------------------------------------------------


def test_api_walks_a_file_and_refuses_in_the_projects_error_shape(
    login, caseworker, reviewer, household
):
    client = login(caseworker)
    created = client.post(
        "/api/v1/hardship/files",
        {"household_id": household.pk, "note": "申请"},
        content_type="application/json",
    )
    assert created.status_code == 201
    file_id = created.json()["id"]
    assert created.json()["steps"] == ["check", "withdraw"]
    duplicate = client.post(
        "/api/v1/hardship/files", {"household_id": household.pk}, content_type="application/json"
    )
    assert (
        duplicate.status_code == 400
        and duplicate.json()["code"] == "duplicate_file"
        and duplicate.json()["field"] == "household"
    )
    assert (
        client.post(
            f"/api/v1/hardship/files/{file_id}/check",
            {"note": "ok"},
            content_type="application/json",
        ).json()["status"]
        == "checked"
    )
    missing = client.post(
        f"/api/v1/hardship/files/{file_id}/visit",
        {"consent_evidence": "x"},
        content_type="application/json",
    )
    assert (
        missing.status_code == 400
        and missing.json()["field"] == "consent_signed_on"
        and "授权书" in missing.json()["message"]
    )
    visited = client.post(
        f"/api/v1/hardship/files/{file_id}/visit",
        {"consent_signed_on": "2026-03-01", "consent_evidence": "x"},
        content_type="application/json",
    )
    assert visited.json()["category_proposed"] == "deep"
    forbidden = client.post(
        f"/api/v1/hardship/files/{file_id}/review",
        {"civil_affairs_note": "x"},
        content_type="application/json",
    )
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    reviewed = login(reviewer).post(
        f"/api/v1/hardship/files/{file_id}/review",
        {"civil_affairs_note": "无"},
        content_type="application/json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["category"] == "deep"
    events = login(reviewer).get(f"/api/v1/hardship/files/{file_id}/events").json()
    assert [event["action"] for event in events] == ["apply", "check", "visit", "review"]
    assert FileEvent.objects.filter(file_id=file_id).count() == 4


def test_api_list_is_scoped_and_out_of_scope_is_404(login, caseworker, outsider, new_file):
    assert login(caseworker).get("/api/v1/hardship/files").json()["count"] == 1
    assert login(outsider).get("/api/v1/hardship/files").json()["count"] == 0
    response = login(outsider).get(f"/api/v1/hardship/files/{new_file.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert HardshipFile.objects.get().status == Status.APPLIED
    assert TODAY.year == 2026


# ---- Policies ------------------------------------------------------------------------------


def test_a_city_approver_sets_a_policy_on_a_page_and_bad_bounds_are_named(login, make_staff):
    approver = make_staff("410100", Role.APPROVER, username="zz_policy_approver")
    client = login(approver)
    page = client.get(reverse("hardship:policy_new"))
    assert (
        page.status_code == 200 and page.context["form"].initial["gradual_exit_max_percent"] == 60
    )
    data = {
        "region_code": "410100", "effective_on": "2026-04-01", "relative_multiple": "2.00",
        "tiered_help_multiple": "1.20", "publicity_days": "7", "gradual_exit_min_months": "1",
        "gradual_exit_max_months": "6", "gradual_exit_max_percent": "60",
        "spot_check_percent": "20", "review_interval_months": "12", "retention_years": "10",
        "average_home_area_m2": "40.00", "note": "郑工发〔2026〕1号",
    }  # fmt: skip
    refused = client.post(reverse("hardship:policy_new"), data)
    assert refused.status_code == 200
    assert "30" in str(refused.context["form"].errors["spot_check_percent"])
    assert not HardshipPolicy.objects.filter(region_code="410100").exists()
    data["spot_check_percent"] = "35"
    saved = client.post(reverse("hardship:policy_new"), data)
    assert saved.status_code == 302
    policy = HardshipPolicy.objects.get(region_code="410100")
    assert policy.spot_check_percent == 35 and policy.updated_by == approver
    assert AuditEvent.objects.filter(action="hardship.policy.created").exists()
    listing = client.get(reverse("hardship:policies"))
    assert "郑工发〔2026〕1号" in listing.content.decode()
    data["gradual_exit_min_months"] = "7"
    changed = client.post(reverse("hardship:policy_edit", args=[policy.pk]), data)
    assert "gradual_exit_min_months" in changed.context["form"].errors


def test_a_county_caseworker_reads_policies_but_cannot_set_them(login, caseworker):
    client = login(caseworker)
    assert client.get(reverse("hardship:policies")).status_code == 200
    assert client.get(reverse("hardship:policy_new")).status_code == 403


# ---- The family's own copy -----------------------------------------------------------------


def test_the_family_gets_a_printed_copy_without_objectors_words_or_staff_names(
    login, caseworker, reviewer, tree, standards, walk
):
    household = build_household(name="王建国", health="尿毒症")
    published = walk(
        services.open_file(household, by=caseworker, note="收入微薄，申请建档"), Status.IN_PUBLICITY
    )
    services.record_objection(
        published, by=caseworker, content="邻居张某反映其家有门面房", received_on=TODAY
    )
    client = login(caseworker)
    detail = client.get(reverse("hardship:detail", args=[published.pk]))
    assert reverse("hardship:worker_copy", args=[published.pk]) in detail.content.decode()
    text = _text(client.get(reverse("hardship:worker_copy", args=[published.pk])))
    assert "王建国" in text and "尿毒症" in text and published.number in text
    assert "公示" in text  # the steps taken, by name
    assert "门面房" not in text and "张某" not in text
    assert caseworker.username not in text and reviewer.full_name not in text
    assert AuditEvent.objects.filter(
        action="hardship.copy_printed", object_id=str(published.pk)
    ).exists()
