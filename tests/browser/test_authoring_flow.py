"""A teacher assigns another teacher's comparison (their own copy, credited), removes a
paragraph a student wrote about, and the student's note stays, marked as no longer in the
text. Screenshots at 1366 and 390 px, light and dark."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from comparisons.models import Passage
from counterpoint.models import Assignment
from tests.annotations.helpers import annotate
from tests.factories import ComparisonFactory, comparison_with_content

SIZES = {"wide": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def test_a_copy_is_credited_and_a_removed_paragraph_leaves_its_note_orphaned(
    live_server,
    browser,
    log_in,
    shot,
    transactional_db,
    classroom,
    teacher,
    student,
    outsider_teacher,
):
    base = live_server.url
    theirs = comparison_with_content(outsider_teacher)

    page = browser.new_context(viewport=SIZES["wide"]).new_page()
    log_in(page, teacher.email)
    page.goto(f"{base}/classes/{classroom.pk}/")
    page.get_by_role("link", name="Assign a comparison").click()
    expect(page.get_by_text("your class gets your own copy of it")).to_be_visible()
    page.get_by_label("Comparison").select_option(label=theirs.title)
    due = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Due").fill(due)
    page.get_by_label("Essay question").fill("How far did Khrushchev break with Stalin?")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"Assigned your own copy of {theirs.title}")).to_be_visible()

    assignment = Assignment.objects.get()
    copy = assignment.comparison
    assert copy.based_on == theirs
    first = Passage.objects.filter(section__comparison=copy).order_by("section__order", "order")[0]
    annotate(assignment, student, passage=first, body="Fear kept people quiet.")

    page.goto(f"{base}/comparisons/{copy.pk}/edit/")
    credit = f"Based on “{theirs.title}” by {outsider_teacher.display_name}"
    expect(page.get_by_text(credit)).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action$='/passage/{first.pk}/delete/'] button").click()
    expect(page.locator(f"form[action$='/passage/{first.pk}/delete/']")).to_have_count(0)

    for scheme in ("light", "dark"):
        for size, viewport in SIZES.items():
            context = browser.new_context(color_scheme=scheme, viewport=viewport)
            reader = context.new_page()
            log_in(reader, student.email)
            reader.goto(f"{base}/assignments/{assignment.pk}/")
            expect(reader.get_by_text(credit)).to_be_visible()
            card = reader.locator(".annotation-card", has_text="Fear kept people quiet.")
            expect(card).to_contain_text("no longer in the text")
            expect(reader.locator("a[href='/comparisons/']")).to_have_count(0)
            card.scroll_into_view_if_needed()
            shot(reader, f"authoring-orphan-{size}-{scheme}", full_page=False)
            context.close()


def test_an_empty_subject_is_refused_at_its_field_and_said_once(
    live_server, page, log_in, transactional_db, teacher
):
    comparison = ComparisonFactory(author=teacher, is_published=False)
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/comparisons/{comparison.pk}/edit/")
    page.get_by_role("button", name="Add subject").click()

    name = page.locator("#id_subject-new-name")
    expect(name).to_have_attribute("aria-invalid", "true")
    error = page.locator("#id_subject-new-name_error")
    expect(error).to_be_visible()
    expect(name).to_have_accessible_description(error.inner_text())
    expect(page.locator("#announcer")).to_have_text(f"Not saved. {error.inner_text()}")
