"""Contests take workers of the union once, with scores, ranks held once and awards, and the
results sheet; academies keep teachers (registry workers or named experts) and bases; the
measures count trainees, certificates by level, subsidy paid and entrants without a name."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.core import measures
from nuanjia.core.models import AuditEvent
from nuanjia.skills import services

from .conftest import zhengzhou

pytestmark = pytest.mark.django_db


def test_a_contest_with_scores_awards_and_the_results_sheet(workers, caseworker):
    contest = services.create_contest(zhengzhou(), name="电工技能比武", trade="电工",
                                      held_on="2026-05-01", by=caseworker)  # fmt: skip
    first, second = (services.add_entrant(contest, w, by=caseworker) for w in workers[:2])
    with pytest.raises(services.RuleViolation):
        services.add_entrant(contest, workers[0], by=caseworker)
    services.record_result(first, score_value="98", rank=1, prize="一等奖", by=caseworker)
    with pytest.raises(services.RuleViolation) as taken:
        services.record_result(second, score_value="90", rank=1, by=caseworker)
    assert taken.value.field == "rank"
    client = Client()
    verified_login(client, caseworker)
    sheet = client.get(reverse("skills:contest_results", args=[contest.pk]))
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(b"".join(sheet.streaming_content)
             if sheet.streaming else sheet.content)).active.iter_rows(values_only=True) for c in row]  # fmt: skip
    assert "一等奖" in cells and "张一" in cells
    assert AuditEvent.objects.filter(action="skills.result_recorded").exists()


def test_an_academy_with_teachers_and_bases(workers, caseworker):
    academy = services.create_academy(zhengzhou(), name="郑州工匠学院", place="郑州", by=caseworker)
    services.add_teacher(academy, worker=workers[0], trade="电工", title="高级技师", by=caseworker)
    services.add_teacher(academy, name="李专家", trade="数控", by=caseworker)
    services.add_base(academy, name="宇通实训基地", trade="汽修", by=caseworker)
    client = Client()
    verified_login(client, caseworker)
    page = client.get(reverse("skills:academy", args=[academy.pk])).content.decode()
    assert "张一" in page and "李专家" in page and "宇通实训基地" in page


def test_the_measures_count_without_names(course, workers, caseworker):
    trainee = services.enrol(course, workers[0], by=caseworker)
    services.record_exam(trainee, result="passed", number="M-1", examined_on="2026-04-30",
                         by=caseworker)  # fmt: skip
    contest = services.create_contest(zhengzhou(), name="比武", trade="电工",
                                      held_on="2026-05-01", by=caseworker)  # fmt: skip
    services.add_entrant(contest, workers[1], by=caseworker)
    first, last = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    facts = {code: list(measures.get(code).compute(first, last)) for code in (
        "skills.trainees", "skills.certificates", "skills.contest_entrants")}  # fmt: skip
    assert sum(f["value"] for f in facts["skills.trainees"]) == 1
    assert [(f["d1"], f["value"]) for f in facts["skills.certificates"]] == [("4", 1)]
    assert sum(f["value"] for f in facts["skills.contest_entrants"]) == 1
    rows = measures.get("skills.certificates").rows(zhengzhou().path, False, first, last)
    assert rows.count() == 1
    text = str([c.header for c in measures.get("skills.certificates").columns])
    assert "张一" not in text and "M-1" not in text
