"""Member portal test helpers: texts kept in memory, a member signed in on a client."""

import re

import pytest
from django.test import Client

from nuanjia.core.sms import MemoryBackend
from nuanjia.members import services
from nuanjia.members.auth import COOKIE
from nuanjia.members.models import PhoneCode
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role


@pytest.fixture(autouse=True)
def texts(settings):
    MemoryBackend.outbox.clear()
    settings.SMS_BACKEND = "nuanjia.core.sms.MemoryBackend"
    return MemoryBackend.outbox


def last_code(phone: str) -> str:
    """The code of the newest text to `phone`."""
    for to, text in reversed(MemoryBackend.outbox):
        if to == phone:
            return re.search(r"\d{6}", text).group()
    raise AssertionError(f"no text to {phone}")


def sign_in(phone: str, *, kind: str = "pages"):
    """(member, raw key) of a member signed in as `phone` through a texted code."""
    services.send_code(
        phone, PhoneCode.Purpose.SIGN_IN, ip="127.0.0.1", text="code %(code)s %(minutes)d"
    )
    return services.sign_in(
        phone, last_code(phone), kind=kind, consent_version=services.PRIVACY_NOTICE_VERSION
    )


def member_client(phone: str) -> tuple[Client, object]:
    member, raw = sign_in(phone)
    client = Client()
    client.cookies[COOKIE] = raw
    client.cookies[COOKIE]["path"] = "/m/"
    return client, member


@pytest.fixture
def county_approver(make_staff):
    """惠济区's approver: decides joins to the county's holding pool."""
    return make_staff("410108", Role.APPROVER, username="hj_join_approver")


@pytest.fixture
def pool(tree):
    return Org.objects.get(code="410108-P")
