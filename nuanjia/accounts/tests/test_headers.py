"""Security headers and cookies on every page, and `nuanjia serve` never running with DEBUG."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PASSWORD
from nuanjia import cli

from .support import sign_in

ROOT = Path(__file__).resolve().parents[3]


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def pages(client, login, caseworker):
    """A sample of HTML pages: anonymous, signed in, and the error pages."""
    anonymous = [
        client.get("/accounts/login/"),
        client.get("/no-such-page/"),
        client.get("/api/v1/docs"),
    ]
    signed_in = login(caseworker)
    return [
        *anonymous,
        signed_in.get("/"),
        signed_in.get("/orgs/"),
        signed_in.get("/accounts/tokens/"),
        signed_in.get("/accounts/password/"),
        signed_in.get("/staff/"),  # 403
        signed_in.get("/no-such-page/"),  # 404
    ]


def test_every_html_page_has_a_csp_without_unsafe_inline_scripts(pages):
    assert [response.status_code for response in pages] == [
        200,
        404,
        200,
        200,
        200,
        200,
        200,
        403,
        404,
    ]
    for response in pages:
        directives = csp_directives(response)
        assert directives["script-src"] == ["'self'"], response.request["PATH_INFO"]
        assert "'unsafe-inline'" not in directives["default-src"]
        assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == [
            "'none'"
        ]


def test_no_page_needs_an_inline_script(pages):
    """The CSP would block inline scripts and event handlers: none may be relied on."""
    for response in pages:
        html = response.content.decode()
        executable = r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
        assert not re.search(executable, html), response.request["PATH_INFO"]
        assert not re.search(r"\son[a-z]+\s*=", html), response.request["PATH_INFO"]


def test_every_page_refuses_to_be_framed_and_sniffed(pages):
    for response in pages:
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_on_https_requests(client, tree):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_is_not_sent_over_plain_http(client, tree):
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")


def test_session_csrf_and_message_cookies_are_http_only(client, caseworker):
    login_page = client.get("/accounts/login/")
    assert login_page.cookies["csrftoken"]["httponly"] is True
    signed_in = sign_in(client, caseworker.username, PASSWORD)
    session_cookie = signed_in.cookies["sessionid"]
    assert session_cookie["httponly"] is True and session_cookie["samesite"] == "Lax"
    signed_out = client.post("/accounts/logout/")
    assert signed_out.cookies["messages"]["httponly"] is True


def test_the_language_cookie_is_http_only_too(client, tree):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.cookies["django_language"]["httponly"] is True


# --- nuanjia serve --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "on", "yes", "TRUE"])
def test_the_server_environment_forces_debug_off(value):
    caller = {"NUANJIA_DEBUG": value, "DATABASE_URL": "postgres://db/nuanjia"}
    environ = cli.server_environ(caller)
    assert environ == {"NUANJIA_DEBUG": "0", "DATABASE_URL": "postgres://db/nuanjia"}
    assert caller["NUANJIA_DEBUG"] == value  # the caller's mapping is left alone


def _debug_in_settings_for(environ: dict[str, str]) -> str:
    """What DEBUG the settings module computes in a fresh interpreter with this environment."""
    script = "from config import settings; print(settings.DEBUG)"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_server_started_with_nuanjia_debug_1_still_runs_without_debug():
    caller = {**os.environ, "NUANJIA_DEBUG": "1"}
    assert _debug_in_settings_for(caller) == "True"  # the setting does follow the variable…
    assert _debug_in_settings_for(cli.server_environ(caller)) == "False"  # …and serve overrides it


def test_serve_execs_gunicorn_with_debug_forced_off(monkeypatch, capsys):
    monkeypatch.setenv("NUANJIA_DEBUG", "1")
    started = {}

    def fake_execve(path, argv, environ):
        started.update(path=path, argv=argv, environ=environ)

    monkeypatch.setattr(os, "execve", fake_execve)
    cli.serve("127.0.0.1", 8123, 2, 3, prepared=True)
    assert started["environ"]["NUANJIA_DEBUG"] == "0"
    assert os.environ["NUANJIA_DEBUG"] == "0"
    assert started["argv"][:4] == [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    assert started["argv"][started["argv"].index("--bind") + 1] == "127.0.0.1:8123"
    assert started["argv"][started["argv"].index("--workers") + 1] == "2"
    assert started["argv"][started["argv"].index("--threads") + 1] == "3"
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out


def test_serve_defaults_to_one_worker_per_core_with_two_threads(monkeypatch):
    monkeypatch.delenv("NUANJIA_WORKERS", raising=False)
    monkeypatch.delenv("NUANJIA_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert (cli.default_workers(), cli.default_threads()) == (4, 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert cli.default_workers() == 2
    monkeypatch.setenv("NUANJIA_WORKERS", "3")
    assert cli.default_workers() == 3
