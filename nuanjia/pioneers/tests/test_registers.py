"""Labour competitions (teams entered, the results sheet all-or-nothing with row and column
errors, the export) and innovation studios (members, projects, results, alliances), with the
measures the reports read."""

import datetime

import openpyxl
import pytest
from django.urls import reverse

from nuanjia.campaigns.tests.partner_support import sheet_file
from nuanjia.core.errors import RuleViolation
from nuanjia.core.measures import get as measure
from nuanjia.pioneers import services
from nuanjia.pioneers.imports_results import import_results

from .conftest import award, publicise

pytestmark = pytest.mark.django_db
HEADER = ["参赛队伍", "名次", "得分", "奖项"]


@pytest.fixture
def competition(county_reviewer):
    return services.create_competition(
        county_reviewer.org, name="2026年惠济区安全生产劳动竞赛", kind="safety",
        starts_on="2026-04-01", ends_on="2026-06-30", by=county_reviewer,
    )  # fmt: skip


def test_a_bad_results_sheet_changes_nothing_and_names_row_and_column(
    competition, team, county_reviewer
):
    services.enter_team(competition, team=team, by=county_reviewer)
    bad = sheet_file("竞赛成绩", HEADER, ["一号机组运行班", "1", "98.5", "一等奖"],
                     ["二号班组", "第二", "90", "二等奖"])  # fmt: skip
    result = import_results(competition, bad, by=county_reviewer, file_name="成绩.xlsx")
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3, "B")]
    assert competition.entries.count() == 1 and competition.entries.get().rank is None
    good = sheet_file("竞赛成绩", HEADER, ["一号机组运行班", "1", "98.5", "一等奖"],
                      ["二号班组", "2", "90", "二等奖"])  # fmt: skip
    result = import_results(competition, good, by=county_reviewer, file_name="成绩.xlsx")
    assert result.committed
    rows = {e.name: (e.rank, str(e.score), e.award, e.team_id) for e in competition.entries.all()}
    assert rows == {"一号机组运行班": (1, "98.50", "一等奖", team.pk),
                    "二号班组": (2, "90.00", "二等奖", None)}  # fmt: skip


def test_the_results_export_has_the_sheets_columns(competition, team, county_reviewer, login):
    entry = services.enter_team(competition, team=team, by=county_reviewer)
    services.record_result(entry, rank=1, score="99", award="一等奖", by=county_reviewer)
    answer = login(county_reviewer).get(reverse("pioneers:results_export", args=[competition.pk]))
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert list(rows[-2]) == HEADER or HEADER[0] in str(rows)
    assert any("一号机组运行班" in str(row) and "一等奖" in str(row) for row in rows)


def test_a_team_of_another_county_cannot_be_entered(competition, make_staff, county_reviewer):
    kaifeng = make_staff("410200", "caseworker")
    with pytest.raises(RuleViolation):
        services.enter_team(competition, name="外来队", by=kaifeng)


def test_a_studio_with_members_projects_results_and_an_alliance(
    union, leader, county_reviewer, make_staff
):
    studio = services.create_studio(
        union, name="张班长劳模创新工作室", kind="model_worker", leader=leader, level="city",
        recognised_on="2025-09-01", by=county_reviewer,
    )  # fmt: skip
    services.add_member(studio, worker=leader, role="领衔人", by=county_reviewer)
    project = services.add_project(studio, title="锅炉节能改造", year_started=2026,
                                   status="ongoing", by=county_reviewer)  # fmt: skip
    services.add_result(studio, kind="saving", title="年节约燃煤", achieved_on="2026-05-01",
                        savings_fen=12_000_000, project=project, by=county_reviewer)  # fmt: skip
    services.add_result(studio, kind="patent", title="一种给水泵密封结构", number="ZL2026100001",
                        achieved_on="2026-05-02", by=county_reviewer)  # fmt: skip
    city = make_staff("410100", "caseworker")
    alliance = services.create_alliance(city.org, name="郑州市劳模创新工作室联盟", kind="city",
                                        by=city)  # fmt: skip
    services.join_alliance(alliance, studio, by=city)
    with pytest.raises(RuleViolation, match="已在联盟中"):
        services.join_alliance(alliance, studio, by=city)
    first, last = datetime.date(2026, 5, 1), datetime.date(2026, 5, 31)
    savings = list(measure("pioneers.studio_savings").compute(first, last))
    assert [row["value"] for row in savings] == [12_000_000]
    kinds = {
        row["d1"]: row["value"] for row in measure("pioneers.studio_results").compute(first, last)
    }
    assert kinds == {"saving": 1, "patent": 1}


def test_titles_awarded_by_level_and_revoked_in_the_measures(
    nominated, city_reviewer, city_approver
):
    title = award(publicise(nominated, city_reviewer), city_approver)
    day = datetime.date(2026, 5, 10)
    awarded = list(measure("pioneers.titles_awarded").compute(day, day))
    assert [(row["d1"], row["value"], row["org_id"]) for row in awarded] == [
        ("city", 1, title.org_id)
    ]
    rows = measure("pioneers.titles_awarded").rows(title.org.path, False, day, day, "city")
    assert [row.pk for row in rows] == [title.pk]
    assert not list(measure("pioneers.titles_revoked").compute(day, day))
