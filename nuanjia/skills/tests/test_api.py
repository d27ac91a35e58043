"""The API: a provider and course set up, a worker enrolled, a pass recorded with its number
(the certificate on the worker's list), the subsidy prepared and approved by another person;
contests and academies; bad input answers 400 naming the field."""

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.skills.models import Certificate

pytestmark = pytest.mark.django_db
API = "/api/v1/skills"
JSON = "application/json"


def _client(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def test_a_course_from_enrolment_to_the_approved_subsidy(workers, caseworker, approver, finance):
    cw = _client(caseworker)
    provider = cw.post(f"{API}/providers", {"name": "培训学校", "bank_account": "6216600000001234567"},
                       content_type=JSON)  # fmt: skip
    assert provider.status_code == 201 and provider.json()["account_masked"].endswith("4567")
    course = cw.post(f"{API}/courses", {
        "name": "焊工培训", "provider_id": provider.json()["id"], "occupation": "焊工", "level": "5",
        "starts_on": "2026-04-01", "ends_on": "2026-04-20", "places": 10, "subsidy_fen": 50_000,
        "earmark": "skills-training",
    }, content_type=JSON)  # fmt: skip
    assert course.status_code == 201, course.content
    course_id = course.json()["id"]
    trainee = cw.post(f"{API}/courses/{course_id}/trainees", {"worker_id": workers[0].pk},
                      content_type=JSON)  # fmt: skip
    assert trainee.status_code == 201
    exam = cw.post(f"{API}/trainees/{trainee.json()['id']}/exam", {
        "result": "passed", "score": 88, "certificate_number": "API-1", "issuer": "鉴定中心",
    }, content_type=JSON)  # fmt: skip
    assert exam.status_code == 200 and exam.json()["result"] == "passed"
    held = cw.get(f"{API}/workers/{workers[0].pk}/certificates").json()
    assert held[0]["number"] == "API-1" and held[0]["level"] == "5"
    assert cw.get(f"{API}/certificates").json()["count"] == 1
    settlement = cw.post(f"{API}/courses/{course_id}/settlement", {}, content_type=JSON)
    assert settlement.status_code == 201 and settlement.json()["amount_fen"] == 50_000
    number = settlement.json()["id"]
    assert cw.post(f"{API}/settlements/{number}/approve", {}, content_type=JSON).status_code in (
        400,
        403,
    )
    approved = _client(approver).post(f"{API}/settlements/{number}/approve", {}, content_type=JSON)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_contests_and_academies(workers, caseworker):
    cw = _client(caseworker)
    contest = cw.post(f"{API}/contests", {"name": "电工技能比武", "trade": "电工",
                      "held_on": "2026-05-01"}, content_type=JSON)  # fmt: skip
    assert contest.status_code == 201
    entrant = cw.post(f"{API}/contests/{contest.json()['id']}/entrants", {"worker_id": workers[1].pk},
                      content_type=JSON)  # fmt: skip
    result = cw.post(f"{API}/entrants/{entrant.json()['id']}/result",
                     {"score": 95.5, "rank": 1, "prize": "一等奖"}, content_type=JSON)  # fmt: skip
    assert result.status_code == 200 and result.json()["prize"] == "一等奖"
    academy = cw.post(
        f"{API}/academies", {"name": "郑州工匠学院", "place": "郑州"}, content_type=JSON
    )
    academy_id = academy.json()["id"]
    teacher = cw.post(f"{API}/academies/{academy_id}/teachers", {"worker_id": workers[2].pk,
                      "trade": "钳工", "title": "高级技师"}, content_type=JSON)  # fmt: skip
    assert teacher.status_code == 201 and teacher.json()["teachers"][0]["name"] == "张三"
    base = cw.post(f"{API}/academies/{academy_id}/bases", {"name": "实训基地一"}, content_type=JSON)
    assert base.json()["bases"][0]["name"] == "实训基地一"


def test_bad_input_names_the_field(caseworker, provider):
    answer = _client(caseworker).post(f"{API}/courses", {
        "name": "x", "provider_id": provider.pk, "occupation": "", "starts_on": "2026-04-01",
        "ends_on": "2026-04-20", "places": 10, "subsidy_fen": 100, "earmark": "skills-training",
    }, content_type=JSON)  # fmt: skip
    assert answer.status_code == 400 and answer.json()["field"] == "occupation"
    assert not Certificate.objects.exists()
