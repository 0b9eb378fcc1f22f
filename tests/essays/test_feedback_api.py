"""/api/v1/outlines/{id}/submit|return|accept|revisions|comments|scores/: the status machine
over the API, frozen revisions, who grades and comments, and feedback hidden until released."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from essays import builder, feedback
from essays.models import (
    REFUSALS,
    Evidence,
    FeedbackComment,
    InvalidTransition,
    Outline,
    Review,
    Revision,
)
from essays.services import builder_material, make_selection, outline_create, selection_record
from tests.annotations.helpers import annotate
from tests.factories import AssignmentFactory, comparison_with_content

pytestmark = pytest.mark.django_db


def api_client(user=None, **kwargs):
    client = APIClient(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def url(outline, *parts):
    return "/".join([f"/api/v1/outlines/{outline.pk}", *map(str, parts)]) + "/"


def post(user, outline, *parts, data=None):
    return api_client(user).post(url(outline, *parts), data or {}, format="json")


def get(user, outline, *parts):
    return api_client(user).get(url(outline, *parts))


@pytest.fixture
def outline(assignment, student):
    """Sam's outline, built as the builder page builds it: evidence on both subjects on every
    dimension, so it has sections and evidence items to comment on."""
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    dimensions = list(assignment.comparison.dimensions.order_by("order"))
    keys = [
        f"annotation:{annotate(assignment, student, subjects=[subject], dimension=d).pk}"
        for d in dimensions
        for subject in (stalin, khrushchev)
    ]
    material = builder_material(assignment, student)
    selection = make_selection(
        material,
        dimension_ids=[d.pk for d in dimensions],
        cell_ids=[],
        evidence_keys=keys,
        structure="point_by_point",
        stance="differences",
    )
    return outline_create(
        assignment=assignment,
        author=student,
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys),
    )


@pytest.fixture
def submitted(outline):
    return feedback.outline_transition(outline=outline, action="submit")


@pytest.fixture
def levels(assignment):
    """(criterion, its best level, its worst level) for the first two criteria."""
    criteria = list(feedback.rubric_for(assignment).criteria.all())[:2]
    return [(c, c.levels.order_by("-points")[0], c.levels.order_by("points")[0]) for c in criteria]


@pytest.fixture
def classmates_outline(assignment, classmate):
    return feedback.outline_transition(
        outline=Outline.objects.create(assignment=assignment, author=classmate, title="Cleo's"),
        action="submit",
    )


# --- the status machine -------------------------------------------------------------------


def test_the_author_submits_and_a_revision_is_frozen(outline, student):
    response = post(student, outline, "submit")

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    revision = Revision.objects.get(outline=outline)
    assert revision.number == 1
    assert revision.snapshot["thesis"] == outline.thesis
    assert [s["key"] for s in revision.snapshot["sections"]] == [
        s.key for s in outline.sections.all()
    ]


def test_submitting_twice_is_refused_with_a_clear_message(submitted, student):
    response = post(student, submitted, "submit")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [REFUSALS["submit"]]}
    assert Revision.objects.filter(outline=submitted).count() == 1


def test_a_draft_cannot_be_accepted_or_returned(outline, teacher):
    accepted = post(teacher, outline, "accept")
    returned = post(teacher, outline, "return")

    assert (accepted.status_code, returned.status_code) == (400, 400)
    assert accepted.json()["non_field_errors"] == ["Only a submitted outline can be accepted."]
    assert returned.json()["non_field_errors"] == [REFUSALS["return"]]
    assert Outline.objects.get(pk=outline.pk).status == Outline.Status.DRAFT


def test_return_then_resubmit_then_accept_makes_two_revisions(submitted, student, teacher):
    assert post(teacher, submitted, "return").json()["status"] == "returned"
    assert post(student, submitted, "submit").json()["status"] == "resubmitted"
    assert post(teacher, submitted, "accept").json()["status"] == "accepted"

    assert list(submitted.revisions.values_list("number", flat=True)) == [1, 2]
    refused = post(teacher, submitted, "return")
    assert refused.status_code == 400
    assert refused.json()["non_field_errors"] == [REFUSALS["return"]]


def test_a_revision_cannot_be_changed_after_submission(submitted, student, teacher):
    revision = submitted.revisions.get()
    revision.snapshot = {"thesis": "rewritten"}

    with pytest.raises(InvalidTransition, match="frozen"):
        revision.save()

    for user in (student, teacher):
        client = api_client(user)
        for method in (client.put, client.patch, client.delete):
            assert method(url(submitted, "revisions"), {}, format="json").status_code == 405
    assert submitted.revisions.get().snapshot["thesis"] == submitted.thesis


def test_an_edit_after_submitting_does_not_reach_the_revision(submitted, student):
    api_client(student).patch(
        url(submitted), {"version": submitted.version, "thesis": "Changed"}, format="json"
    )

    assert submitted.revisions.get().snapshot["thesis"] != "Changed"


def test_only_the_author_submits(outline, teacher, classmate, outsider_teacher):
    assert post(teacher, outline, "submit").status_code == 403
    assert post(classmate, outline, "submit").status_code == 404
    assert post(outsider_teacher, outline, "submit").status_code == 404
    assert Outline.objects.get(pk=outline.pk).status == Outline.Status.DRAFT


@pytest.mark.parametrize("move", ["return", "accept"])
def test_only_teachers_of_the_class_return_or_accept(
    submitted, move, student, classmate, outsider_teacher
):
    assert post(student, submitted, move).status_code == 403
    assert post(classmate, submitted, move).status_code == 404
    assert post(outsider_teacher, submitted, move).status_code == 404
    assert Outline.objects.get(pk=submitted.pk).status == Outline.Status.SUBMITTED


def test_unsafe_actions_need_the_csrf_token(outline, student):
    client = api_client(student, enforce_csrf_checks=True)

    assert client.post(url(outline, "submit")).status_code == 403
    assert Outline.objects.get(pk=outline.pk).status == Outline.Status.DRAFT


# --- revisions ----------------------------------------------------------------------------


def test_the_author_and_teachers_list_revisions(
    submitted, student, teacher, django_assert_num_queries
):
    feedback.outline_transition(outline=submitted, action="return")
    feedback.outline_transition(outline=submitted, action="submit")

    client = api_client(teacher)
    # session, user, the outline, the user's memberships (roles), its revisions
    with django_assert_num_queries(5):
        body = client.get(url(submitted, "revisions")).json()

    assert [(r["number"], r["is_late"]) for r in body] == [(1, False), (2, False)]
    assert set(body[0]) == {"number", "submitted_at", "is_late", "snapshot"}
    assert get(student, submitted, "revisions").json() == body


def test_a_classmate_cannot_list_revisions(submitted, classmate, outsider_teacher):
    assert get(classmate, submitted, "revisions").status_code == 404
    assert get(outsider_teacher, submitted, "revisions").status_code == 404


def test_a_late_submission_is_marked(outline, student, assignment):
    assignment.due_at = timezone.now() - timezone.timedelta(hours=1)
    assignment.save()

    post(student, outline, "submit")

    assert get(student, outline, "revisions").json()[0]["is_late"] is True


# --- comments -----------------------------------------------------------------------------


def test_a_teacher_comments_on_the_outline_a_section_or_evidence(submitted, teacher):
    item = Evidence.objects.filter(section__outline=submitted).select_related("section").first()
    section = item.section

    whole = post(teacher, submitted, "comments", data={"body": "Strong thesis."})
    on_section = post(
        teacher, submitted, "comments", data={"body": "Claim?", "section_key": section.key}
    )
    on_item = post(teacher, submitted, "comments", data={"body": "Cite.", "evidence_key": item.key})

    assert [r.status_code for r in (whole, on_section, on_item)] == [201, 201, 201]
    assert whole.json()["revision"] == 1
    assert on_section.json()["section_key"] == section.key
    assert (on_item.json()["section_key"], on_item.json()["evidence_key"]) == (
        section.key,
        item.key,
    )
    assert on_item.json()["author"] == {"id": teacher.pk, "display_name": "Ms Teacher"}


def test_a_comment_on_a_key_not_in_the_outline_is_refused(submitted, teacher):
    response = post(
        teacher, submitted, "comments", data={"body": "Hm.", "section_key": "no-such-section"}
    )
    unknown = post(teacher, submitted, "comments", data={"body": "Hm.", "evidence_key": "x:1"})

    assert response.status_code == unknown.status_code == 400
    assert response.json() == {"section_key": ["That section is not part of this outline."]}
    assert unknown.json() == {"evidence_key": ["That evidence is not part of this outline."]}
    assert not FeedbackComment.objects.exists()


def test_evidence_must_be_in_the_section_named(submitted, teacher):
    item = Evidence.objects.filter(section__outline=submitted).select_related("section").first()
    elsewhere = (
        submitted.sections.exclude(pk=item.section_id).exclude(evidence__key=item.key).first()
    )

    response = post(
        teacher,
        submitted,
        "comments",
        data={"body": "Hm.", "section_key": elsewhere.key, "evidence_key": item.key},
    )

    assert response.status_code == 400
    assert response.json() == {"evidence_key": ["That evidence is in another section."]}


def test_only_teachers_of_the_class_comment(submitted, student, classmate, outsider_teacher):
    assert post(student, submitted, "comments", data={"body": "Me"}).status_code == 403
    assert post(classmate, submitted, "comments", data={"body": "Me"}).status_code == 404
    assert post(outsider_teacher, submitted, "comments", data={"body": "Me"}).status_code == 404
    assert not FeedbackComment.objects.exists()


def test_comments_stay_hidden_from_the_author_until_released_for_the_assignment(
    submitted, student, teacher, assignment
):
    feedback.comment_add(outline=submitted, author=teacher, body="Say more.")

    assert get(teacher, submitted, "comments").json()[0]["body"] == "Say more."
    assert get(student, submitted, "comments").json() == []

    assignment.feedback_released = True
    assignment.save()
    assert [c["body"] for c in get(student, submitted, "comments").json()] == ["Say more."]


def test_comments_released_to_one_student_only(
    submitted, classmates_outline, student, classmate, teacher
):
    feedback.comment_add(outline=submitted, author=teacher, body="For Sam.")
    feedback.comment_add(outline=classmates_outline, author=teacher, body="For Cleo.")

    Review.objects.create(outline=submitted, released_at=timezone.now())

    assert [c["body"] for c in get(student, submitted, "comments").json()] == ["For Sam."]
    assert get(classmate, classmates_outline, "comments").json() == []
    assert get(student, classmates_outline, "comments").status_code == 404


def test_the_comment_list_query_count(submitted, teacher, django_assert_num_queries):
    for i in range(5):
        feedback.comment_add(outline=submitted, author=teacher, body=f"Comment {i}")
    client = api_client(teacher)

    # session, user, the outline, the user's memberships (roles), the comments with their
    # authors and revisions
    with django_assert_num_queries(5):
        body = client.get(url(submitted, "comments")).json()

    assert len(body) == 5


def test_the_author_answers_a_released_comment_and_the_teacher_confirms(
    submitted, student, teacher, assignment
):
    comment = feedback.comment_add(outline=submitted, author=teacher, body="Cite it.")
    reply = ("comments", comment.pk, "reply")
    answer = {"state": "addressed", "student_reply": "Added ¶3."}

    assert post(student, submitted, *reply, data=answer).status_code == 404  # not released
    assignment.feedback_released = True
    assignment.save()
    assert post(teacher, submitted, *reply, data=answer).status_code == 403
    response = post(student, submitted, *reply, data=answer)

    assert response.status_code == 200
    assert response.json()["state"] == "addressed"
    comment.refresh_from_db()
    assert (comment.state, comment.student_reply, comment.confirmed) == (
        "addressed",
        "Added ¶3.",
        False,
    )

    confirm = ("comments", comment.pk, "confirm")
    assert post(student, submitted, *confirm).status_code == 403
    assert post(teacher, submitted, *confirm).json()["confirmed"] is True
    reopened = post(teacher, submitted, *confirm, data={"reopen": True}).json()
    assert (reopened["state"], reopened["confirmed"]) == ("open", False)


def test_an_open_comment_cannot_be_confirmed(submitted, teacher):
    comment = feedback.comment_add(outline=submitted, author=teacher, body="Cite it.")

    response = post(teacher, submitted, "comments", comment.pk, "confirm")

    assert response.status_code == 400
    assert "not answered" in response.json()["non_field_errors"][0]


def test_a_reply_needs_addressed_or_wont_fix(submitted, student, teacher, assignment):
    assignment.feedback_released = True
    assignment.save()
    comment = feedback.comment_add(outline=submitted, author=teacher, body="Cite it.")

    response = post(student, submitted, "comments", comment.pk, "reply", data={"state": "open"})

    assert response.status_code == 400
    assert "state" in response.json()


def test_a_comment_of_another_outline_is_a_404(
    submitted, classmates_outline, student, teacher, assignment
):
    assignment.feedback_released = True
    assignment.save()
    theirs = feedback.comment_add(outline=classmates_outline, author=teacher, body="Cleo's")

    response = post(student, submitted, "comments", theirs.pk, "reply", data={"state": "addressed"})

    assert response.status_code == 404
    assert FeedbackComment.objects.get(pk=theirs.pk).state == "open"


# --- scores -------------------------------------------------------------------------------


def test_a_teacher_scores_a_criterion_and_can_change_it(submitted, teacher, levels):
    (criterion, best, worst), _ = levels

    first = post(teacher, submitted, "scores", data={"criterion": criterion.pk, "level": best.pk})
    again = post(teacher, submitted, "scores", data={"criterion": criterion.pk, "level": worst.pk})

    assert first.status_code == again.status_code == 200
    assert first.json() == {
        "criterion": criterion.pk,
        "criterion_name": criterion.name,
        "level": best.pk,
        "level_name": best.name,
        "points": best.points,
    }
    assert [s["points"] for s in get(teacher, submitted, "scores").json()] == [worst.points]


def test_a_level_of_another_criterion_or_rubric_is_refused(submitted, teacher, levels, classroom):
    (criterion, _, _), (_, other_level, _) = levels
    elsewhere = AssignmentFactory(classroom=classroom, comparison=comparison_with_content(teacher))
    foreign = feedback.rubric_for(elsewhere).criteria.first()

    mixed = post(
        teacher, submitted, "scores", data={"criterion": criterion.pk, "level": other_level.pk}
    )
    other_rubric = post(
        teacher,
        submitted,
        "scores",
        data={"criterion": foreign.pk, "level": foreign.levels.first().pk},
    )

    assert (mixed.status_code, other_rubric.status_code) == (400, 400)
    assert "level" in mixed.json()
    assert not submitted.scores.exists()


def test_only_teachers_of_the_class_grade(submitted, levels, student, classmate, outsider_teacher):
    (criterion, best, _), _ = levels
    data = {"criterion": criterion.pk, "level": best.pk}

    assert post(student, submitted, "scores", data=data).status_code == 403
    assert post(classmate, submitted, "scores", data=data).status_code == 404
    assert post(outsider_teacher, submitted, "scores", data=data).status_code == 404
    assert not submitted.scores.exists()


def test_scores_stay_hidden_until_released_per_student(
    submitted, levels, student, teacher, django_assert_num_queries
):
    for _, best, _ in levels:
        feedback.score_set(outline=submitted, level=best)

    assert get(student, submitted, "scores").json() == []
    Review.objects.create(outline=submitted, released_at=timezone.now())

    client = api_client(student)
    # session, user, the outline, the user's memberships (roles), the review (released?),
    # the scores with their criteria and levels
    with django_assert_num_queries(6):
        body = client.get(url(submitted, "scores")).json()
    assert [s["criterion"] for s in body] == [c.pk for c, _, _ in levels]


def test_a_student_never_sees_another_students_outline_or_scores(
    classmates_outline, levels, student, teacher, assignment
):
    (_, best, _), _ = levels
    feedback.score_set(outline=classmates_outline, level=best)
    assignment.feedback_released = True
    assignment.save()

    for parts in ((), ("scores",), ("comments",), ("revisions",)):
        assert get(student, classmates_outline, *parts).status_code == 404
    listed = api_client(student).get("/api/v1/outlines/").json()["results"]
    assert classmates_outline.pk not in [o["id"] for o in listed]
    assert get(teacher, classmates_outline, "scores").json()[0]["points"] == best.points
