"""What the ticket page tells its reader: a timeline that does not repeat itself, and, for
someone who cannot propose advance relief, who can (issue 12 item 25)."""

import pytest
from django.urls import reverse

from nuanjia.hotline import services
from nuanjia.hotline.rules import Kind, Status
from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db
PHONE = "13838100010"


def test_the_timeline_names_a_dispatch_once_and_shows_where_a_return_left_the_ticket(
    login, hotline_agent, caseworker
):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.CONSULT, description="咨询", dispatch=True)  # fmt: skip
    services.return_ticket(ticket, by=caseworker, reason="不归本会")
    page = login(hotline_agent).get(reverse("hotline:detail", args=[ticket.pk])).content.decode()
    dispatched, classified = str(Status.DISPATCHED.label), str(Status.CLASSIFIED.label)
    assert f"{dispatched} → {dispatched}" not in page
    assert f"→ {classified}" in page  # the return put it back to be dispatched again


def test_the_agent_sees_who_may_propose_advance_relief(login, hotline_agent, make_staff):
    keeper = make_staff("410108", Role.CASEWORKER, username="hj_case2")
    make_staff("410102", Role.CASEWORKER, username="zy_case")  # another county: not named
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.HELP, is_urgent=True, description="欠薪",
                                  dispatch=True)  # fmt: skip
    page = login(hotline_agent).get(reverse("hotline:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="fast-track-proposers"' in page
    section = page.split('data-testid="fast-track-proposers"')[1].split("</p>")[0]
    assert str(keeper) in section and "zy_case" not in section


def test_a_caseworker_who_may_propose_gets_the_form_not_the_names(login, hotline_agent, caseworker):
    ticket = services.open_ticket(by=hotline_agent, phone=PHONE, region_code="410108",
                                  kind=Kind.HELP, is_urgent=True, description="欠薪",
                                  dispatch=True)  # fmt: skip
    page = login(caseworker).get(reverse("hotline:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="fast-track-form"' in page
    assert 'data-testid="fast-track-proposers"' not in page
