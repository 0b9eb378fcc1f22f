"""A student flags, the teacher hides it from the moderation page, and the student's open
reading page loses the annotation on its next poll."""

from playwright.sync_api import expect

from tests.annotations.helpers import annotate


def test_flag_hide_and_the_open_page_loses_it(
    live_server, browser, log_in, shot, transactional_db, assignment, student, classmate, teacher
):
    annotate(assignment, student, body="Everyone in this class is clueless")
    reading_url = f"{live_server.url}/assignments/{assignment.pk}/"

    flagger = browser.new_context().new_page()
    log_in(flagger, classmate.email)
    flagger.goto(reading_url)
    card = flagger.locator(".annotation-card", has_text="Everyone in this class is clueless")
    expect(card).to_be_visible()
    card.get_by_role("link", name="Flag…").click()
    card.get_by_label("Unkind").check()
    card.get_by_role("button", name="Flag it").click()
    expect(card.get_by_text("You flagged this")).to_be_visible()
    # Focus stays on the card after flagging, and a focused card is never changed under the
    # reader (live.js): they move on to the text, as a reader would.
    flagger.locator("h1").click()

    moderator = browser.new_context().new_page()
    log_in(moderator, teacher.email)
    expect(moderator.get_by_role("link", name="Moderation 1 open flag")).to_be_visible()
    moderator.get_by_role("link", name="Moderation 1 open flag").click()
    moderator.get_by_role("link", name=assignment.classroom.name).click()
    row = moderator.locator(".mod-list").first.locator(".mod-row").first
    expect(row).to_contain_text("flagged by Cleo Classmate")
    shot(moderator, "moderation-queue", full_page=False)
    row.get_by_label("Reason the author will see").fill("Please keep it kind")
    row.get_by_role("button", name="Hide").click()
    done = moderator.locator(".mod-row.is-done").first
    expect(done).to_contain_text("Hid")
    expect(done.get_by_role("button", name="Undo")).to_be_visible()
    shot(moderator, "moderation-after-hide", full_page=False)

    # The flagger's page polls every five seconds and drops the hidden annotation.
    expect(flagger.locator(".annotation-card", has_text="clueless")).to_have_count(
        0, timeout=12_000
    )
    expect(flagger.locator("#p1 mark.highlight")).to_have_count(0)

    author = browser.new_context().new_page()
    log_in(author, student.email)
    author.goto(reading_url)
    expect(author.locator(".hidden-note")).to_contain_text("Please keep it kind")
    shot(author, "moderation-author-sees-reason", full_page=False)
