"""The live annotation panel can be paused (WCAG 2.2.2), and never replaces a card under the
reader: a card with focus keeps its old version, with a notice, until focus leaves it."""

from django.utils import timezone
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.annotations.helpers import annotate

POLL = 5_000  # the panel polls every 5 s


def open_reading_page(page, live_server, assignment):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/")
    expect(page.locator("#annotation-panel")).to_be_visible()


def test_pausing_live_updates_holds_new_notes_back_and_is_remembered(
    live_server, page, log_in, shot, transactional_db, assignment, student, classmate
):
    log_in(page, student.email)
    open_reading_page(page, live_server, assignment)
    pause = page.get_by_label("Pause live updates")
    pause.check()
    expect(page.locator("#announcer")).to_have_text("Live updates paused.")

    annotate(assignment, classmate, body="Arrived while the panel was paused.")
    page.wait_for_timeout(POLL + 2_000)
    expect(page.get_by_text("Arrived while the panel was paused.")).to_have_count(0)

    page.reload()
    expect(page.get_by_label("Pause live updates")).to_be_checked()
    shot(page, "live-paused", full_page=False)
    page.get_by_label("Pause live updates").uncheck()
    expect(page.get_by_text("Arrived while the panel was paused.")).to_be_visible(
        timeout=POLL + 3_000
    )


def test_a_card_with_focus_is_not_replaced_until_focus_leaves_it(
    live_server, page, log_in, shot, transactional_db, assignment, student, classmate
):
    note = annotate(assignment, classmate, body="The first version of the note.")
    log_in(page, student.email)
    open_reading_page(page, live_server, assignment)
    card = page.locator(f"#annotation-{note.pk}")
    card.locator("summary", has_text="Reply").focus()

    Annotation.objects.filter(pk=note.pk).update(
        body="The second version of the note.", updated_at=timezone.now()
    )
    expect(card.locator(".live-waiting")).to_be_visible(timeout=POLL + 3_000)
    expect(card).to_contain_text("The first version of the note.")
    expect(card.locator("summary", has_text="Reply")).to_be_focused()
    shot(page, "live-card-waiting", full_page=False)

    page.get_by_label("Pause live updates").focus()
    expect(page.locator(f"#annotation-{note.pk}")).to_contain_text("The second version")
    expect(page.locator(".live-waiting")).to_have_count(0)
