"""The review page in a browser: the comment bank fills the comment box at the cursor for
the chosen section; a draft is reviewed beside its paragraphs, citations leading to the
text; submitting with open checks asks first. Screenshots at 1366 and 390 px, light and dark."""

from playwright.sync_api import expect

from essays import feedback
from essays.models import BankComment, FeedbackComment, Outline
from essays.services import draft_create
from tests.essays.helpers import make_outline


def watch_console(page):
    """Errors in the console (the browser's own request for /favicon.ico aside)."""
    problems = []

    def seen(message):
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(f"{message.text} @ {message.location}")

    page.on("console", seen)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_the_comment_bank_fills_the_box_for_the_chosen_section_to_edit_then_post(
    live_server, browser, log_in, shot, transactional_db, assignment, cast, student, teacher
):
    outline = feedback.outline_transition(
        outline=make_outline(assignment, student, cast), action="submit"
    )
    banked = BankComment.objects.create(teacher=teacher, body="Quote the text for both leaders.")
    section = outline.sections.all()[1]
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    problems = watch_console(page)
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/outlines/{outline.pk}/review/")

    page.get_by_label("About", exact=True).select_option(value=section.key)
    box = page.get_by_label("Comment", exact=True)
    box.fill("Good start. Next:")
    page.get_by_role("button", name="Insert “Quote the text for both leaders.”").click()

    expect(box).to_have_value("Good start. Next: Quote the text for both leaders.")
    expect(box).to_be_focused()
    expect(page.get_by_label("About", exact=True)).to_have_value(section.key)
    assert not FeedbackComment.objects.exists()  # nothing posted yet

    box.press("End")
    box.type(" Which one shows it best?")
    page.get_by_role("button", name="Add comment").click()

    row = page.locator(f"#review-{section.key.replace(':', '')}")
    expect(row).to_contain_text("Which one shows it best?")
    comment = FeedbackComment.objects.get()
    assert comment.section_key == section.key
    assert comment.body.endswith("both leaders. Which one shows it best?")
    banked.refresh_from_db()
    assert banked.uses == 1
    # After the swap the bank still fills the box (the script listens on the document).
    page.get_by_role("button", name="Insert “Quote the text for both leaders.”").click()
    expect(box).to_have_value("Quote the text for both leaders.")
    assert problems == []
    # Last: Playwright's screenshot leaves empty style attributes that htmx would copy.
    shot(page, "review-bank-inserted", full_page=False)


def draft_under_review(assignment, cast, student, teacher):
    outline = make_outline(assignment, student, cast)
    draft = draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)
    sections = list(draft.sections.all())
    for section in sections:
        section.paragraph = (
            f"{section.heading}: Stalin ruled through fear and a cult of personality (§1 ¶2), "
            "whereas Khrushchev denounced that cult in his secret speech and relaxed the "
            "terror (¶3). The difference shows how far the system could change."
        )
        section.save()
    draft = feedback.outline_transition(outline=draft, action="submit")
    feedback.comment_add(
        outline=draft, author=teacher, body="A clear opening.", section_key=sections[0].key
    )
    feedback.comment_add(
        outline=draft,
        author=teacher,
        body="Say why the secret speech matters here.",
        section_key=sections[2].key,
    )
    return draft, sections


def test_a_draft_is_reviewed_beside_its_paragraphs(
    live_server, browser, log_in, shot, transactional_db, assignment, cast, student, teacher
):
    draft, sections = draft_under_review(assignment, cast, student, teacher)
    for name, options in [
        ("review-draft-1366", {"viewport": {"width": 1366, "height": 1000}}),
        ("review-draft-390", {"viewport": {"width": 390, "height": 844}, "is_mobile": True}),
        (
            "review-draft-1366-dark",
            {"viewport": {"width": 1366, "height": 1000}, "color_scheme": "dark"},
        ),
    ]:
        page = browser.new_context(**options).new_page()
        problems = watch_console(page)
        log_in(page, teacher.email)
        page.goto(f"{live_server.url}/outlines/{draft.pk}/review/")
        third = page.locator(f"#review-{sections[2].key.replace(':', '')}")
        expect(third).to_contain_text("Say why the secret speech matters here.")
        expect(third).to_contain_text("whereas Khrushchev denounced that cult")
        comment_box = third.locator(".feedback-comment").bounding_box()
        text_box = third.locator(".review-text").bounding_box()
        if options["viewport"]["width"] > 1000:  # beside its paragraph, level with it
            assert comment_box["x"] > text_box["x"] + text_box["width"] - 1
            assert abs(comment_box["y"] - text_box["y"]) < 80
        else:  # under it on a phone
            assert comment_box["y"] > text_box["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= options["viewport"]["width"]
        shot(page, name)
        assert problems == []

    third.get_by_role("link", name="¶3").click()
    page.wait_for_url(f"**/assignments/{assignment.pk}/#p3")
    expect(page.locator("#p3")).to_be_visible()


def test_submitting_with_open_checks_asks_first_in_place(
    live_server, browser, log_in, shot, transactional_db, assignment, cast, student
):
    outline = make_outline(assignment, student, cast)
    for width, scheme in [(1366, "light"), (390, "dark")]:
        page = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme
        ).new_page()
        problems = watch_console(page)
        log_in(page, student.email)
        page.goto(f"{live_server.url}/outlines/{outline.pk}/")
        page.get_by_role("button", name="Submit to your teacher").click()
        question = page.locator("#submit-open")
        expect(question).to_contain_text("still find")
        expect(question).to_be_focused()
        assert question.locator("li").count() >= 1
        shot(page, f"submit-confirm-{width}-{scheme}", full_page=False)
        assert Outline.objects.get(pk=outline.pk).status == Outline.Status.DRAFT
        assert problems == []
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.get_by_text("With your teacher now.")).to_be_visible()
    assert Outline.objects.get(pk=outline.pk).status == Outline.Status.SUBMITTED


def test_the_dashboard_and_the_submissions_page_show_drafts_and_one_score(
    live_server, browser, log_in, shot, transactional_db, assignment, cast, student, teacher
):
    draft, _ = draft_under_review(assignment, cast, student, teacher)
    outline = draft.source
    criteria = list(feedback.rubric_for(assignment).criteria.all())
    for work in (outline, draft):
        for criterion in criteria:
            feedback.score_set(outline=work, level=criterion.levels.get(points=3))
    feedback.outline_transition(outline=outline, action="submit")
    for name, options in [
        ("dashboard-drafts-1366", {"viewport": {"width": 1366, "height": 900}}),
        (
            "dashboard-drafts-390-dark",
            {"viewport": {"width": 390, "height": 844}, "color_scheme": "dark"},
        ),
    ]:
        page = browser.new_context(**options).new_page()
        problems = watch_console(page)
        log_in(page, teacher.email)
        page.goto(f"{live_server.url}/classes/{assignment.classroom_id}/dashboard/")
        row = page.locator(f"#student-{student.pk}")
        expect(row).to_contain_text("Submitted")
        expect(row).to_contain_text("15/20")
        row.scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth") <= options["viewport"]["width"]
        shot(page, name, full_page=False)
        page.goto(f"{live_server.url}/assignments/{assignment.pk}/submissions/")
        expect(page.locator("table.submissions")).to_contain_text("15/20 ")
        assert "30/20" not in page.content()
        shot(page, name.replace("dashboard", "submissions"), full_page=False)
        assert problems == []
