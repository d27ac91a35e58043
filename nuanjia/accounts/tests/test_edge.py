"""The network edge (issue 12 #9): session key rotation at the second factor, no-store on
personal pages, request bodies capped before they are read, no shared gunicorn control socket."""

import io

from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from nuanjia.accounts.services import issue_api_token
from nuanjia.cli import gunicorn_argv

from .support import code_for, sign_in

MB = 1024 * 1024


class UnreadBody(io.BytesIO):
    """A request body that remembers whether anybody read it."""

    was_read = False

    def read(self, *args):
        self.was_read = True
        return super().read(*args)

    def readline(self, *args):
        self.was_read = True
        return super().readline(*args)


def post_declaring(client, path: str, size: int, **headers):
    """A multipart post whose Content-Length says `size` bytes; returns the response and body."""
    body = UnreadBody(b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n')
    response = client.generic(
        "POST",
        path,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(size),
            "CONTENT_TYPE": "multipart/form-data; boundary=x",
        },
        headers=headers,
    )
    return response, body


def too_large(size_mb: int) -> str:
    with translation.override("zh-hans"):
        return gettext("The request is too large: at most %(size)d MB can be sent at once.") % {
            "size": size_mb
        }


# --- the session key changes when the second factor is accepted -------------------------


def test_the_session_key_changes_when_the_code_is_accepted(client, approver):
    device = TOTPDevice.objects.create(user=approver, name="手机", confirmed=True)
    sign_in(client, approver.username, PASSWORD)
    half_signed_in = client.session.session_key
    client.post("/accounts/2fa/", {"code": code_for(device)})
    assert client.get("/").status_code == 200
    assert client.session.session_key != half_signed_in
    # Whoever held the half-signed-in key holds nothing now.
    stale = Client()
    stale.cookies["sessionid"] = half_signed_in
    assert stale.get("/").status_code == 302


def test_the_session_key_changes_when_enrolment_is_confirmed(client, approver):
    sign_in(client, approver.username, PASSWORD)
    client.get("/accounts/2fa/enrol/")
    half_signed_in = client.session.session_key
    device = TOTPDevice.objects.get(user=approver, confirmed=False)
    client.post("/accounts/2fa/enrol/", {"code": code_for(device)})
    assert client.get("/").status_code == 200
    assert client.session.session_key != half_signed_in


# --- Cache-Control: no-store ---------------------------------------------------------------


def test_every_signed_in_page_and_the_api_are_not_stored(login, caseworker):
    client = login(caseworker)
    for path in ("/", "/people/workers/", "/hotline/", "/accounts/password/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
    _token, raw = issue_api_token(caseworker, name="手机", by=caseworker)
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]


# --- request bodies are capped before they are read ---------------------------------------


def test_a_200_mb_post_to_the_public_12351_page_is_refused_unread():
    response, body = post_declaring(Client(), "/12351/", 200 * MB)
    assert response.status_code == 413
    assert too_large(20) in response.content.decode()
    assert not body.was_read


def test_a_200_mb_post_to_the_public_api_is_refused_unread_in_json():
    response, body = post_declaring(Client(), "/api/v1/hotline/public/attachments", 200 * MB)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response.json()["message"] == too_large(20)
    assert not body.was_read


def test_a_body_within_the_public_limit_is_read(client, db):
    response, body = post_declaring(client, "/12351/", 50)
    assert response.status_code != 413 and body.was_read


def test_staff_may_send_a_large_sheet_but_not_an_endless_one(login, caseworker):
    client = login(caseworker)
    response, _body = post_declaring(client, "/people/workers/import/", 100 * MB)
    assert response.status_code != 413
    response, body = post_declaring(client, "/people/workers/import/", 1000 * MB)
    assert response.status_code == 413 and not body.was_read


def test_an_api_token_counts_as_staff_for_the_limit(caseworker):
    _token, raw = issue_api_token(caseworker, name="手机", by=caseworker)
    path = "/api/v1/hotline/public/attachments"
    response, _body = post_declaring(Client(), path, 100 * MB, Authorization=f"Bearer {raw}")
    assert response.status_code != 413
    response, _body = post_declaring(Client(), path, 100 * MB, Authorization="Bearer nj_forged")
    assert response.status_code == 413


# --- gunicorn's control socket ---------------------------------------------------------


def test_the_server_opens_no_control_socket_shared_between_instances():
    argv = gunicorn_argv("127.0.0.1", 8000, 3, 2)
    assert "--no-control-socket" in argv
    assert "--control-socket" not in argv
