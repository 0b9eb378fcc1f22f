"""The outline editor saves as the draft does: while typing, retried when the network drops,
with a warning before leaving unsaved text; a conflict shows at the field that was not saved."""

from django.db.models import F
from playwright.sync_api import expect

from essays.models import Evidence, Outline
from essays.services import draft_create
from tests.browser.test_feedback_flow import make_outline


def open_outline(page, live_server, log_in, student, outline, width=1366):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, student.email)
    page.goto(f"{live_server.url}/outlines/{outline.pk}/")


def changed_in_another_tab(outline, **fields):
    Outline.objects.filter(pk=outline.pk).update(version=F("version") + 1, **fields)


def test_typed_text_is_saved_without_leaving_the_box_and_kept_through_a_network_drop(
    live_server, page, console_errors, log_in, shot, transactional_db, assignment, student
):
    console_errors.forgive("net::ERR_FAILED")  # the dropped saves, on purpose
    outline = make_outline(assignment, student)
    open_outline(page, live_server, log_in, student, outline)
    status = page.locator("#outline-save-status")

    thesis = page.get_by_role("textbox", name="Your thesis, in one or two sentences")
    thesis.fill("")
    thesis.press_sequentially("Stalin ruled by fear; Khrushchev by persuasion.")
    # Still in the box: no change or blur event, the pause alone saves it.
    expect(status).to_have_text("All changes saved.", timeout=10_000)
    outline.refresh_from_db()
    assert outline.thesis == "Stalin ruled by fear; Khrushchev by persuasion."
    assert page.evaluate("document.activeElement.id") == "thesis-input"

    page.route("**/outlines/*/save/", lambda route: route.abort())
    reasoning = page.get_by_role("textbox", name="Reasoning: why does it matter?").last
    reasoning.press_sequentially(" It shows what each feared.")
    expect(status).to_contain_text("Not saved yet", timeout=10_000)
    expect(status).to_be_in_viewport()  # seen from down the page, where the student is
    shot(page, "outline-autosave-retrying", full_page=False)

    # Closing the tab now asks first.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed()

    page.unroute("**/outlines/*/save/")
    expect(status).to_have_text("All changes saved.", timeout=20_000)
    section = outline.sections.order_by("order").last()
    assert section.reasoning.endswith("It shows what each feared.")


def test_a_conflict_shows_at_the_field_keeps_the_text_and_keep_mine_saves_it(
    live_server, page, console_errors, log_in, shot, transactional_db, assignment, student
):
    console_errors.forgive("status of 409 (Conflict)")  # the other tab's change, on purpose
    outline = make_outline(assignment, student)
    open_outline(page, live_server, log_in, student, outline)
    changed_in_another_tab(outline, thesis="Written in the other tab.")

    reasoning = page.get_by_role("textbox", name="Reasoning: why does it matter?").last
    reasoning.fill("Mine: the thaw was real but limited.")
    note = page.locator(".save-note.conflict")
    expect(note).to_contain_text("not saved", timeout=10_000)
    expect(note).to_be_in_viewport()
    expect(reasoning).to_have_value("Mine: the thaw was real but limited.")
    expect(reasoning).to_have_attribute("aria-invalid", "true")
    assert note.get_attribute("id") in reasoning.get_attribute("aria-describedby")
    expect(page.locator("#outline-save-status")).to_contain_text("changed in another tab")
    shot(page, "outline-conflict-at-field", full_page=False)

    note.get_by_role("button", name="Keep mine").click()

    expect(page.locator("#outline-save-status")).to_have_text("All changes saved.")
    expect(note).to_have_count(0)
    expect(reasoning).not_to_have_attribute("aria-invalid", "true")
    outline.refresh_from_db()
    assert outline.sections.order_by("order").last().reasoning == (
        "Mine: the thaw was real but limited."
    )
    assert outline.thesis == "Written in the other tab."  # only the box they chose to keep


def test_loading_the_new_version_after_a_conflict_shows_the_other_change(
    live_server, page, console_errors, log_in, shot, transactional_db, assignment, student
):
    console_errors.forgive("status of 409 (Conflict)")  # the other tab's change, on purpose
    outline = make_outline(assignment, student)
    open_outline(page, live_server, log_in, student, outline, width=390)
    changed_in_another_tab(outline, thesis="Written in the other tab.")

    thesis = page.get_by_role("textbox", name="Your thesis, in one or two sentences")
    thesis.fill("Mine, which I will drop.")
    note = page.locator(".save-note.conflict")
    expect(note).to_be_visible(timeout=10_000)
    shot(page, "outline-conflict-at-field-390", full_page=False)
    page.emulate_media(color_scheme="dark")
    shot(page, "outline-conflict-at-field-390-dark", full_page=False)

    note.get_by_role("button", name="Load the new version").click()

    expect(thesis).to_have_value("Written in the other tab.")
    expect(page.locator(".save-note")).to_have_count(0)


def test_a_button_waits_for_typed_text_so_neither_is_lost(
    live_server, page, log_in, transactional_db, assignment, student
):
    outline = make_outline(assignment, student)
    open_outline(page, live_server, log_in, student, outline)

    claim = page.get_by_role("textbox", name="Claim (topic sentence)").last
    claim.fill("A claim typed just before a click.")
    # Straight away, before the pause that would save it: the move must not undo the text.
    page.get_by_role("button", name="Move section up").last.click()

    expect(page.locator("#outline-save-status")).to_have_text("All changes saved.")
    expect(page.locator("#outline-version")).to_have_value("3", timeout=10_000)
    outline.refresh_from_db()
    moved = outline.sections.get(claim="A claim typed just before a click.")
    assert moved.order < outline.sections.order_by("order").last().order
    expect(
        page.get_by_role("textbox", name="Claim (topic sentence)").filter(
            has_text="A claim typed just before a click."
        )
    ).to_have_count(1)


def test_a_choice_is_saved_while_the_student_types_on_in_the_next_box(
    live_server, page, log_in, transactional_db, assignment, student
):
    """A choice waits for the text typed before it, not for the student to stop typing: it
    reaches the server while they are still typing in the next box, and then nothing is lost,
    not even when they reload the moment the page says everything is saved."""
    outline = make_outline(assignment, student)
    item = Evidence.objects.get(section__outline=outline)
    open_outline(page, live_server, log_in, student, outline)
    card = page.locator(".cer-card").first

    # The save of the text before the choice is slow to come back: the student is already
    # typing the next box when it does.
    held = []
    page.route(
        "**/outlines/*/save/", lambda route: held.append(route) if not held else route.continue_()
    )
    card.get_by_role("textbox", name="Reasoning: what this shows").fill("Typed, then a choice.")
    card.get_by_label("Shows a difference", exact=True).check()
    page.get_by_role("textbox", name="Your thesis, in one or two sentences").click()
    sentence = "Stalin ruled by fear, while Khrushchev argued his case in public. " * 4
    typed = ""
    while len(typed) < len(sentence):
        # A fast typist: a few letters at a time, never the pause that saves by itself.
        page.keyboard.type(sentence[len(typed) : len(typed) + 3])
        typed = sentence[: len(typed) + 3]
        if len(typed) == 6:
            held[0].continue_()
        if Evidence.objects.filter(pk=item.pk, relation="difference").exists():
            break
    assert len(typed) < len(sentence), "the choice waited for the typing to stop"

    page.wait_for_function("() => window.counterpoint.outline.pending() === 0")
    expect(page.locator("#outline-save-status")).to_have_text("All changes saved.")
    page.reload()
    item.refresh_from_db()
    outline.refresh_from_db()
    assert (item.relation, item.commentary) == ("difference", "Typed, then a choice.")
    assert outline.thesis == typed
    expect(
        page.locator(".cer-card").first.get_by_label("Shows a difference", exact=True)
    ).to_be_checked()


def test_the_draft_shows_a_conflict_at_the_paragraph_too(
    live_server, page, console_errors, log_in, shot, transactional_db, assignment, student
):
    console_errors.forgive("status of 409 (Conflict)")  # the other tab's change, on purpose
    outline = make_outline(assignment, student)
    draft = draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, student.email)
    page.goto(f"{live_server.url}/drafts/{draft.pk}/")
    changed_in_another_tab(draft)

    box = page.locator(".paragraph-box").last
    box.fill("My conclusion, typed while another tab saved.")
    note = page.locator(".save-note.conflict")
    expect(note).to_be_visible(timeout=10_000)
    expect(box).to_have_attribute("aria-invalid", "true")
    shot(page, "draft-conflict-at-paragraph", full_page=False)
    note.get_by_role("button", name="Keep mine").click()

    expect(page.locator("#draft-status")).to_have_text("All changes saved.")
    last = draft.sections.order_by("order").last()
    assert last.paragraph == "My conclusion, typed while another tab saved."


def test_text_typed_before_the_script_has_loaded_is_saved_too(
    live_server, page, log_in, transactional_db, assignment, student
):
    outline = make_outline(assignment, student)
    held = []
    page.route("**/static/js/outline.js", lambda route: held.append(route))
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, student.email)
    page.goto(f"{live_server.url}/outlines/{outline.pk}/", wait_until="commit")

    thesis = page.get_by_role("textbox", name="Your thesis, in one or two sentences")
    thesis.fill("Typed while the page was still loading.")
    thesis.blur()
    assert held, "the editor's script was held back"
    held[0].continue_()

    expect(page.locator("#outline-save-status")).to_have_text("All changes saved.", timeout=10_000)
    outline.refresh_from_db()
    assert outline.thesis == "Typed while the page was still loading."
