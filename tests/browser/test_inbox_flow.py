"""A classmate replies to a student's note; the student sees the unread count in the
navigation, opens the inbox, follows the notification to the note, and the count goes down;
another is marked read with the keyboard alone. Screenshots of the inbox at 1366 and 390 px,
light and dark."""

import re
from pathlib import Path

from playwright.sync_api import expect

from annotations.services import annotation_create
from notifications.models import Notification
from tests.annotations.helpers import annotate, first_passage
from tests.browser.states import check_state
from tests.browser.test_keyboard_only import tab_to

SHOTS = Path("/tmp/shots-n19")


def _prompt(assignment, teacher):
    passage = first_passage(assignment)
    word = passage.text.split()[0]
    annotation_create(
        assignment=assignment,
        author=teacher,
        passage=passage,
        exact=word,
        prefix="",
        suffix=passage.text[len(word) : len(word) + 20],
        start=0,
        end=len(word),
        body="Which of them trusted the party more?",
        kind="question",
        subjects=[],
        dimension=None,
        tags=[],
        visibility="class",
        is_prompt=True,
    )


def snap(page, shot, name):
    shot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_student_hears_of_a_reply_and_follows_it_to_the_note(
    live_server, browser, log_in, shot, transactional_db, assignment, student, classmate, teacher
):
    note = annotate(assignment, student, body="Stalin ruled by fear", visibility="class")
    _prompt(assignment, teacher)
    base = live_server.url

    # The classmate replies on the reading page.
    theirs = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(theirs, classmate.email)
    theirs.goto(f"{base}/assignments/{assignment.pk}/")
    card = theirs.locator(f"#annotation-{note.pk}")
    card.locator("summary", has_text="Reply").click()
    card.locator("textarea[name=body]").fill("Fear, and paperwork.")
    card.get_by_role("button", name="Send reply").click()
    expect(card.locator(".replies")).to_contain_text("Fear, and paperwork.")

    # The student sees two unread in the navigation, announced with words.
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, student.email)
    inbox_link = page.get_by_role("link", name="Inbox (2 unread)")
    expect(inbox_link).to_be_visible()
    inbox_link.click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.locator("#inbox-count")).to_have_text("2 unread")
    items = page.locator(".inbox-item")
    expect(items.first).to_contain_text("Cleo Classmate replied to your note on ¶1")
    expect(page.locator("#inbox")).not_to_contain_text("Fear, and paperwork.")
    check_state(page, "inbox with two unread")
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            snap(page, shot, f"inbox-{width}-{scheme}")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(color_scheme="light")

    # Following it goes to the note's card, and the count goes down.
    page.get_by_role("link", name="Cleo Classmate replied to your note on ¶1", exact=False).click()
    page.wait_for_url(f"**/assignments/{assignment.pk}/#annotation-{note.pk}")
    expect(page.locator(f"#annotation-{note.pk}")).to_contain_text("Fear, and paperwork.")
    expect(page.get_by_role("link", name="Inbox (1 unread)")).to_be_visible()

    # The prompt's notification is marked read with the keyboard alone, in place.
    page.goto(f"{base}/inbox/")
    button = page.get_by_role("button", name=re.compile(r"^Mark as read\W+Ms Teacher posted"))
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.locator("#inbox-count")).to_have_text("Nothing unread")
    expect(page.locator("#nav-inbox")).to_have_text("Inbox")
    expect(page.locator("#announcer")).to_have_text("Marked as read.")
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused in ("inbox-count", "inbox"), focused
    check_state(page, "inbox with nothing unread")
    snap(page, shot, "inbox-read-1366-light")
    assert not Notification.objects.filter(recipient=student, read_at__isnull=True).exists()

    # The daily digest is chosen on the account page.
    page.goto(f"{base}/accounts/profile/")
    page.get_by_label("E-mail me a daily digest").check()
    page.get_by_role("button", name="Save e-mail choice").click()
    expect(page.get_by_text("You will get a daily e-mail")).to_be_visible()
    for width, scheme in ((1366, "light"), (390, "dark")):
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(color_scheme=scheme)
        snap(page, shot, f"account-digest-{width}-{scheme}")
