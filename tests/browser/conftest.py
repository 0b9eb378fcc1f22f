"""Playwright against the live server, driving Debian's /usr/bin/chromium.

Locally, browser tests are skipped when Chromium is missing; CI sets
REQUIRE_BROWSER_TESTS=1, so there a missing browser fails the run instead.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Not test-results/: pytest-playwright empties that folder at the start of every run.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
BROWSER_REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # Keep a worker's browser tests together so they share one Chromium.
            item.add_marker(pytest.mark.xdist_group("browser"))
            if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
                if BROWSER_REQUIRED:
                    item.add_marker(pytest.mark.usefixtures("_fail_without_browser"))
                else:
                    item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.fixture
def _fail_without_browser():
    pytest.fail(f"Browser tests are required here but there is no Chromium at {CHROMIUM}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def shot():
    """Save a screenshot for a person to look at: artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, *, full_page=True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def log_in(live_server):
    def do(page, email, password="correct-horse-battery"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

    return do


# Every browser test fails on a console error, an uncaught page error or a Content-Security-
# Policy violation in any page it opens, so that a quiet console is a promise the suite keeps
# (docs/UX: "the browser console stays empty of errors"). Chromium does not always log CSP
# violations to the console, so an init script turns each securitypolicyviolation event into a
# console.error the listener below sees.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
    ` at ${event.sourceFile || "?"}:${event.lineNumber || "?"}` +
    (event.sample ? ` (${event.sample})` : ""),
  );
});
"""


class ConsoleErrors(list):
    """What went wrong in the browser during one test, as readable lines.

    A test that provokes an error on purpose takes the `console_errors` fixture and calls
    forgive(pattern) with a substring of the message it expects; anything else still fails.
    """

    def __init__(self):
        super().__init__()
        self.forgiven = []

    def append(self, line):
        if not any(pattern in line for pattern in self.forgiven):
            super().append(line)

    def watch(self, context):
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.append(f"page error: {error.error}"))

    def _on_console(self, message):
        if message.type == "error":
            where = message.location or {}
            url = where.get("url") or message.page and message.page.url or "?"
            self.append(f"console error: {message.text} [{url}:{where.get('lineNumber', '?')}]")

    def forgive(self, pattern):
        """Forgive errors containing `pattern`, those already seen and those still to come."""
        self.forgiven.append(pattern)
        self[:] = [line for line in self if pattern not in line]


@pytest.fixture(autouse=True)
def console_errors(request, monkeypatch):
    """Fail the test if any page it opened logged an error or broke the CSP (see above)."""
    errors = ConsoleErrors()
    if "tests/browser/" not in str(request.node.fspath):
        yield errors
        return
    from playwright.sync_api import Browser

    new_context = Browser.new_context

    def watched_new_context(self, *args, **kwargs):
        context = new_context(self, *args, **kwargs)
        errors.watch(context)
        return context

    def watched_new_page(self, *args, **kwargs):
        context = self.new_context(*args, **kwargs)
        page = context.new_page()
        # As Browser.new_page does: closing the page closes its context.
        context._impl_obj._owner_page = page._impl_obj
        return page

    monkeypatch.setattr(Browser, "new_context", watched_new_context)
    monkeypatch.setattr(Browser, "new_page", watched_new_page)
    yield errors
    if errors:
        listed = "\n".join(f"  - {line}" for line in errors)
        pytest.fail(
            f"The browser reported {len(errors)} error(s) during this test (console errors, "
            f"page errors and CSP violations all fail browser tests; fix the app, or call "
            f"console_errors.forgive(...) for an error the test provokes on purpose):\n{listed}",
            pytrace=False,
        )
