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
