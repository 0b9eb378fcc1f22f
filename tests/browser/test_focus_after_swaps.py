"""Focus after in-page updates (WCAG 2.4.3), by keyboard only: after every htmx swap the focus
is on the control that was used, the item it moved or made, or the first field with an error;
never on <body>, where the next Tab would start again from the top of the page.

Also: the live region survives a swap (only its text changes), and the smaller items of
issue 25 (the focused paragraph's name, one Tab stop per extension, table captions, the
annotator hint inside <main>)."""

import re

from playwright.sync_api import expect

from annotations.models import Annotation
from essays import feedback
from tests.annotations.helpers import annotate
from tests.browser.states import check_state
from tests.essays.helpers import make_outline


def press(locator, key="Enter"):
    """Reach a control by focus, as Tab would, and use it from the keyboard."""
    locator.focus()
    expect(locator).to_be_focused()
    locator.press(key)


def focus_is_not_on_body(page):
    assert page.evaluate("document.activeElement !== document.body")


def wide(browser):
    return browser.new_context(viewport={"width": 1366, "height": 900}).new_page()


def test_the_review_page_keeps_focus_on_the_control_used(
    live_server,
    browser,
    log_in,
    shot,
    transactional_db,
    assignment,
    cast,
    student,
    teacher,
    console_errors,
):
    outline = feedback.outline_transition(
        outline=make_outline(assignment, student, cast), action="submit"
    )
    page = wide(browser)
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/outlines/{outline.pk}/review/")

    # An empty comment: the panel stays, and focus goes to the box, which says what is wrong.
    press(page.get_by_role("button", name="Add comment"))
    box = page.get_by_label("Comment", exact=True)
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#review-panel")).to_be_visible()
    expect(page.locator("#comment-error")).to_be_visible()
    shot(page, "focus-review-empty-comment", full_page=False)
    check_state(page, "review with a comment error")

    box.fill("Say which leader this is about.")
    press(page.get_by_role("button", name="Add comment"))
    expect(page.locator("#review")).to_contain_text("Say which leader this is about.")
    expect(page.get_by_role("button", name="Add comment")).to_be_focused()

    level = page.get_by_role("group", name="Thesis and claims").get_by_label("Good (3)")
    press(level, "Space")
    expect(page.locator("#rubric-heading")).to_contain_text("3/20")
    expect(level).to_be_focused()  # the same radio button, in the new panel

    press(page.get_by_role("button", name=f"Release feedback to {student.display_name}"))
    hide = page.get_by_role("button", name=f"Hide feedback from {student.display_name}")
    expect(hide).to_be_focused()
    focus_is_not_on_body(page)
    check_state(page, "review after a comment, a level and a release")
    console_errors.forgive("status of 422 (Unprocessable Entity)")  # the empty comment


def test_the_outline_keeps_focus_on_moved_removed_and_added_evidence(
    live_server, browser, log_in, transactional_db, assignment, cast, student
):
    outline = make_outline(assignment, student, cast)
    page = wide(browser)
    log_in(page, student.email)
    page.goto(f"{live_server.url}/outlines/{outline.pk}/")

    lists = page.locator(".evidence-list").filter(has=page.locator(".evidence-card"))
    section_list = lists.first
    first = section_list.locator(".evidence-card").first
    moved_id = first.get_attribute("data-id")
    press(first.get_by_role("button", name="Move evidence down"))

    moved = page.locator(f'.evidence-card[data-id="{moved_id}"]')
    expect(section_list.locator(".evidence-card").nth(1)).to_have_attribute("data-id", moved_id)
    expect(moved.get_by_role("button", name="Move evidence down")).to_be_focused()
    # The next Tab stays with the moved item, not "Delete this outline" at the end of the page.
    page.keyboard.press("Tab")
    assert page.evaluate(
        f"""document.activeElement.closest('.evidence-card')?.dataset.id === '{moved_id}'"""
    )
    check_state(page, "outline after moving evidence")

    section_pk = section_list.get_attribute("data-section")
    press(moved.get_by_role("button", name="Remove this evidence"))
    expect(page.locator(f'.evidence-card[data-id="{moved_id}"]')).to_have_count(0)
    add = page.locator(f"#add-{section_pk}")
    expect(add).to_be_focused()

    key = add.input_value()
    page.keyboard.press("Tab")
    expect(page.locator(f"#add-{section_pk} + button")).to_be_focused()
    page.keyboard.press("Enter")
    added = page.locator(f'#outline .evidence-card[data-key="{key}"]')
    expect(added).to_be_focused()
    check_state(page, "outline after removing and adding evidence")


def test_moderation_keeps_focus_after_pin_and_hide(
    live_server, browser, log_in, transactional_db, assignment, student, teacher
):
    note = annotate(assignment, student, body="A reading worth pinning")
    page = wide(browser)
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/classes/{assignment.classroom_id}/moderation/")
    row = page.locator(f"#moderate-{note.pk}")

    # The row turns into a note of what was done, with Undo: focus lands on Undo.
    press(row.get_by_role("button", name="Pin", exact=True))
    expect(row.get_by_role("button", name="Undo")).to_be_focused()
    assert Annotation.objects.get(pk=note.pk).is_pinned
    check_state(page, "moderation after a pin")
    press(row.get_by_role("button", name="Undo"))
    expect(row).to_contain_text("Unpinned")
    expect(row.get_by_role("button", name="Undo")).to_be_focused()

    page.reload()

    row.get_by_label("Reason the author will see").fill("Off topic")
    press(row.get_by_role("button", name="Hide", exact=True))
    expect(row.get_by_role("button", name="Undo")).to_be_focused()
    expect(page.locator("table.audit caption")).to_have_count(1)
    check_state(page, "moderation after hiding")


def test_the_reading_page_keeps_focus_after_helpful_and_a_reply(
    live_server, browser, log_in, shot, transactional_db, assignment, student, classmate
):
    note = annotate(assignment, classmate, body="Look at the dates here")
    page = wide(browser)
    log_in(page, student.email)
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/")
    card = page.locator(f"#annotation-{note.pk}")

    press(card.get_by_role("button", name="Helpful"))
    expect(card.get_by_role("button", name="Helpful · 1")).to_be_focused()
    check_state(page, "reading page after Helpful")

    press(card.locator("summary", has_text="Reply"))
    box = card.get_by_label("Reply to")
    box.fill("The dates matter because of the speech.")
    press(card.get_by_role("button", name="Send reply"))
    reply = card.locator(".reply").last
    expect(reply).to_contain_text("The dates matter")
    expect(reply).to_be_focused()
    check_state(page, "reading page after a reply")

    # The paragraph a keyboard user selects in has a name: its number and its section.
    section = assignment.comparison.sections.order_by("order")[0]
    paragraph = page.get_by_role("group", name=f"Paragraph 1, {section.heading}")
    expect(paragraph).to_have_count(1)
    # The hint the paragraphs point to is inside <main>, not loose in <body>.
    expect(page.locator("main #annotator-hint")).to_have_count(1)
    paragraph.focus()
    expect(paragraph).to_be_focused()
    shot(page, "focus-reading-reply", full_page=False)


def test_rotating_the_join_code_keeps_focus_and_the_same_live_region(
    live_server, browser, log_in, transactional_db, classroom, teacher
):
    page = wide(browser)
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/classes/{classroom.pk}/")
    page.evaluate("document.getElementById('announcer').dataset.testMark = 'same node'")
    page.evaluate("window.announcerBefore = document.getElementById('announcer')")
    old_code = page.locator(".join-code").inner_text()

    press(page.get_by_role("button", name="Make a new code"))
    expect(page.locator(".join-code")).not_to_have_text(old_code)
    expect(page.get_by_role("button", name="Make a new code")).to_be_focused()
    announcer = page.locator("#announcer")
    expect(announcer).to_have_text(re.compile("New join code made"))
    assert page.evaluate("document.getElementById('announcer') === window.announcerBefore")
    expect(page.locator("[aria-live]#announcer")).to_have_count(1)
    check_state(page, "class page after a new join code")


def test_the_editor_keeps_focus_on_save(
    live_server, browser, log_in, transactional_db, comparison, teacher
):
    page = wide(browser)
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/comparisons/{comparison.pk}/edit/")
    expect(page.locator("table.matrix-editor caption")).to_have_count(1)
    press(page.get_by_role("button", name="Save details"))
    expect(page.get_by_role("button", name="Save details")).to_be_focused()
    check_state(page, "comparison editor after a save")


def test_an_extension_is_one_tab_stop_until_opened(
    live_server, browser, log_in, shot, transactional_db, assignment, student, teacher
):
    for width, scheme in ((1366, "light"), (390, "dark")):
        page = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme
        ).new_page()
        log_in(page, teacher.email)
        page.goto(f"{live_server.url}/assignments/{assignment.pk}/submissions/")
        field = page.get_by_label(f"New due date for {student.display_name}")
        expect(field).to_be_hidden()
        opener = page.locator("summary", has_text="Extend…")
        press(opener)
        expect(field).to_be_visible()
        page.keyboard.press("Tab")
        expect(field).to_be_focused()
        shot(page, f"focus-submissions-extension-{width}-{scheme}")
        page.close()
