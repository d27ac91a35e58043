"""Headless Chromium from Debian, driven by Playwright (its own browser download cannot work here)."""

import os
import shutil
from pathlib import Path

import pytest

from .accessibility import Watch, assert_accessible, axe_source, install

CHROMIUM = os.environ.get("NUANJIA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# ordinary synchronous ones, so Django's guard against async misuse does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def axe_on_every_page(request, monkeypatch):
    """axe-core (WCAG 2.1 A/AA) on every page a browser test opens: after each `goto`, when a
    new document has loaded and the test acts on it, and on each page's last state. The test
    fails with the violations listed (rule, element, message); docs/accessibility.md."""
    if "browser" not in request.fixturenames:
        yield
        return
    axe_source()
    watch = Watch()
    install(monkeypatch, watch)
    yield watch
    watch.finish()
    if watch.failures:
        pytest.fail("\n\n".join(watch.failures), pytrace=False)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: make browsers")
        pytest.skip("chromium is not installed (make browsers)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps a connection per thread *and context*; Playwright's sync API runs the tests
    # in a context of its own, so the connection opened before it would stay open, unseen,
    # and PostgreSQL would refuse to drop the test database at the end. Close it first.
    connections.close_all()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(viewport)` opens a page whose relative URLs go to the live server; other
    keywords go to the browser context (user_agent, has_touch…)."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(
            viewport=viewport, base_url=live_server.url, locale="zh-CN", **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


__all__ = ["DESKTOP", "PHONE", "assert_accessible", "screenshot", "sign_in"]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
