"""A student builds an outline from the class's evidence, edits it, reorders by drag, exports."""

import io

from docx import Document
from playwright.sync_api import expect

from tests.annotations.helpers import annotate


def test_student_builds_edits_reorders_and_exports_an_outline(
    live_server, page, log_in, shot, transactional_db, assignment, student, classmate
):
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    dimensions = list(assignment.comparison.dimensions.order_by("order"))
    for dimension in dimensions:
        annotate(assignment, student, subjects=[stalin], dimension=dimension, body="Terror")
        annotate(
            assignment,
            classmate,
            subjects=[khrushchev],
            dimension=dimension,
            body="Thaw",
            quote="Paragraph 1.1",
        )
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, student.email)
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/")
    page.get_by_role("link", name="Build your essay outline").click()

    tray = page.locator("#evidence-tray")
    for box in tray.locator("input[type=checkbox]").all():
        box.check()
    expect(page.locator("#builder-preview")).to_contain_text("Khrushchev")
    shot(page, "essay-builder", full_page=False)
    page.get_by_role("button", name="Create this outline").click()

    expect(page.get_by_text("Your outline is ready to edit.")).to_be_visible()
    thesis = page.get_by_role("textbox", name="Your thesis, in one or two sentences")
    thesis.fill("Whereas Stalin ruled through terror, Khrushchev tried to rule through reform.")
    thesis.blur()
    expect(page.locator("#outline-version")).to_have_value("2")

    # Drag the second piece of evidence of the first body section above the first one.
    cards = page.locator(".outline-section.role-body").nth(0).locator(".evidence-card")
    first_id = cards.nth(0).get_attribute("data-id")
    second_id = cards.nth(1).get_attribute("data-id")
    cards.nth(1).scroll_into_view_if_needed()
    page.mouse.wheel(0, -200)
    # Let the autosave's swaps and the scroll finish, so nothing moves under the pointer.
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.getAnimations().length === 0")
    source = cards.nth(1).locator(".drag-handle").bounding_box()
    target = cards.nth(0).bounding_box()
    page.mouse.move(source["x"] + 5, source["y"] + 5)
    page.mouse.down()
    page.mouse.move(target["x"] + 20, target["y"] + 5, steps=25)
    page.mouse.up()
    expect(page.locator("#outline-version")).to_have_value("3")
    page.reload()
    cards = page.locator(".outline-section.role-body").nth(0).locator(".evidence-card")
    expect(cards.nth(0)).to_have_attribute("data-id", second_id)
    expect(cards.nth(1)).to_have_attribute("data-id", first_id)
    shot(page, "essay-outline-editor", full_page=False)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word document").click()
    download = download_info.value
    assert "sam-student" in download.suggested_filename
    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Whereas Stalin ruled through terror" in text
