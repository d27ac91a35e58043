"""Signing in behind a reverse proxy (NUANJIA_TRUSTED_PROXIES=1): the address throttle counts
each client's own address, never the proxy's, and a spoofed X-Forwarded-For escapes nothing."""

import pytest

from conftest import PASSWORD
from nuanjia.orgs.models import Staff

from .support import events, form_errors, is_signed_in

WRONG = "Wrong#2026pw"
PROXY = "10.0.0.1"
THROTTLED = "该地址登录失败次数过多，请 15 分钟后再试。"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.NUANJIA_TRUSTED_PROXIES = 1


def sign_in_via_proxy(client, username, password, forwarded):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_thirty_failures_through_the_proxy_do_not_lock_everyone_out(client, caseworker, clock):
    for number in range(30):  # one client guessing thirty names
        sign_in_via_proxy(client, f"guess{number}", WRONG, "203.0.113.5")
    refused = sign_in_via_proxy(client, caseworker.username, PASSWORD, "203.0.113.5")
    assert form_errors(refused) == THROTTLED
    response = sign_in_via_proxy(client, caseworker.username, PASSWORD, "198.51.100.7")
    assert response.status_code == 302 and is_signed_in(client)
    assert events("login.succeeded", actor=caseworker).get().ip == "198.51.100.7"


def test_a_spoofed_forwarded_address_escapes_neither_the_throttle_nor_the_audit(
    client, caseworker, clock, settings
):
    settings.NUANJIA_SIGNIN_FAILURES_PER_ADDRESS = 6
    for number in range(6):  # a new invented address in front of each try
        sign_in_via_proxy(client, f"guess{number}", WRONG, f"6.6.6.{number}, 203.0.113.5")
    refused = sign_in_via_proxy(client, caseworker.username, PASSWORD, "9.9.9.9, 203.0.113.5")
    assert form_errors(refused) == THROTTLED and not is_signed_in(client)
    addresses = set(events("login.failed").values_list("ip", flat=True))
    assert addresses == {"203.0.113.5"}


def test_an_unknown_name_locks_like_a_real_one_whichever_address_tries_it(client, tree, clock):
    ghost = Staff(username="no_such_user")
    for number in range(5):
        sign_in_via_proxy(client, ghost.username, WRONG, f"203.0.113.{number}")
    locked = sign_in_via_proxy(client, ghost.username, WRONG, "198.51.100.7")
    assert "已被锁定" in form_errors(locked)
