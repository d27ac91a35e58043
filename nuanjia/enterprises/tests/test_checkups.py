"""Legal check-ups and visits: the checklist with its findings open until closed, a visit's
follow-up task due in working days (a holiday week skipped), the figures' check-ups and open
findings, the pages."""

import datetime

import pytest

from nuanjia.core.models import CalendarDay
from nuanjia.enterprises import services
from nuanjia.enterprises.figures import city_figures

from .support import *  # noqa: F403 -- the fixtures
from .support import make_firm

pytestmark = pytest.mark.django_db


def test_a_checkup_its_findings_and_a_visit_with_a_task(caseworker, login):
    firm = make_firm(caseworker)
    checkup = services.record_checkup(
        firm, checked_on=datetime.date(2026, 4, 20),
        findings={"wages": "3月工资迟发10天", "insurance": "2人未参保"},
        advice="按月足额发放工资，补缴社保", follow_up_on=datetime.date(2026, 5, 20), by=caseworker,
    )  # fmt: skip
    assert checkup.checklist["contracts"] is True and checkup.checklist["wages"] is False
    assert checkup.findings.count() == 2
    services.close_finding(checkup.findings.get(item="wages"), closed_on=datetime.date(2026, 5, 6),
                           by=caseworker)  # fmt: skip
    row = next(r for r in city_figures(None) if r.city_code == "410100")
    assert (row.checkups, row.open_findings) == (1, 1)
    visit = services.record_visit(
        firm, visited_on=datetime.date(2026, 4, 29), difficulties="订单下降，资金周转困难",
        causes="上游客户停产", placement="轮岗轮休，无裁员", by=caseworker,
    )  # fmt: skip
    CalendarDay.objects.update_or_create(
        day=datetime.date(2026, 5, 6), defaults={"is_workday": False, "name": "测试假日"}
    )
    task = services.add_task(visit, owner=caseworker, description="协调稳岗返还", working_days=5,
                             by=caseworker)  # fmt: skip
    assert task.due_on > datetime.date(2026, 5, 6)
    client = login(caseworker)
    for url in ("/enterprises/checkups/", f"/enterprises/checkups/{checkup.pk}/",
                "/enterprises/visits/", f"/enterprises/visits/{visit.pk}/"):  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_a_task_is_marked_done_on_the_visit_page(caseworker, login):
    firm = make_firm(caseworker)
    visit = services.record_visit(
        firm, visited_on=datetime.date(2026, 4, 29), difficulties="订单下降", causes="",
        placement="", by=caseworker,
    )  # fmt: skip
    task = services.add_task(visit, owner=caseworker, description="回访", working_days=3,
                             by=caseworker)  # fmt: skip
    client = login(caseworker)
    page = client.get(f"/enterprises/visits/{visit.pk}/").content.decode()
    assert 'data-testid="task-done"' in page
    client.post(f"/enterprises/visits/{visit.pk}/tasks/{task.pk}/done/")
    task.refresh_from_db()
    assert task.done_on is not None
    assert (
        'data-testid="task-done"'
        not in client.get(f"/enterprises/visits/{visit.pk}/").content.decode()
    )
