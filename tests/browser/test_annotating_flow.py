"""Annotating on the real reading page: mouse, live updates across students, keyboard only."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.annotations.helpers import annotate
from tests.browser.test_annotator_js import drag_select

TEXT = (
    "Stalin ruled through fear and a vast cult of personality, while the party met less often "
    "and learned to agree with him."
)


@pytest.fixture
def reading(assignment):
    """The first passage of the assignment carries a real sentence to select."""
    passage = assignment.comparison.sections.order_by("order")[0].passages.order_by("order")[0]
    passage.text = TEXT
    passage.save()
    return assignment


def open_reading_page(page, live_server, assignment):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/")
    expect(page.locator("#p1 .passage-text")).to_have_text(TEXT)


def test_student_selects_text_annotates_it_and_a_classmate_sees_it_appear(
    live_server, browser, log_in, shot, transactional_db, reading, student, classmate
):
    classmate_page = browser.new_context().new_page()
    log_in(classmate_page, classmate.email)
    open_reading_page(classmate_page, live_server, reading)
    expect(classmate_page.locator("#annotation-list")).to_contain_text("No annotations yet")

    page = browser.new_context().new_page()
    log_in(page, student.email)
    open_reading_page(page, live_server, reading)
    drag_select(page, "#p1", "vast", "personality")
    page.locator(".annotate-button").click()
    expect(page.locator("#annotate-quote")).to_contain_text("vast cult of personality")
    expect(page.locator("#annotate-form textarea[name=body]")).to_be_focused()
    page.keyboard.type("The cult made Stalin untouchable.")
    page.get_by_role("group", name="About").get_by_label("Stalin").check()
    page.get_by_label("Tags").fill("cult")
    page.get_by_role("button", name="Save annotation").click()

    card = page.locator(".annotation-card", has_text="The cult made Stalin untouchable.")
    expect(card).to_be_visible()
    expect(page.locator("#p1 mark.highlight")).to_have_text("vast cult of personality")
    annotation = Annotation.objects.get()
    assert (annotation.exact, annotation.start) == ("vast cult of personality", TEXT.index("vast"))
    shot(page, "annotations-after-annotating", full_page=False)

    # The classmate's page polls every 5 seconds: the new annotation arrives without a reload.
    expect(classmate_page.locator(".annotation-card")).to_contain_text(
        "The cult made Stalin untouchable.", timeout=12_000
    )
    expect(classmate_page.locator("#p1 mark.highlight")).to_have_text("vast cult of personality")
    classmate_page.locator("#p1 mark.highlight").click()
    expect(classmate_page.locator(f"#annotation-{annotation.pk}")).to_be_focused()
    shot(classmate_page, "annotations-live-on-classmate-page", full_page=False)


def test_a_validation_error_keeps_what_was_typed(
    live_server, page, log_in, transactional_db, reading, student, console_errors
):
    log_in(page, student.email)
    open_reading_page(page, live_server, reading)
    drag_select(page, "#p1", "fear", "fear")
    page.locator(".annotate-button").click()
    page.get_by_label("Question").check()
    page.get_by_label("Tags").fill("why")
    page.get_by_role("button", name="Save annotation").click()

    expect(page.get_by_text("a question or comment needs some words")).to_be_visible()
    # The form comes back with a 422, which Chromium logs; the page shows it as designed.
    console_errors.forgive("status of 422 (Unprocessable Entity)")
    expect(page.get_by_label("Tags")).to_have_value("why")
    expect(page.locator("#annotate-quote")).to_contain_text("fear")
    page.locator("#annotate-form textarea[name=body]").fill("Why fear?")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator(".annotation-card", has_text="Why fear?")).to_be_visible()


def test_a_validation_error_is_tied_to_its_field_and_announced_once(
    live_server, page, log_in, transactional_db, reading, student, console_errors
):
    log_in(page, student.email)
    open_reading_page(page, live_server, reading)
    drag_select(page, "#p1", "fear", "fear")
    page.locator(".annotate-button").click()
    page.get_by_label("Question").check()
    page.get_by_role("button", name="Save annotation").click()

    body = page.locator("#annotate-form textarea[name=body]")
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_accessible_description(
        re.compile("a question or comment needs some words")
    )
    expect(page.locator("#announcer")).to_have_text(
        "Not saved. Write a note: a question or comment needs some words."
    )
    # Said once: through the live region, not also by an alert in the form.
    expect(page.locator("#annotate-form [role=alert]")).to_have_count(0)
    console_errors.forgive("status of 422 (Unprocessable Entity)")


def test_a_keyboard_user_annotates_without_a_mouse(
    live_server, page, log_in, shot, transactional_db, reading, student
):
    log_in(page, student.email)
    open_reading_page(page, live_server, reading)
    page.locator("#p1 .passage-number").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#p1 .passage-text")).to_be_focused()
    page.keyboard.press("Home")
    for _ in range(len("Stalin ruled")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")

    expect(page.locator("#annotate-quote")).to_contain_text("Stalin ruled")
    page.keyboard.type("How he held power.")
    page.keyboard.press("Tab")  # on to the kind, and through the form to Save
    save = page.get_by_role("button", name="Save annotation")
    for _ in range(30):
        if save.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator(".annotation-card", has_text="How he held power.")).to_be_visible()
    assert Annotation.objects.get().exact == "Stalin ruled"
    shot(page, "annotations-keyboard", full_page=False)


def test_a_highlight_names_its_note_and_leads_to_it_by_keyboard(
    live_server, page, log_in, shot, transactional_db, reading, student, classmate
):
    stalin = reading.comparison.subjects.order_by("order")[0]
    passage = reading.comparison.sections.order_by("order")[0].passages.order_by("order")[0]
    first = annotate(reading, classmate, passage=passage, quote="fear", subjects=[stalin])
    second = annotate(reading, classmate, passage=passage, quote="party", body="Second note")
    log_in(page, student.email)
    open_reading_page(page, live_server, reading)

    mark = page.locator("#p1 mark.highlight", has_text="fear")
    expect(mark).to_have_attribute("aria-details", f"annotation-{first.pk}")
    expect(mark).to_have_attribute("aria-description", "Note on Stalin by Cleo Classmate")

    page.locator("#p1 .passage-text").focus()
    page.keyboard.press("]")
    expect(page.locator("#announcer")).to_contain_text("Highlight 1 of 2: “fear”")
    page.keyboard.press("]")
    expect(page.locator("#announcer")).to_contain_text("Highlight 2 of 2: “party”")
    shot(page, "annotations-highlight-keyboard", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator(f"#annotation-{second.pk}")).to_be_focused()

    # Selecting with the keyboard still annotates.
    page.locator("#p1 .passage-text").focus()
    page.keyboard.press("Home")
    for _ in range(len("Stalin")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("#annotate-quote")).to_contain_text("Stalin")
