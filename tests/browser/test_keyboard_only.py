"""A student does the whole journey with the keyboard alone: log in, join a class with its
code, select words and annotate them, build an outline from the class's evidence, write a
thesis, and submit it to the teacher. No click, no mouse: only Tab, typing, Space and Enter.
"""

from playwright.sync_api import expect

from annotations.models import Annotation
from counterpoint.models import Membership
from essays.models import Outline
from tests.annotations.helpers import annotate
from tests.factories import PASSWORD, UserFactory

MAX_TABS = 150


def tab_to(page, locator):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    target = locator.element_handle()
    for _ in range(MAX_TABS):
        if page.evaluate("el => el === document.activeElement", target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def test_a_student_joins_annotates_builds_and_submits_with_the_keyboard_alone(
    live_server, page, shot, transactional_db, assignment, teacher, classmate
):
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    for dimension in assignment.comparison.dimensions.order_by("order"):
        annotate(
            assignment,
            classmate,
            subjects=[khrushchev],
            dimension=dimension,
            body="The thaw",
            quote="1.1",
        )
    UserFactory(display_name="Kim Keys", email="kim@example.test")
    code = assignment.classroom.join_code_display
    base = live_server.url

    # Log in.
    page.goto(f"{base}/accounts/login/")
    tab_to(page, page.get_by_label("E-mail address"))
    page.keyboard.type("kim@example.test")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")

    # Join the class with its code.
    tab_to(page, page.get_by_role("link", name="Join a class").first)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Join code"))
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.get_by_text("You joined Year 11 History.")).to_be_visible()
    assert Membership.objects.filter(user__email="kim@example.test").exists()

    # Open the assignment and annotate: select words with Shift and the arrows, then Enter.
    tab_to(page, page.get_by_role("link", name=assignment.comparison.title))
    page.keyboard.press("Enter")
    passage = page.locator(".passage-text").first
    tab_to(page, passage)
    page.keyboard.press("Home")
    for _ in range(len("Paragraph")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("#annotate-quote")).to_contain_text("Paragraph")
    page.keyboard.type("Stalin ruled through fear.")
    tab_to(page, page.locator("#annotate-form").get_by_label("Evidence"))
    page.keyboard.press("Space")
    tab_to(page, page.locator("#annotate-form").get_by_label(stalin.name))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Save annotation"))
    page.keyboard.press("Enter")
    expect(page.locator(".annotation-card", has_text="Stalin ruled through fear.")).to_be_visible()
    mine = Annotation.objects.get(author__email="kim@example.test")
    assert mine.exact == "Paragraph" and list(mine.subjects.all()) == [stalin]

    # Build an outline: tick the evidence, create it.
    tab_to(page, page.get_by_role("link", name="Build your essay outline"))
    page.keyboard.press("Enter")
    tray = page.locator("#evidence-tray")
    expect(tray.locator("input[type=checkbox]").first).to_be_visible()
    for box in tray.locator("input[type=checkbox]").all():
        tab_to(page, box)
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    expect(page.locator("#builder-preview")).to_contain_text("Khrushchev")
    tab_to(page, page.get_by_role("button", name="Create this outline"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your outline is ready to edit.")).to_be_visible()

    # Write the thesis (saved when focus moves on), then submit.
    thesis = page.get_by_role("textbox", name="Your thesis, in one or two sentences")
    tab_to(page, thesis)
    page.keyboard.press("Control+a")
    page.keyboard.type("Whereas Stalin ruled through terror, Khrushchev tried reform.")
    page.keyboard.press("Tab")
    expect(page.locator("#outline-version")).to_have_value("2")
    shot(page, "keyboard-only-outline", full_page=False)
    tab_to(page, page.get_by_role("button", name="Submit to your teacher"))
    page.keyboard.press("Enter")
    # The checks still find something open: the question takes focus; answer it.
    expect(page.locator("#submit-open")).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Submit anyway"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Submitted. Your teacher can now review it")).to_be_visible()

    outline = Outline.objects.get(author__email="kim@example.test")
    assert outline.status == Outline.Status.SUBMITTED
    assert outline.thesis.startswith("Whereas Stalin ruled through terror")
    assert outline.revisions.count() == 1
    shot(page, "keyboard-only-submitted", full_page=False)
