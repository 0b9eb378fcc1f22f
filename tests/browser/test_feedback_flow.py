"""Submit, comment and score, return, revise, resubmit, accept: both sides in the browser."""

from playwright.sync_api import expect

from tests.annotations.helpers import annotate
from tests.essays.helpers import outline_from


def make_outline(assignment, student):
    stalin = assignment.comparison.subjects.order_by("order").first()
    dimension = assignment.comparison.dimensions.order_by("order").first()
    note = annotate(assignment, student, subjects=[stalin], dimension=dimension)
    return outline_from(assignment, student, [f"annotation:{note.pk}"], [dimension.pk])


def test_submit_review_return_revise_resubmit_accept(
    live_server, browser, log_in, shot, transactional_db, assignment, student, teacher
):
    outline = make_outline(assignment, student)
    base = live_server.url

    pupil = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    log_in(pupil, student.email)
    pupil.goto(f"{base}/outlines/{outline.pk}/")
    pupil.get_by_role("button", name="Submit to your teacher").click()
    pupil.get_by_role("button", name="Submit anyway").click()  # past the open checks
    expect(pupil.get_by_text("With your teacher now.")).to_be_visible()

    marker = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    log_in(marker, teacher.email)
    marker.goto(f"{base}/assignments/{assignment.pk}/submissions/")
    marker.get_by_role("link", name="Submitted").click()
    marker.get_by_label("About", exact=True).select_option(label="Leadership style")
    marker.get_by_label("Comment", exact=True).fill("Add evidence about Khrushchev here.")
    marker.get_by_role("button", name="Add comment").click()
    expect(marker.locator("#review")).to_contain_text("Add evidence about Khrushchev here.")
    marker.get_by_role("group", name="Thesis and claims").get_by_label("Good (3)").check()
    expect(marker.locator("#rubric-heading")).to_contain_text("3/20")
    marker.get_by_role("button", name=f"Release feedback to {student.display_name}").click()
    expect(marker.locator("#review-panel")).to_contain_text("Released")
    shot(marker, "feedback-review-page", full_page=False)
    marker.get_by_role("button", name="Return for revision").click()
    expect(marker.get_by_text("Returned for revision.")).to_be_visible()

    pupil.reload()
    expect(pupil.get_by_text("Add evidence about Khrushchev here.")).to_be_visible()
    pupil.get_by_label("Your answer").fill("Added the collective leadership quote.")
    pupil.get_by_role("button", name="Addressed").click()
    expect(pupil.locator(".feedback-comment")).to_contain_text("Addressed")
    thesis = pupil.get_by_role("textbox", name="Your thesis, in one or two sentences")
    thesis.fill("Whereas Stalin ruled alone through terror, Khrushchev shared power at first.")
    thesis.blur()
    expect(pupil.locator("#outline-version")).not_to_have_value(str(outline.version))
    pupil.get_by_role("button", name="Resubmit to your teacher").click()
    pupil.get_by_role("button", name="Resubmit anyway").click()
    expect(pupil.get_by_text("Resubmitted.")).to_be_visible()
    pupil.get_by_role("link", name="History").click()
    expect(pupil.locator(".changes")).to_contain_text("Thesis")
    shot(pupil, "feedback-history", full_page=False)

    marker.goto(f"{base}/outlines/{outline.pk}/review/")
    expect(marker.get_by_text("Still open from earlier reviews")).to_be_visible()
    marker.get_by_role("button", name="Confirm").click()
    marker.get_by_role("button", name="Accept").click()
    expect(marker.get_by_text("Accepted.")).to_be_visible()
    expect(marker.locator("table.submissions")).to_contain_text("Accepted")
    shot(marker, "feedback-submissions", full_page=False)
