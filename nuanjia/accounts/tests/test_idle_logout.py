"""Idle logout (等保: ≤ 30 minutes): the next request after 30 idle minutes is signed out."""

from datetime import timedelta

from conftest import PASSWORD

from .support import events, is_signed_in, page_text, sign_in

IDLE_MESSAGE = "您已连续 30 分钟无操作，系统已自动退出登录。"


def test_a_session_idle_29_minutes_is_kept(client, caseworker, clock):
    sign_in(client, caseworker.username, PASSWORD)
    assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=29))
    assert client.get("/orgs/").status_code == 200
    assert is_signed_in(client)


def test_activity_restarts_the_idle_clock(client, caseworker, clock):
    sign_in(client, caseworker.username, PASSWORD)
    for _ in range(4):
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
    assert is_signed_in(client)


def test_a_session_idle_31_minutes_is_signed_out_and_sent_to_the_login_page(
    client, caseworker, clock
):
    sign_in(client, caseworker.username, PASSWORD)
    client.get("/")
    clock.shift(timedelta(minutes=31))
    response = client.get("/orgs/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)
    login_page = client.get(response["Location"])
    assert IDLE_MESSAGE in page_text(login_page)
    # The old session is gone for good: the next page asks for a sign-in again.
    assert client.get("/").status_code == 302


def test_idle_time_counts_from_the_sign_in_itself(client, caseworker, clock):
    """Signing in and then doing nothing for 31 minutes is idle too."""
    sign_in(client, caseworker.username, PASSWORD)
    clock.shift(timedelta(minutes=31))
    assert client.get("/").status_code == 302
    assert not is_signed_in(client)


def test_the_idle_logout_is_an_audit_event(client, caseworker, clock):
    sign_in(client, caseworker.username, PASSWORD)
    clock.shift(timedelta(minutes=31))
    client.get("/")
    event = events("logout.idle").get()
    assert event.actor_id == caseworker.pk and event.success is True


def test_an_htmx_request_is_told_to_load_the_login_page(client, caseworker, clock):
    sign_in(client, caseworker.username, PASSWORD)
    clock.shift(timedelta(minutes=31))
    response = client.get(f"/orgs/{caseworker.org.pk}/children/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == "/accounts/login/"
    assert IDLE_MESSAGE in page_text(client.get("/accounts/login/"))


def test_an_idle_session_gets_401_from_the_api(client, caseworker, clock):
    sign_in(client, caseworker.username, PASSWORD)
    assert client.get("/api/v1/me").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert not is_signed_in(client)
