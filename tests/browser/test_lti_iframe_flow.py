"""Inside the LMS: a page served by the test platform (another origin) frames Counterpoint;
the student launches through OIDC login and a signed id_token, lands on the assignment's
reading page inside the iframe, and annotates there.

The platform is served from `localhost` on another port (another origin, the same site):
headless Chromium blocks third-party cookies outright, so from `127.0.0.1` (another site)
the session cookie never sticks inside the frame, which is what the second test shows: the
launch page then offers the new tab, and the new tab works."""

import pytest
from django.test import Client
from lti_tool.models import LtiUser
from playwright.sync_api import expect

from annotations.models import Annotation
from lti.models import CourseLink
from tests.lti.platform import TestPlatform

TEXT = (
    "Stalin ruled through fear and a vast cult of personality, while the party met less often "
    "and learned to agree with him."
)


def _platform(live_server, host):
    platform = TestPlatform(host=host)
    platform.tool_url = live_server.url
    platform.register()
    return platform


@pytest.fixture
def lms(live_server, transactional_db):
    platform = _platform(live_server, "localhost")
    yield platform
    platform.stop()


@pytest.fixture
def lms_elsewhere(live_server, transactional_db):
    platform = _platform(live_server, "127.0.0.1")
    yield platform
    platform.stop()


def _course_with_activity(lms, assignment):
    passage = assignment.comparison.sections.order_by("order")[0].passages.order_by("order")[0]
    passage.text = TEXT
    passage.save()
    lms.members = [lms.member("teacher-1", ["Instructor"]), lms.member("learner-7")]
    lms.launch(Client(), sub="teacher-1", roles=("Instructor",))  # the course's first launch
    assignment.classroom = CourseLink.objects.get().classroom
    assignment.save()
    lms.browser_launch = {
        "sub": "learner-7",
        "resource_link": "link-9",
        "custom": {"counterpoint_assignment": str(assignment.pk)},
    }


def test_a_student_launched_from_the_lms_annotates_inside_its_iframe(
    lms, live_server, page, shot, assignment
):
    _course_with_activity(lms, assignment)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{lms.base}/course")

    tool = page.frame_locator("#tool")
    expect(tool.locator("#p1 .passage-text")).to_have_text(TEXT, timeout=15_000)
    # The page's script has made the text keyboard-selectable (as a person arrives after it).
    expect(tool.locator("#p1 .passage-text[tabindex]")).to_have_count(1, timeout=15_000)
    tool.locator("#p1 .passage-text").focus()
    page.keyboard.press("Home")
    for _ in range(6):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(tool.locator("#annotate-form")).to_be_visible()
    tool.locator("#annotate-form textarea[name=body]").fill("Fear first, then the cult.")
    tool.get_by_role("group", name="About").get_by_label("Stalin").check()
    tool.get_by_role("button", name="Save annotation").click()

    expect(tool.locator(".annotation-card", has_text="Fear first, then the cult.")).to_be_visible()
    annotation = Annotation.objects.get()
    assert annotation.author == LtiUser.objects.get(sub="learner-7").auth_user
    assert annotation.exact == "Stalin"
    shot(page, "lti-reading-page-inside-the-lms", full_page=False)


def test_when_the_browser_blocks_cookies_in_the_frame_the_new_tab_opens_the_reading_page(
    lms_elsewhere, live_server, page, shot, assignment
):
    _course_with_activity(lms_elsewhere, assignment)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{lms_elsewhere.base}/course")

    tool = page.frame_locator("#tool")
    new_tab_link = tool.get_by_role("link", name="Open Counterpoint in a new tab")
    expect(new_tab_link).to_be_visible(timeout=15_000)
    expect(tool.get_by_role("link", name="Continue")).to_be_hidden()
    shot(page, "lti-cookies-blocked-in-the-frame", full_page=False)
    with page.context.expect_page() as opened:
        new_tab_link.click()
    tab = opened.value
    expect(tab.locator("#p1 .passage-text")).to_have_text(TEXT, timeout=15_000)
    assert tab.url == f"{live_server.url}/assignments/{assignment.pk}/"
