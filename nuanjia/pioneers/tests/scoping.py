"""Out-of-scope pioneers rows for the scoping walker (tests/test_scoping.py `other_county`):
a 开封 team with its nomination, a competition with an entered team, a studio with a member,
project and result, and an alliance the studio joined — every text carrying the marker."""

import datetime

from nuanjia.people.models import Employer, Worker
from nuanjia.pioneers.models import (
    Alliance,
    AllianceMembership,
    Competition,
    Entry,
    Project,
    Result,
    Studio,
    StudioMember,
    Team,
    Title,
)


def pioneers_rows(union, marker: str) -> dict[str, int]:
    day = datetime.date(2026, 5, 1)
    worker = Worker.objects.create(org=union, name=marker[:50], region_code="410204")
    employer = Employer.objects.create(name=marker, union=union)
    team = Team.objects.create(org=union, name=marker, employer=employer, workplace=marker,
                               members_count=12, leader=worker)  # fmt: skip
    title = Title.objects.create(team=team, org=union, year=2026, deeds=marker)
    competition = Competition.objects.create(org=union, name=marker, kind="skills",
                                             starts_on=day, ends_on=day)  # fmt: skip
    entry = Entry.objects.create(competition=competition, org=union, team=team, name=marker,
                                 rank=1, award=marker[:50])  # fmt: skip
    studio = Studio.objects.create(org=union, name=marker, kind="model_worker", leader=worker,
                                   level="city", recognised_on=day)  # fmt: skip
    StudioMember.objects.create(studio=studio, worker=worker, role=marker[:50], joined_on=day)
    project = Project.objects.create(studio=studio, title=marker, year=2026, status="ongoing")
    Result.objects.create(studio=studio, org=union, project=project, kind="patent", title=marker,
                          number=marker[:50], achieved_on=day, savings_fen=100)  # fmt: skip
    alliance = Alliance.objects.create(org=union, name=marker, kind="city")
    AllianceMembership.objects.create(alliance=alliance, studio=studio, org=union, joined_on=day)
    return {
        "pioneer_team_id": team.pk, "pioneer_title_id": title.pk,
        "labour_competition_id": competition.pk, "competition_entry_id": entry.pk,
        "innovation_studio_id": studio.pk, "studio_alliance_id": alliance.pk,
    }  # fmt: skip
