"""/api/v1/outlines/{id}/comments/ and /api/v1/drafts/{id}/comments/ with a `target`: exactly
which words a comment is about, where they are now, and `orphaned` once a revision removed
them. Only the class's teachers comment; the author reads comments once they are released."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from annotations import anchoring
from essays import feedback
from essays.models import FeedbackComment, Review
from tests.essays.test_anchored_comments import PARAGRAPH, body_of, draft, outline, revise, target

pytestmark = pytest.mark.django_db
__all__ = ["draft", "outline"]  # fixtures


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def comments_url(work):
    kind = "drafts" if work.kind == "draft" else "outlines"
    return f"/api/v1/{kind}/{work.pk}/comments/"


def post_target(user, work, words="relaxed the terror", **change):
    data = {
        "body": "Why did he?",
        "target": {**target(PARAGRAPH, words, "paragraph", body_of(work).key), **change},
    }
    return api(user).post(comments_url(work), data, format="json")


def release(work):
    Review.objects.update_or_create(outline=work, defaults={"released_at": timezone.now()})


def test_a_teacher_comments_on_words_in_a_draft_paragraph(draft, teacher):
    response = post_target(teacher, draft)

    assert response.status_code == 201
    data = response.json()
    start = PARAGRAPH.index("relaxed the terror")
    assert data["target"] == {
        "field": "paragraph",
        "section_key": body_of(draft).key,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": "relaxed the terror",
                "prefix": PARAGRAPH[start - anchoring.CONTEXT : start],
                "suffix": " (¶3).",
            },
            {"type": "TextPositionSelector", "start": start, "end": start + 18},
        ],
    }
    assert data["orphaned"] is False
    assert data["section_key"] == body_of(draft).key


def test_a_teacher_comments_on_words_in_an_outline_claim(outline, teacher):
    section = body_of(outline)
    section.claim = "Khrushchev trusted people more than Stalin did."
    section.save()
    data = {
        "body": "How do you know?",
        "target": target(section.claim, "trusted people", "claim", section.key),
    }

    response = api(teacher).post(comments_url(outline), data, format="json")

    assert response.status_code == 201
    assert response.json()["target"]["selector"][1] == {
        "type": "TextPositionSelector",
        "start": 11,
        "end": 25,
    }


def test_a_comment_without_a_target_reads_target_null(draft, teacher):
    response = api(teacher).post(comments_url(draft), {"body": "Good."}, format="json")

    assert response.status_code == 201
    assert response.json()["target"] is None and response.json()["orphaned"] is False


def test_words_that_do_not_match_the_text_are_a_400_that_says_why(draft, teacher):
    selector = [
        {"type": "TextQuoteSelector", "exact": "mercy"},
        {"type": "TextPositionSelector", "start": 0, "end": 5},
    ]

    response = post_target(teacher, draft, selector=selector)

    assert response.status_code == 400
    assert response.json() == {"target": [anchoring.MISMATCH]}
    assert not FeedbackComment.objects.exists()


def test_a_paragraph_target_on_an_outline_is_a_400(outline, teacher):
    data = {"body": "x", "target": {"field": "paragraph", "section_key": "", "selector": []}}

    response = api(teacher).post(comments_url(outline), data, format="json")

    assert response.status_code == 400
    assert response.json() == {"target": ["Choose the words in “thesis”, “claim”, “reasoning”."]}


def test_a_deeply_nested_target_is_a_400_not_a_500(draft, teacher):
    nested = "[" * 5000 + "]" * 5000
    body = '{"body": "x", "target": {"field": "paragraph", "selector": ' + nested + "}}"

    response = api(teacher).post(comments_url(draft), body, content_type="application/json")

    assert response.status_code == 400


def test_the_author_cannot_comment_on_their_own_words(draft, student):
    assert post_target(student, draft).status_code == 403


def test_a_classmate_and_another_class_s_teacher_get_404(draft, classmate, outsider_teacher):
    assert post_target(classmate, draft).status_code == 404
    assert post_target(outsider_teacher, draft).status_code == 404
    assert api(classmate).get(comments_url(draft)).status_code == 404


def test_the_author_sees_anchored_comments_only_once_released(draft, teacher, student):
    post_target(teacher, draft)

    before = api(student).get(comments_url(draft))
    release(draft)
    after = api(student).get(comments_url(draft))

    assert before.status_code == 200 and before.json() == []
    assert after.status_code == 200
    assert after.json()[0]["target"]["selector"][0]["exact"] == "relaxed the terror"


def test_reads_give_the_words_where_they_are_now_and_orphaned_once_gone(draft, teacher):
    kept = post_target(teacher, draft, "ruled by fear").json()["id"]
    lost = post_target(teacher, draft, "relaxed the terror").json()["id"]

    revise(draft, "In short, Stalin ruled by fear (§1 ¶2). Khrushchev did not.")
    data = {c["id"]: c for c in api(teacher).get(comments_url(draft)).json()}

    assert data[kept]["orphaned"] is False
    assert data[kept]["target"]["selector"][1]["start"] == len("In short, Stalin ")
    assert data[lost]["orphaned"] is True
    assert data[lost]["target"]["selector"][0]["exact"] == "relaxed the terror"


def test_the_author_answers_an_anchored_comment_and_the_answer_keeps_its_target(
    draft, teacher, student
):
    comment = post_target(teacher, draft).json()["id"]
    release(draft)
    feedback.outline_transition(outline=draft, action="return")

    response = api(student).post(
        f"{comments_url(draft)}{comment}/reply/",
        {"state": "addressed", "student_reply": "Explained now."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["state"] == "addressed"
    assert response.json()["target"]["field"] == "paragraph"


def test_reading_comments_costs_the_same_for_one_anchored_comment_or_many(draft, teacher):
    client = api(teacher)
    post_target(teacher, draft)
    with CaptureQueriesContext(connection) as one:
        assert client.get(comments_url(draft)).status_code == 200
    for words in ("ruled by fear", "whereas", "Khrushchev", "Stalin"):
        post_target(teacher, draft, words)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(comments_url(draft)).json()) == 5

    # session, user, the draft, my roles, the comments (authors and revisions joined), the
    # sections their words are in: the same whatever the number of comments
    assert len(five) == len(one)
