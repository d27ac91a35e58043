"""The API: a team registered and nominated, reviewed and awarded through the step operations
by the city (the nominator refused), a competition with a result, a studio; the lists' query
budgets."""

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.core.tests.listbudget import api_queries, page_queries
from nuanjia.pioneers import services

pytestmark = pytest.mark.django_db
API = "/api/v1/pioneers"
TEAMS, TITLES_API = 9, 9


def _client(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def _post(client, url, body):
    return client.post(f"{API}{url}", body, content_type="application/json")


def test_a_title_through_the_api(nominator, leader, city_reviewer, city_approver):
    mine = _client(nominator)
    team = _post(mine, "/teams", {"name": "一号机组运行班", "members_count": 12,
                                  "leader_id": leader.pk})  # fmt: skip
    assert team.status_code == 201, team.content
    title = _post(mine, f"/teams/{team.json()['id']}/nominations", {"deeds": "零事故"})
    assert title.status_code == 201 and title.json()["status"] == "nominated"
    pk = title.json()["id"]
    review = {"publicity_starts_on": "2026-04-20", "publicity_ends_on": "2026-04-30"}
    refused = _post(mine, f"/titles/{pk}/review", review)
    assert refused.status_code in (400, 403)
    reviewed = _post(_client(city_reviewer), f"/titles/{pk}/review", review)
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "publicity"
    awarded = _post(_client(city_approver), f"/titles/{pk}/award",
                    {"level": "city", "award_year": 2026, "certificate_number": "ZZ-001"})  # fmt: skip
    assert awarded.status_code == 200, awarded.content
    assert awarded.json()["awarding_org"] == "410100"


def test_bad_input_names_the_field(county_reviewer):
    answer = _post(_client(county_reviewer), "/competitions",
                   {"name": "竞赛", "kind": "skills", "starts_on": "2026-05-01",
                    "ends_on": "2026-04-01"})  # fmt: skip
    assert answer.status_code == 400 and answer.json()["field"] == "ends_on"


def test_a_competition_result_and_a_studio(county_reviewer, team, leader):
    client = _client(county_reviewer)
    competition = _post(client, "/competitions", {"name": "技能比武", "kind": "skills",
                        "starts_on": "2026-05-01", "ends_on": "2026-05-31"})  # fmt: skip
    assert competition.status_code == 201
    entry = _post(client, f"/competitions/{competition.json()['id']}/entries", {"team_id": team.pk})
    assert entry.status_code == 201
    result = _post(client, f"/entries/{entry.json()['id']}/result",
                   {"rank": 1, "score": "95.5", "award": "一等奖"})  # fmt: skip
    assert result.status_code == 200 and result.json()["rank"] == 1
    studio = _post(client, "/studios", {"name": "张班长创新工作室", "kind": "craftsman",
                   "leader_id": leader.pk, "level": "county", "recognised_on": "2026-01-01"})  # fmt: skip
    assert studio.status_code == 201, studio.content
    saved = _post(client, f"/studios/{studio.json()['id']}/results", {"kind": "saving",
                  "title": "节能", "achieved_on": "2026-05-01", "savings_fen": 500000})  # fmt: skip
    assert saved.status_code == 201 and saved.json()["savings_fen"] == 500000


def test_the_lists_keep_their_query_budget(
    union, nominator, county_reviewer, login, django_assert_num_queries
):
    for n in range(5):
        team = services.create_team(union, name=f"班组{n}", members_count=n, by=nominator)
        services.nominate(team, by=nominator)
    page_queries(login(county_reviewer), "/pioneers/titles/", {"page_size": 2}, 9,
                 django_assert_num_queries)  # fmt: skip
    page_queries(login(county_reviewer), "/pioneers/teams/", {"page_size": 2}, TEAMS,
                 django_assert_num_queries)  # fmt: skip
    api_queries(_client(county_reviewer), f"{API}/titles", {"page_size": 2}, TITLES_API,
                django_assert_num_queries)  # fmt: skip
