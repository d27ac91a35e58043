"""Benefits fixtures: a province planner, a 郑州 car wash with 五元洗车 (2 a calendar month)."""

import pytest

from nuanjia.orgs.rules import Role

from .support import member, merchant, offer_for, terms_for


@pytest.fixture
def planner(make_staff):
    return make_staff("410000", Role.CASEWORKER, Role.APPROVER, username="bf_planner")


@pytest.fixture
def car_wash(planner):
    """(partner, outlet, person, terms, offer 五元洗车 2 a calendar month)."""
    partner, outlet, person = merchant(planner)
    terms = terms_for(partner, planner)
    offer = offer_for(terms, planner, limits={"month": 2})
    return partner, outlet, person, terms, offer


@pytest.fixture
def worker(tree):
    return member()


@pytest.fixture
def texts(settings):
    """Texts kept in memory, so a member or merchant person signs in with the code sent."""
    from nuanjia.core.sms import MemoryBackend

    MemoryBackend.outbox.clear()
    settings.SMS_BACKEND = "nuanjia.core.sms.MemoryBackend"
    return MemoryBackend.outbox
