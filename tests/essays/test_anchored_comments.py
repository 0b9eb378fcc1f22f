"""Comments on exactly some words (essays/anchored.py): checking a target against the text,
following the words through a revision, orphaning a comment whose words were deleted, keeping
its open/addressed state, and drawing the marks and citation links."""

import re

import pytest

from annotations import anchoring
from essays import anchored, feedback
from essays.models import FeedbackComment, Outline
from essays.services import draft_create
from tests.essays.helpers import make_outline

pytestmark = pytest.mark.django_db

PARAGRAPH = "Stalin ruled by fear (§1 ¶2), whereas Khrushchev relaxed the terror (¶3)."


@pytest.fixture
def outline(assignment, student, cast):
    outline = make_outline(assignment, student, cast)
    outline.thesis = "Khrushchev kept the system but dropped the mass terror."
    outline.save()
    return outline


@pytest.fixture
def draft(outline, student):
    """A submitted draft whose first body paragraph is PARAGRAPH."""
    draft = draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)
    body = next(s for s in draft.sections.all() if s.role == "body")
    body.paragraph = PARAGRAPH
    body.save()
    return feedback.outline_transition(outline=draft, action="submit")


def body_of(work):
    return next(s for s in work.sections.all() if s.role == "body")


def target(text, words, field, section_key=""):
    start = text.index(words)
    selector = anchoring.selector_for(text, start, start + len(words))
    return {"field": field, "section_key": section_key, "selector": anchoring.to_w3c(selector)}


def comment_on(work, teacher, words, field="paragraph", section=None, text=PARAGRAPH):
    section_key = "" if field == "thesis" else (section or body_of(work)).key
    checked = anchored.parse_target(work, target(text, words, field, section_key))
    return feedback.comment_add(outline=work, author=teacher, body="Say more.", target=checked)


def revise(work, paragraph):
    """The teacher returns the draft, the student rewrites the body paragraph, resubmits."""
    feedback.outline_transition(outline=work, action="return")
    body = body_of(work)
    body.paragraph = paragraph
    body.save()
    return feedback.outline_transition(outline=work, action="submit")


def placed(comment):
    comment = FeedbackComment.objects.get(pk=comment.pk)
    work = Outline.objects.for_editor().get(pk=comment.outline_id)
    anchored.place(work, [comment])
    return comment


# --- following the words ---------------------------------------------------------------


def test_a_comment_follows_its_words_when_the_revision_inserts_words_before_them(draft, teacher):
    comment = comment_on(draft, teacher, "relaxed the terror")
    revised = "In 1956 everything changed. " + PARAGRAPH

    revise(draft, revised)

    comment.refresh_from_db()
    assert not comment.orphaned
    assert revised[comment.start : comment.end] == "relaxed the terror"
    assert comment.start == PARAGRAPH.index("relaxed") + len("In 1956 everything changed. ")
    assert comment.prefix == revised[comment.start - anchoring.CONTEXT : comment.start]


def test_a_comment_whose_words_were_deleted_is_orphaned_and_kept(draft, teacher):
    comment = comment_on(draft, teacher, "relaxed the terror")

    revise(draft, "Stalin ruled by fear (§1 ¶2). Khrushchev was different.")

    comment = placed(comment)
    assert comment.orphaned and anchored.is_orphaned(comment)
    assert comment.exact == "relaxed the terror"  # what it was about, to show beside the diff
    assert FeedbackComment.objects.filter(pk=comment.pk).exists()


def test_an_orphaned_comment_stays_orphaned_even_if_the_words_come_back(draft, teacher):
    comment = comment_on(draft, teacher, "relaxed the terror")
    revise(draft, "Something else entirely, about other things.")

    revise(draft, PARAGRAPH)

    assert placed(comment).orphaned


def test_while_the_student_revises_the_comment_is_found_in_the_unsaved_revision(draft, teacher):
    comment = comment_on(draft, teacher, "ruled by fear")
    feedback.outline_transition(outline=draft, action="return")
    body = body_of(draft)
    body.paragraph = "Before the war, " + PARAGRAPH
    body.save()

    comment = placed(comment)

    assert comment.anchor.exact == "ruled by fear"
    assert comment.anchor.start == len("Before the war, ") + PARAGRAPH.index("ruled")
    assert anchored.as_w3c(comment)["selector"][1]["start"] == comment.anchor.start
    assert not FeedbackComment.objects.get(pk=comment.pk).orphaned  # stored at resubmission


def test_the_answer_and_its_state_carry_across_the_revision(draft, teacher):
    comment = comment_on(draft, teacher, "relaxed the terror")
    comment.state, comment.student_reply = FeedbackComment.State.ADDRESSED, "I explain it now."
    comment.save()

    revise(draft, "Later: " + PARAGRAPH)

    comment.refresh_from_db()
    assert comment.state == FeedbackComment.State.ADDRESSED
    assert comment.student_reply == "I explain it now."


def test_a_thesis_comment_follows_the_thesis(outline, teacher):
    outline = feedback.outline_transition(outline=outline, action="submit")
    thesis = "Khrushchev kept the system but dropped the mass terror."
    comment = comment_on(outline, teacher, "dropped the mass terror", field="thesis", text=thesis)
    feedback.outline_transition(outline=outline, action="return")
    Outline.objects.filter(pk=outline.pk).update(thesis="In short, " + thesis)

    feedback.outline_transition(outline=outline, action="submit")

    comment.refresh_from_db()
    assert ("In short, " + thesis)[comment.start : comment.end] == "dropped the mass terror"


# --- checking a target -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"field": "claim"}, "Choose the words in “thesis”, “paragraph”."),
        ({"section_key": "nope"}, "That section is not part of this essay draft."),
        ({"selector": "relaxed"}, anchoring.NOT_A_LIST),
        ({"selector": [{"type": "TextQuoteSelector", "exact": "x"}] * 5}, anchoring.NOT_A_LIST),
        (
            {"selector": [{"type": "TextPositionSelector", "start": 0, "end": 3}]},
            anchoring.NO_QUOTE,
        ),
        ({"selector": [{"type": "TextQuoteSelector", "exact": "Stalin"}]}, anchoring.NO_POSITION),
        (
            {
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "Khrushchev"},
                    {"type": "TextPositionSelector", "start": 0, "end": 10},
                ]
            },
            anchoring.MISMATCH,
        ),
        (
            {
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "x" * 3000},
                    {"type": "TextPositionSelector", "start": 0, "end": 3000},
                ]
            },
            anchoring.OUT_OF_RANGE,
        ),
        (
            {
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "Stalin"},
                    {"type": "TextPositionSelector", "start": True, "end": 6},
                ]
            },
            anchoring.NOT_A_POSITION,
        ),
    ],
)
def test_a_bad_target_is_refused_with_a_message(draft, change, message):
    raw = {**target(PARAGRAPH, "relaxed", "paragraph", body_of(draft).key), **change}

    with pytest.raises(anchored.TargetError) as refusal:
        anchored.parse_target(draft, raw)

    assert refusal.value.message == message


def test_the_thesis_takes_no_section(outline):
    raw = target(outline.thesis, "mass terror", "thesis", body_of(outline).key)

    with pytest.raises(anchored.TargetError) as refusal:
        anchored.parse_target(outline, raw)

    assert refusal.value.message == anchored.THESIS_HAS_NO_SECTION


def test_line_ends_count_as_the_page_counts_them(draft, teacher):
    body = body_of(draft)
    body.paragraph = "First line.\r\nSecond line here."
    body.save()
    shown = "First line.\nSecond line here."

    checked = anchored.parse_target(draft, target(shown, "line here", "paragraph", body.key))

    # 19 in the text as shown; the stored text, with its CR, would say 20.
    assert (checked.selector.start, checked.selector.exact) == (19, "line here")


# --- drawing -----------------------------------------------------------------------------


def test_the_marked_text_keeps_the_text_and_links_words_and_citations(draft, teacher):
    comment = comment_on(draft, teacher, "(§1 ¶2), whereas")
    inner = comment_on(draft, teacher, "whereas")
    comments = [comment, inner]
    anchored.place(draft, comments)
    marks = anchored.marks_for(draft, comments)[("paragraph", body_of(draft).key)]

    html = anchored.marked_html(PARAGRAPH, marks, reading_url="/read/1/")

    assert '<a class="cited" href="/read/1/#p2">§1 ¶2</a>' in html
    assert f'href="#comment-{inner.pk}" data-comments="{inner.pk} {comment.pk}"' in html
    assert f'id="mark-{comment.pk}"' in html and f'id="mark-{inner.pk}"' in html
    assert re.sub(r"</?(a|span)\b[^>]*>", "", html) == PARAGRAPH  # the page's text content


def test_the_student_s_words_are_escaped(draft):
    html = anchored.marked_html("<script>alert(1)</script> ¶4", [], reading_url="/r/")

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a class="cited" href="/r/#p4">¶4</a>' in html


def test_citations_are_listed_once_each_in_order():
    assert anchored.citations("A (§1 ¶2), B (¶3) and again (¶2).") == [("§1 ¶2", "2"), ("¶3", "3")]
