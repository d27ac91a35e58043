"""The demo tickets load through the services, in several states, and only once."""

import pytest

from nuanjia.hotline.demo import load_demo_tickets
from nuanjia.hotline.models import Ticket
from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db


def test_demo_tickets_load_once_in_several_states(make_staff):
    make_staff("410108", Role.HOTLINE_AGENT, username="hj_hotline")
    make_staff("410108", Role.CASEWORKER, username="hj_caseworker")
    make_staff("410100", Role.HOTLINE_AGENT, username="zz_hotline")
    make_staff("410204", Role.CASEWORKER, username="kf_caseworker")
    assert load_demo_tickets() == 5
    assert load_demo_tickets() == 0
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"in_progress", "closed", "received", "dispatched", "answered"} <= statuses
    assert Ticket.objects.filter(org__code="410204").exists()
