"""Browser tests: the system Chromium driven by playwright, checked by axe-core.

axe-core comes with the test-only package axe-playwright-python and is
injected into the page by the test; the portal never ships it.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

from tests.helpers import skip_or_fail

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# made by the test between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageChecks:
    """Records what a page does that it must not: external requests, CSP violations."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.host = urlsplit(base_url).netloc
        self.external_requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)

    def _on_request(self, request):
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if urlsplit(url).netloc != self.host:
            self.external_requests.append(url)

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)


@pytest.fixture
def page(browser, live_server, mailoutbox):
    # Reduced motion switches off Bootstrap's transitions, so axe never measures
    # colours halfway through a hover or focus change.
    context = browser.new_context(base_url=live_server.url, locale="de-DE", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.checks = PageChecks(page, live_server.url)
    yield page
    checks = page.checks
    context.close()
    assert checks.external_requests == [], "pages must not load anything from other hosts"
    csp = [text for text in checks.console_errors if "Content Security Policy" in text]
    assert csp == [], f"CSP violations: {csp}"


def assert_accessible(page, context: str = "") -> None:
    """axe-core finds no serious or critical violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in blocking
    )
    assert not blocking, f"accessibility violations on {context or page.url}:\n{details}"


def log_in(page, email: str, password: str = "password") -> None:  # noqa: S107 -- test password
    page.goto("/accounts/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.locator('main form[action="/accounts/login/"] button[type="submit"]').click()
    page.wait_for_load_state()
