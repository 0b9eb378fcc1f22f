"""Comments on exact words of a draft, in a browser: the teacher selects three phrases (two
with the mouse, one with Shift and the arrow keys) and comments on each, releases and returns
the draft; the student sees the highlights, opens a comment from its words and goes back,
answers one, revises (words inserted before one phrase, another phrase deleted) and
resubmits; the comments follow their words, and the one whose words are gone says so.
Screenshots of the review page at 1366 and 390 px, light and dark."""

from playwright.sync_api import expect

from essays import feedback
from essays.models import FeedbackComment, Outline
from essays.services import draft_create
from tests.browser.states import check_state
from tests.essays.helpers import make_outline

PARAGRAPH = (
    "Stalin ruled through fear and a cult of personality (§1 ¶2), whereas Khrushchev "
    "denounced that cult in his secret speech and relaxed the terror (¶3). The difference "
    "shows how far the system could change."
)
REVISED = (
    "Both men led the same party. Stalin ruled through fear and a cult of personality "
    "(§1 ¶2), whereas Khrushchev relaxed the terror (¶3). The difference shows how far the "
    "system could change."
)
PHRASES = ("cult of personality", "denounced that cult in his secret speech", "how far the system")


def slug(key):
    return key.replace(":", "")


def draft_for_review(assignment, cast, student):
    outline = make_outline(assignment, student, cast)
    draft = draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)
    sections = list(draft.sections.all())
    for section in sections:
        section.paragraph = f"My own words about {section.heading}."
        section.save()
    body = next(s for s in sections if s.role == "body")
    body.paragraph = PARAGRAPH
    body.save()
    return feedback.outline_transition(outline=draft, action="submit"), body


def word_box(page, css, words):
    """The viewport box of `words` in the element `css`, found by walking its text nodes."""
    return page.evaluate(
        """([css, words]) => {
            const el = document.querySelector(css);
            const index = el.textContent.indexOf(words);
            const pointAt = (target) => {
                let total = 0;
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                for (let t = walker.nextNode(); t; t = walker.nextNode()) {
                    if (total + t.length > target) return [t, target - total];
                    total += t.length;
                }
            };
            const range = document.createRange();
            range.setStart(...pointAt(index));
            range.setEnd(...pointAt(index + words.length - 1));
            range.setEnd(range.endContainer, range.endOffset + 1);
            const rects = [...range.getClientRects()];
            const first = rects[0], last = rects.at(-1);
            return {left: first.left, top: first.top, bottom: first.bottom,
                    right: last.right, lastTop: last.top, lastBottom: last.bottom};
        }""",
        [css, words],
    )


def drag_select(page, css, words):
    box = word_box(page, css, words)
    page.mouse.move(box["left"] + 1, (box["top"] + box["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(box["right"] - 1, (box["lastTop"] + box["lastBottom"]) / 2, steps=8)
    page.mouse.up()


def comment_with_mouse(page, text_css, words, body):
    # As a person would: the page has finished its last swap (and moved focus after it)
    # before the next words are chosen.
    page.wait_for_load_state("networkidle")
    expect(
        page.locator(".htmx-request, .htmx-settling, .htmx-swapping, .htmx-added")
    ).to_have_count(0)
    drag_select(page, text_css, words)
    expect(page.locator(".annotate-button")).to_be_visible()
    assert page.evaluate("window.getSelection().toString()") == words
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator("#comment-words-text")).to_have_text(words)
    box = page.get_by_label("Comment", exact=True)
    expect(box).to_be_focused()
    box.fill(body)
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(".comment-mark", has_text=words).first).to_be_visible()


def test_teacher_comments_on_three_phrases_and_they_follow_the_student_s_revision(
    live_server, browser, log_in, shot, transactional_db, assignment, cast, student, teacher
):
    draft, body = draft_for_review(assignment, cast, student)
    text_css = f"#review-{slug(body.key)} .anchor-text"

    # --- the teacher comments on three phrases -----------------------------------------
    # Reduced motion: scrolling is instant, so the words are where the mouse is sent.
    page = browser.new_context(
        viewport={"width": 1366, "height": 1000}, reduced_motion="reduce"
    ).new_page()
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/outlines/{draft.pk}/review/")
    comment_with_mouse(page, text_css, PHRASES[0], "Name one act that built the cult.")
    comment_with_mouse(page, text_css, PHRASES[1], "Which year, and to whom?")

    # The third by keyboard: into the paragraph, caret to the phrase, Shift+arrows, Enter.
    page.bring_to_front()
    # As a keyboard user arrives: no pointer pressed in the last half second (a focus just
    # after a click is taken for the click's, whose caret the browser places).
    page.wait_for_timeout(600)
    page.locator(text_css).focus()
    expect(page.locator(text_css)).to_be_focused()
    page.keyboard.press("Home")
    for _ in range(PARAGRAPH.index(PHRASES[2])):
        page.keyboard.press("ArrowRight")
    for _ in range(len(PHRASES[2])):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("#comment-words-text")).to_have_text(PHRASES[2])
    expect(page.get_by_label("Comment", exact=True)).to_be_focused()
    page.keyboard.type("How far, exactly? Give a measure.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(".comment-mark", has_text=PHRASES[2])).to_be_visible()

    comments = {c.exact: c for c in FeedbackComment.objects.all()}
    assert sorted(comments) == sorted(PHRASES)
    for words, comment in comments.items():
        assert PARAGRAPH[comment.start : comment.end] == words
        assert comment.anchor_field == "paragraph" and comment.section_key == body.key

    # A click on the words opens their comment; "Show in text" goes back to them.
    page.locator(".comment-mark", has_text=PHRASES[1]).click()
    expect(page.locator(f"#comment-{comments[PHRASES[1]].pk}")).to_be_focused()
    page.locator(f"#comment-{comments[PHRASES[1]].pk}").get_by_role(
        "link", name="Show in text"
    ).click()
    expect(page.locator(".comment-mark", has_text=PHRASES[1])).to_be_focused()
    check_state(page, "review with comments on words")

    for name, options in [
        ("review-anchored-1366", {"viewport": {"width": 1366, "height": 1000}}),
        (
            "review-anchored-1366-dark",
            {"viewport": {"width": 1366, "height": 1000}, "color_scheme": "dark"},
        ),
        ("review-anchored-390", {"viewport": {"width": 390, "height": 844}, "is_mobile": True}),
        (
            "review-anchored-390-dark",
            {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "color_scheme": "dark"},
        ),
    ]:
        other = browser.new_context(**options).new_page()
        log_in(other, teacher.email)
        other.goto(f"{live_server.url}/outlines/{draft.pk}/review/#review-{slug(body.key)}")
        expect(other.locator(".comment-mark")).to_have_count(3)
        assert (
            other.evaluate("document.documentElement.scrollWidth") <= options["viewport"]["width"]
        )
        shot(other, name, full_page=False)  # the commented paragraph, at the top
        other.context.close()

    page.get_by_role("button", name=f"Release feedback to {student.display_name}").click()
    expect(
        page.get_by_role("button", name=f"Hide feedback from {student.display_name}")
    ).to_be_visible()
    page.get_by_role("button", name="Return for revision").click()
    page.wait_for_url(f"**/assignments/{assignment.pk}/submissions/")

    # --- the student sees the highlights, answers one, revises -------------------------
    mine = browser.new_context(viewport={"width": 1366, "height": 1000}).new_page()
    log_in(mine, student.email)
    mine.goto(f"{live_server.url}/drafts/{draft.pk}/")
    marks = mine.locator(".marked-words .comment-mark")
    expect(marks).to_have_count(3)
    mine.locator(".comment-mark", has_text=PHRASES[0]).click()
    card = mine.locator(f"#comment-{comments[PHRASES[0]].pk}")
    expect(card).to_be_focused()
    card.get_by_label("Your answer").fill("The 1949 birthday celebrations.")
    card.get_by_role("button", name="Addressed").click()
    expect(mine.locator(f"#comment-{comments[PHRASES[0]].pk}")).to_contain_text(
        "reply: “The 1949 birthday celebrations.”"
    )
    shot(mine, "draft-anchored-student-1366", full_page=False)
    check_state(mine, "the student's draft with comments on words")
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme="dark"
    ).new_page()
    log_in(phone, student.email)
    phone.goto(f"{live_server.url}/drafts/{draft.pk}/#para-{slug(body.key)}")
    expect(phone.locator(".marked-words .comment-mark")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "draft-anchored-student-390-dark", full_page=False)
    phone.context.close()

    mine.locator(f"#paragraph-{body.pk}").fill(REVISED)
    expect(mine.locator("#draft-status")).to_have_text("All changes saved.")
    mine.get_by_role("button", name="Resubmit to your teacher").click()
    anyway = mine.get_by_role("button", name="Resubmit anyway")
    expect(anyway.or_(mine.get_by_text("With your teacher now."))).to_be_visible()
    if anyway.count():  # the draft's checks still find something open: resubmit anyway
        anyway.click()
    expect(mine.get_by_text("With your teacher now.")).to_be_visible()

    # --- the comments followed their words ---------------------------------------------
    after = {c.pk: c for c in FeedbackComment.objects.all()}
    kept, lost, last = (after[comments[words].pk] for words in PHRASES)
    assert REVISED[kept.start : kept.end] == PHRASES[0] and kept.start > comments[PHRASES[0]].start
    assert REVISED[last.start : last.end] == PHRASES[2]
    assert lost.orphaned and not kept.orphaned and not last.orphaned
    assert kept.state == "addressed"  # the answer carried across the revision

    page.goto(f"{live_server.url}/outlines/{draft.pk}/review/")
    expect(page.locator(".comment-mark")).to_have_count(2)
    expect(page.locator(f"#comment-{lost.pk}")).to_contain_text(
        "The words it was about were changed"
    )
    page.goto(f"{live_server.url}/outlines/{draft.pk}/revisions/")
    expect(page.locator(".changes")).to_contain_text("Which year, and to whom?")
    shot(page, "revisions-orphaned-comment-1366", full_page=False)


def test_teacher_comments_on_words_of_an_outline_s_claim(
    live_server, browser, log_in, transactional_db, assignment, cast, student, teacher
):
    outline = make_outline(assignment, student, cast)
    section = next(s for s in outline.sections.all() if s.role == "body")
    section.claim = "Khrushchev trusted people more than Stalin ever did."
    section.save()
    outline = feedback.outline_transition(outline=outline, action="submit")
    page = browser.new_context(
        viewport={"width": 1366, "height": 1000}, reduced_motion="reduce"
    ).new_page()
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/outlines/{outline.pk}/review/")

    comment_with_mouse(
        page,
        f"#review-{slug(section.key)} .anchor-text[data-field=claim]",
        "trusted people",
        "Which people, and how do you know?",
    )

    comment = FeedbackComment.objects.get()
    assert (comment.anchor_field, comment.section_key, comment.exact) == (
        "claim",
        section.key,
        "trusted people",
    )
    row = page.locator(f"#review-{slug(section.key)}")
    expect(row.locator(".comment-mark")).to_have_text("trusted people")
    expect(row.locator(".feedback-comment")).to_contain_text("Which people, and how do you know?")
