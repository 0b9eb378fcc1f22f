"""Comments on exact words through the pages: the review form's target inputs (what
anchored-comments.js fills), the marks in the review and in the student's own editor once
released, citations linked for the student, and orphaned comments beside the revision diff."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotations import anchoring
from essays import feedback
from essays.models import FeedbackComment, Outline, Review
from tests.essays.test_anchored_comments import (
    PARAGRAPH,
    body_of,
    comment_on,
    draft,
    outline,
    revise,
)

pytestmark = pytest.mark.django_db
__all__ = ["draft", "outline"]  # fixtures

HTMX = {"HX-Request": "true"}


def form_for(work, words, body="Say why.", **change):
    start = PARAGRAPH.index(words)
    selector = anchoring.selector_for(PARAGRAPH, start, start + len(words))
    data = {
        "body": body,
        "section_key": "",
        "target_field": "paragraph",
        "target_section": body_of(work).key,
        "target_exact": selector.exact,
        "target_prefix": selector.prefix,
        "target_suffix": selector.suffix,
        "target_start": str(selector.start),
        "target_end": str(selector.end),
    }
    data.update(change)
    return data


def comment_url(work):
    return reverse("essays:review_comment", args=[work.pk])


def release(work):
    Review.objects.update_or_create(outline=work, defaults={"released_at": timezone.now()})


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_review_form_comments_on_the_selected_words(client, draft, teacher, headers):
    client.force_login(teacher)

    response = client.post(
        comment_url(draft), form_for(draft, "relaxed the terror"), headers=headers
    )

    assert response.status_code == (200 if headers else 302)
    comment = FeedbackComment.objects.get()
    assert (comment.anchor_field, comment.section_key) == ("paragraph", body_of(draft).key)
    assert PARAGRAPH[comment.start : comment.end] == "relaxed the terror"
    page = client.get(reverse("essays:review", args=[draft.pk])).content.decode()
    assert f'href="#comment-{comment.pk}" data-comments="{comment.pk}"' in page
    assert f'id="mark-{comment.pk}"' in page
    assert "On the words</span> “relaxed the terror”" in page


def test_stale_words_keep_the_comment_text_and_say_what_to_do(client, draft, teacher):
    client.force_login(teacher)

    response = client.post(
        comment_url(draft), form_for(draft, "relaxed", target_exact="softened"), headers=HTMX
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert anchoring.MISMATCH.replace("'", "&#x27;") in page
    assert ">Say why.</textarea>" in page
    assert not FeedbackComment.objects.exists()


def test_an_empty_comment_keeps_the_chosen_words(client, draft, teacher):
    client.force_login(teacher)

    response = client.post(comment_url(draft), form_for(draft, "relaxed", body=" "), headers=HTMX)

    assert response.status_code == 422
    assert 'name="target_exact" value="relaxed"' in response.content.decode()


def test_only_the_class_s_teachers_comment_on_words(client, draft, student, classmate):
    for user, code in ((student, 403), (classmate, 404)):
        client.force_login(user)
        assert client.post(comment_url(draft), form_for(draft, "relaxed")).status_code == code
    assert not FeedbackComment.objects.exists()


def test_the_form_needs_its_csrf_token(draft, teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    assert client.post(comment_url(draft), form_for(draft, "relaxed")).status_code == 403


def test_the_student_sees_the_marks_in_their_own_words_only_once_released(
    client, draft, teacher, student
):
    comment = comment_on(draft, teacher, "relaxed the terror")
    feedback.outline_transition(outline=draft, action="return")
    client.force_login(student)
    url = reverse("essays:draft", args=[draft.pk])

    before = client.get(url).content.decode()
    release(draft)
    after = client.get(url).content.decode()

    assert "comment-mark" not in before and "Say more." not in before
    assert f'href="#comment-{comment.pk}"' in after
    assert "Your teacher commented on these words of your paragraph" in after
    assert f'href="#mark-{comment.pk}">Show in text</a>' in after
    assert f'action="{reverse("essays:comment_reply", args=[draft.pk, comment.pk])}"' in after


def test_the_student_s_citations_link_to_the_paragraphs_of_the_text(
    client, draft, student, assignment
):
    client.force_login(student)

    page = client.get(reverse("essays:draft", args=[draft.pk])).content.decode()

    reading = reverse("comparisons:read", args=[assignment.pk])
    assert f'<a class="cited" href="{reading}#p2" title="Paragraph 2 of the text">§1 ¶2</a>' in page
    assert f'href="{reading}#p3"' in page


def test_an_outline_thesis_comment_is_marked_in_the_student_s_outline(
    client, outline, teacher, student
):
    outline = feedback.outline_transition(outline=outline, action="submit")
    comment = comment_on(outline, teacher, "mass terror", field="thesis", text=outline.thesis)
    feedback.outline_transition(outline=outline, action="return")
    release(outline)
    client.force_login(student)

    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    assert f'data-comments="{comment.pk}"' in page
    assert "commented on these words of your thesis" in page


def test_an_orphaned_comment_sits_beside_the_change_in_the_history(client, draft, teacher, student):
    comment_on(draft, teacher, "relaxed the terror")
    revise(draft, "Stalin ruled by fear (§1 ¶2). Khrushchev was different.")
    url = reverse("essays:revisions", args=[draft.pk])

    client.force_login(teacher)
    teacher_page = client.get(url).content.decode()
    client.force_login(student)
    hidden = client.get(url).content.decode()
    release(draft)
    shown = client.get(url).content.decode()

    change = teacher_page.split(f"{body_of(draft).heading}: paragraph", 1)[1].split("</li>")[0]
    assert "The words it was about were changed" in change and "relaxed the terror" in change
    assert "Say more." not in hidden
    assert "Say more." in shown


def test_the_review_marks_cost_no_extra_queries(client, draft, teacher, django_assert_num_queries):
    for words in ("ruled by fear", "relaxed the terror", "whereas"):
        comment_on(draft, teacher, words)
    feedback.rubric_for(draft.assignment)
    Review.objects.create(outline=draft)
    client.force_login(teacher)

    # as tests/essays/test_review_page.py counts them (16, the bank's query and the
    # navigation's unread count included): the words are found in the sections the page
    # already loaded
    with django_assert_num_queries(16):
        response = client.get(reverse("essays:review", args=[draft.pk]))

    assert response.content.decode().count('class="comment-mark') == 3
    assert Outline.objects.get(pk=draft.pk).comments.filter(orphaned=False).count() == 3


def test_after_a_resubmission_open_comments_lead_to_their_words_or_say_they_changed(
    client, draft, teacher
):
    kept = comment_on(draft, teacher, "ruled by fear")
    comment_on(draft, teacher, "relaxed the terror")
    revise(draft, "Stalin ruled by fear (§1 ¶2). Khrushchev was different.")
    client.force_login(teacher)

    page = client.get(reverse("essays:review", args=[draft.pk])).content.decode()

    still_open = page.split('id="open-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="#mark-{kept.pk}">on the words “ruled by fear”</a>' in still_open
    assert "the words it was about were changed" in still_open
    assert page.count('class="comment-mark') == 1
