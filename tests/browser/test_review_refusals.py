"""A refusal on the review page, in a browser: the student's answer was taken back (another
tab reopened the comment) before the teacher pressed Confirm. The rule refuses, and the panel
says why in place; nothing is confirmed. Screenshots at 1366 and 390 px, light and dark."""

from playwright.sync_api import expect

from essays import feedback
from essays.models import NOTHING_TO_CONFIRM, FeedbackComment, Outline
from tests.browser.states import check_state
from tests.essays.helpers import make_outline


def test_confirming_an_answer_that_was_taken_back_is_refused_in_the_panel(
    live_server,
    browser,
    log_in,
    shot,
    console_errors,
    transactional_db,
    assignment,
    cast,
    student,
    teacher,
):
    outline = make_outline(assignment, student, cast)
    feedback.outline_transition(outline=outline, action="submit")
    comment = feedback.comment_add(
        outline=Outline.objects.for_editor().get(pk=outline.pk), author=teacher, body="Cite both."
    )
    feedback.outline_transition(outline=outline, action="return")
    feedback.outline_transition(outline=outline, action="submit")
    comment.answer(FeedbackComment.State.ADDRESSED, "Done: both are cited now.")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/outlines/{outline.pk}/review/")
    confirm = page.get_by_role("button", name="Confirm", exact=True)
    expect(confirm).to_be_visible()

    comment.reopen()  # meanwhile, in another tab
    console_errors.forgive("400")
    confirm.click()

    panel = page.locator("#review-panel")
    expect(panel.get_by_role("alert")).to_have_text(NOTHING_TO_CONFIRM)
    comment.refresh_from_db()
    assert comment.confirmed is False
    check_state(page, "review: confirm refused")
    for width in (1366, 390):
        for scheme in ("light", "dark"):
            page.set_viewport_size({"width": width, "height": 900})
            page.emulate_media(color_scheme=scheme)
            panel.get_by_role("alert").scroll_into_view_if_needed()
            shot(page, f"review-confirm-refused-{width}-{scheme}", full_page=False)
