"""Figures that a daily job builds say when their data was computed ("数据截至"); live ones
say nothing of the sort. In the hotline, escalations for lateness come from the nightly
sweep: the "escalated to my union" count on the home page and the desk lags it."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from nuanjia.core import schedule
from nuanjia.hotline import services
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalated(hotline_agent):
    """A 惠济区 ticket past its first-contact deadline."""
    ticket = services.open_ticket(by=hotline_agent, phone="13812345678", region_code="410108",
                                  kind=Kind.HELP, description="求助", dispatch=True)  # fmt: skip
    Ticket.objects.filter(pk=ticket.pk).update(
        first_contact_due_at=timezone.now() - datetime.timedelta(days=2)
    )
    return ticket


def test_before_the_nightly_sweep_ran_the_escalated_count_says_so(login, make_staff, escalated):
    from nuanjia.orgs.rules import Role

    city_agent = make_staff("410100", Role.HOTLINE_AGENT, username="zz_as_of")
    page = login(city_agent).get(reverse("hotline:desk")).content.decode()
    assert "数据截至：夜间任务尚未运行" in page  # the count of 0 is not the whole truth


@pytest.mark.django_db(transaction=True)  # the task worker closes the test's connection
def test_after_the_sweep_the_count_says_when_it_ran_and_live_figures_say_nothing(
    login, make_staff, escalated
):
    from nuanjia.orgs.rules import Role

    city_agent = make_staff("410100", Role.HOTLINE_AGENT, username="zz_as_of")
    assert schedule.enqueue_due(timezone.now().replace(hour=23))
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    finished = schedule.last_finished("hotline.sweep_deadlines")
    assert finished is not None
    assert Ticket.objects.get(pk=escalated.pk).escalated_to.code == "410100"
    client = login(city_agent)
    stamp = timezone.localtime(finished).strftime("%Y-%m-%d %H:%M")
    home = client.get(reverse("desk:home")).content.decode()
    assert f"数据截至 {stamp}" in home
    assert f"数据截至 {stamp}" in client.get(reverse("hotline:desk")).content.decode()
    kpis = client.get(reverse("hotline:kpis")).content.decode()
    assert "数据截至" not in kpis  # computed live from the tickets
