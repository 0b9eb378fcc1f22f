"""The review page: a draft's paragraphs with their citations linked to the text, each
comment beside the part it is about, "still open" only for earlier reviews, and the comment
bank filling the comment box (without JavaScript here; tests/browser for the script)."""

import re

import pytest
from django.urls import reverse

from essays import feedback
from essays.models import BankComment, FeedbackComment, Outline, Review
from essays.services import draft_create
from tests.essays.helpers import make_outline

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def outline(assignment, student, cast):
    return make_outline(assignment, student, cast)


@pytest.fixture
def draft(outline, student):
    """A submitted draft whose first body paragraph cites paragraphs 2 and 3 of the text."""
    draft = draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)
    sections = list(draft.sections.all())
    for section in sections:
        section.paragraph = f"My own words about {section.heading}."
        section.save()
    body = next(s for s in sections if s.role == "body")
    body.paragraph = "Stalin ruled by fear (§1 ¶2), whereas Khrushchev <b>relaxed</b> it (¶3)."
    body.save()
    return feedback.outline_transition(outline=draft, action="submit")


def review_url(work):
    return reverse("essays:review", args=[work.pk])


def review_rows(page):
    """{the row's id: its HTML}: each part of the document with the comments beside it."""
    parts = re.split(r'<div class="review-row" id="', page)[1:]
    return {part.split('"', 1)[0]: part for part in parts}


# --- a draft's review shows the essay --------------------------------------------------


def test_reviewing_a_draft_shows_its_paragraphs_with_citations_linked_to_the_text(
    client, draft, assignment, teacher
):
    client.force_login(teacher)

    page = client.get(review_url(draft)).content.decode()

    reading = reverse("comparisons:read", args=[assignment.pk])
    assert "Stalin ruled by fear" in page
    assert f'<a class="cited" href="{reading}#p2">§1 ¶2</a>' in page
    assert f'<a class="cited" href="{reading}#p3">¶3</a>' in page
    assert "&lt;b&gt;relaxed&lt;/b&gt;" in page  # the student's text is escaped
    for section in draft.sections.all():
        assert f"My own words about {section.heading}." in page or section.role == "body"


def test_each_comment_sits_beside_the_paragraph_it_is_about(client, draft, teacher):
    sections = list(draft.sections.all())
    first, last = sections[0], sections[-1]
    client.force_login(teacher)
    client.post(
        reverse("essays:review_comment", args=[draft.pk]),
        {"section_key": first.key, "body": "A strong opening."},
    )
    client.post(
        reverse("essays:review_comment", args=[draft.pk]),
        {"section_key": last.key, "body": "Answer the question here."},
    )

    rows = review_rows(client.get(review_url(draft)).content.decode())

    first_row, last_row = rows[f"review-{slug(first.key)}"], rows[f"review-{slug(last.key)}"]
    assert "A strong opening." in first_row and "Answer the question here." not in first_row
    assert "Answer the question here." in last_row and "A strong opening." not in last_row


def slug(key):
    from django.utils.text import slugify

    return slugify(key)


@pytest.mark.parametrize("comments", [1, 15])
def test_the_draft_review_query_count_does_not_grow_with_comments(
    client, draft, teacher, django_assert_num_queries, comments
):
    sections = list(draft.sections.all())
    for i in range(comments):
        feedback.comment_add(
            outline=draft, author=teacher, body=f"Note {i}", section_key=sections[i % 3].key
        )
    BankComment.objects.create(teacher=teacher, body="Cite the text.")
    feedback.rubric_for(draft.assignment)
    Review.objects.create(outline=draft)  # made on the first visit
    client.force_login(teacher)

    # session, user, the draft (assignment, class, comparison, author joined; with its
    # score total), its sections, their evidence, my roles; the rubric, its criteria, their
    # levels, the scores, the comments (authors joined), the review, the revisions; the
    # navigation's open-flag count; the bank
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(16):
        response = client.get(review_url(draft))

    assert response.content.decode().count('class="feedback-comment') == comments


# --- "still open from earlier reviews" ---------------------------------------------------


def test_a_comment_added_in_this_review_is_not_listed_as_still_open(client, outline, teacher):
    outline = feedback.outline_transition(outline=outline, action="submit")
    client.force_login(teacher)

    response = client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"section_key": "", "body": "Sharpen the thesis."},
        headers=HTMX,
    )

    page = response.content.decode()
    assert "Still open from earlier reviews" not in page
    assert page.count("Sharpen the thesis.") == 1


def test_after_a_resubmission_the_earlier_comment_is_still_open_and_a_new_one_is_not(
    client, outline, teacher
):
    outline = feedback.outline_transition(outline=outline, action="submit")
    feedback.comment_add(outline=outline, author=teacher, body="Sharpen the thesis.")
    feedback.outline_transition(outline=outline, action="return")
    outline = feedback.outline_transition(outline=outline, action="submit")
    feedback.comment_add(outline=outline, author=teacher, body="Better. Now the conclusion.")
    client.force_login(teacher)

    page = client.get(review_url(outline)).content.decode()

    still_open = page.split('id="open-heading"', 1)[1].split("</section>", 1)[0]
    assert "Sharpen the thesis." in still_open
    assert "Better. Now the conclusion." not in still_open


def test_earlier_reviews_are_comments_on_an_older_revision(outline, teacher):
    outline = feedback.outline_transition(outline=outline, action="submit")
    old = feedback.comment_add(outline=outline, author=teacher, body="Old.")
    feedback.outline_transition(outline=outline, action="return")
    outline = feedback.outline_transition(outline=outline, action="submit")
    new = feedback.comment_add(outline=outline, author=teacher, body="New.")
    latest = outline.revisions.order_by("-number").first()

    assert feedback.from_earlier_reviews([old, new], latest.pk) == [old]
    assert feedback.from_earlier_reviews([old, new], None) == [old, new]


# --- the comment bank without JavaScript -----------------------------------------------------


@pytest.fixture
def banked(teacher):
    return BankComment.objects.create(teacher=teacher, body="Quote the text for both leaders.")


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_insert_fills_the_comment_box_for_the_chosen_section_and_posts_nothing(
    client, outline, teacher, banked, headers
):
    section = outline.sections.all()[1]
    client.force_login(teacher)

    response = client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"section_key": section.key, "body": "Good start.", "insert": banked.pk},
        headers=headers,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Good start.\nQuote the text for both leaders.</textarea>" in page
    assert f'<option value="{section.key}" selected>' in page
    assert f'name="bank" value="{banked.pk}"' in page
    assert ("<html" in page) is not bool(headers)
    assert not FeedbackComment.objects.exists()
    banked.refresh_from_db()
    assert banked.uses == 0


def test_posting_the_filled_box_adds_the_edited_comment_and_counts_a_use(
    client, outline, teacher, banked
):
    client.force_login(teacher)
    section = outline.sections.all()[1]

    client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"section_key": section.key, "body": "Quote the text for Khrushchev.", "bank": banked.pk},
    )

    comment = FeedbackComment.objects.get()
    assert (comment.section_key, comment.body) == (section.key, "Quote the text for Khrushchev.")
    banked.refresh_from_db()
    assert banked.uses == 1


def test_another_teachers_bank_comment_cannot_be_inserted(client, outline, teacher, cast):
    from tests.factories import UserFactory

    theirs = BankComment.objects.create(teacher=UserFactory(), body="Private to them.")
    client.force_login(teacher)

    response = client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"section_key": "", "body": "", "insert": theirs.pk},
    )

    assert response.status_code == 404


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_empty_comment_keeps_the_page_and_says_what_to_do(client, outline, teacher, headers):
    section = outline.sections.all()[1]
    client.force_login(teacher)

    response = client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"section_key": section.key, "body": "  "},
        headers=headers,
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="review"' in page and "Write the comment first." in page
    assert f'<option value="{section.key}" selected>' in page
    assert not FeedbackComment.objects.exists()


def test_a_section_named_after_its_role_does_not_repeat_it_in_the_review(client, draft, teacher):
    client.force_login(teacher)

    page = client.get(review_url(draft)).content.decode()

    assert re.search(r">Introduction</h2>", page)
    assert '<span class="meta">Introduction</span>' not in page
    assert '<span class="meta">Body</span>' in page  # a dimension's section still says its role
