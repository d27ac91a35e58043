"""axe-core (WCAG 2.0/2.1 A and AA) on every page the browser tests visit.

`make browsers` installs axe-core with `npm ci` in tests/browser/axe/ (the version pinned in its
package-lock.json). It is never served by the site: `check` evaluates its source in the page
through Playwright, which the page's Content-Security-Policy does not govern, so the CSP users
get stays as it is. See docs/accessibility.md.
"""

import os
from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed: make browsers (npm ci in tests/browser/axe)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now (rule, impact, help and the nodes' targets)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        TAGS,
    )


def describe(url: str, found: list[dict]) -> str:
    lines = [f"axe: {len(found)} WCAG 2.1 A/AA rule(s) fail on {url}"]
    for violation in found:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail with every violation (rule, element, message) if axe finds one on the page now."""
    found = violations(page)
    assert not found, describe(page.url, found)


class Watch:
    """Checks each page of a test: after every `goto`, before the next action on a page that has
    loaded a new document since its last check, and once more at the test's end."""

    def __init__(self):
        self.failures: list[str] = []
        self.checked: list[str] = []
        self.pages: list = []

    def finish(self) -> None:
        """The last state of every page still open."""
        for page in self.pages:
            if not page.is_closed():
                self.check(page)

    def watch(self, page) -> None:
        self.pages.append(page)
        page._a11y_dirty = False
        page._a11y_checked = set()

        def loaded(_page=page):
            _page._a11y_dirty = True

        page.on("load", lambda _: loaded())

    def check(self, page) -> None:
        if page.is_closed() or not page.url.startswith("http"):
            return
        page._a11y_dirty = False
        try:
            found = violations(page)
        except Exception as error:  # the page went away while axe ran: the next load checks it
            if "context was destroyed" in str(error) or "navigation" in str(error).lower():
                page._a11y_dirty = True
                return
            raise
        self.checked.append(page.url)
        if found:
            text = describe(page.url, found)
            if text not in self.failures:
                self.failures.append(text)

    def before_action(self, page) -> None:
        if getattr(page, "_a11y_dirty", False) and not getattr(page, "_a11y_busy", False):
            page._a11y_busy = True
            try:
                self.check(page)
            finally:
                page._a11y_busy = False


PAGE_ACTIONS = (
    "goto", "click", "dblclick", "fill", "type", "press", "check", "uncheck", "select_option",
    "set_input_files", "tap", "hover", "go_back", "go_forward", "reload", "set_viewport_size",
    "dispatch_event", "close",
)  # fmt: skip
LOCATOR_ACTIONS = (
    "click", "dblclick", "fill", "type", "press", "press_sequentially", "check", "uncheck",
    "set_checked", "select_option", "set_input_files", "tap", "hover", "dispatch_event", "clear",
)  # fmt: skip


def install(monkeypatch, watch: Watch) -> None:
    """Route the Playwright page and locator actions through `watch` for this test."""
    from playwright.sync_api import BrowserContext, Locator, Page

    def wrap(cls, name, page_of):
        original = getattr(cls, name)

        def action(self, *args, **kwargs):
            page = page_of(self)
            if hasattr(page, "_a11y_dirty"):
                watch.before_action(page)
            result = original(self, *args, **kwargs)
            if hasattr(page, "_a11y_dirty") and not page.is_closed():
                if name == "goto":
                    watch.check(page)
                elif name == "set_viewport_size":
                    page._a11y_dirty = True  # the same page laid out again
            return result

        monkeypatch.setattr(cls, name, action)

    for name in PAGE_ACTIONS:
        wrap(Page, name, lambda page: page)
    for name in LOCATOR_ACTIONS:
        wrap(Locator, name, lambda locator: locator.page)

    new_page, close = BrowserContext.new_page, BrowserContext.close

    def watched_page(self, *args, **kwargs):
        page = new_page(self, *args, **kwargs)
        watch.watch(page)
        return page

    def checked_close(self, *args, **kwargs):
        for page in self.pages:
            if page in watch.pages and not page.is_closed():
                watch.check(page)
        return close(self, *args, **kwargs)

    monkeypatch.setattr(BrowserContext, "new_page", watched_page)
    monkeypatch.setattr(BrowserContext, "close", checked_close)
