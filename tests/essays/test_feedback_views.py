"""Submitting, reviewing, scoring, releasing, returning, revising and accepting, in HTML."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from essays import builder
from essays.feedback import rubric_for
from essays.models import Extension, FeedbackComment, InvalidTransition, Outline, Revision, Score
from essays.services import builder_material, make_selection, outline_create, selection_record
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def outline(assignment, student):
    stalin = assignment.comparison.subjects.order_by("order").first()
    dimension = assignment.comparison.dimensions.order_by("order").first()
    keys = [
        f"annotation:{annotate(assignment, student, subjects=[stalin], dimension=dimension).pk}"
    ]
    material = builder_material(assignment, student)
    selection = make_selection(
        material,
        dimension_ids=[dimension.pk],
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


def submit(client, outline):
    """Submit, past the confirmation the checks ask for while something is still open."""
    return client.post(reverse("essays:submit", args=[outline.pk]), {"confirm": "1"}, follow=True)


def test_submitting_freezes_a_revision_and_locks_editing(client, outline, student):
    client.force_login(student)

    submit(client, outline)

    outline.refresh_from_db()
    assert outline.status == "submitted"
    revision = Revision.objects.get(outline=outline)
    assert revision.snapshot["thesis"] == outline.thesis
    response = client.post(
        reverse("essays:save", args=[outline.pk]),
        {"field": "thesis", "value": "x", "version": outline.version},
    )
    assert response.status_code == 400


def test_a_revision_cannot_be_changed(outline, student):
    from essays.feedback import outline_transition

    outline_transition(outline=outline, action="submit")
    revision = Revision.objects.get()
    revision.snapshot = {"thesis": "rewritten"}

    with pytest.raises(InvalidTransition):
        revision.save()


def test_submitting_twice_is_refused_with_a_clear_message(client, outline, student):
    client.force_login(student)
    submit(client, outline)

    response = submit(client, outline)

    assert "Only a draft can be submitted" in response.content.decode()
    assert Revision.objects.count() == 1


def test_late_submission_is_marked_against_the_due_date_and_extension(
    client, outline, assignment, student
):
    assignment.due_at = timezone.now() - timedelta(days=1)
    assignment.save()
    client.force_login(student)
    submit(client, outline)
    assert Revision.objects.get().is_late

    Extension.objects.create(
        assignment=assignment, student=student, due_at=timezone.now() + timedelta(days=2)
    )
    outline.status = "returned"
    outline.save()
    submit(client, outline)
    assert not Revision.objects.get(number=2).is_late


def test_the_submissions_page_lists_every_student(
    client, assignment, outline, teacher, student, classmate
):
    client.force_login(student)
    submit(client, outline)
    client.force_login(teacher)

    page = client.get(reverse("essays:submissions", args=[assignment.pk])).content.decode()

    assert "Sam Student" in page and "Submitted" in page
    assert "Cleo Classmate" in page and "Not started" in page


def test_submissions_page_queries_do_not_grow_with_the_class(
    client, assignment, classroom, teacher, django_assert_num_queries
):
    from tests.factories import MembershipFactory, UserFactory

    for _ in range(40):
        MembershipFactory(user=UserFactory(), classroom=classroom)
    rubric_for(assignment)
    client.force_login(teacher)

    # session, user, assignment, my roles, students, outlines with totals, extensions, the
    # rubric (found, then loaded with its criteria and levels for the maximum), navigation,
    # the grades sent to an LMS (lti's note on each row, one query)
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(14):
        client.get(reverse("essays:submissions", args=[assignment.pk]))


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("outsider_teacher", 404)])
def test_only_the_class_teachers_open_submissions(request, client, assignment, who, status):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("essays:submissions", args=[assignment.pk])).status_code == status


def test_teacher_comments_scores_and_returns_then_student_revises_and_resubmits(
    client, outline, assignment, teacher, student
):
    client.force_login(student)
    submit(client, outline)
    client.force_login(teacher)
    section = outline.sections.filter(role="body").first()
    client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"body": "Add evidence about Khrushchev.", "section_key": section.key},
        headers=HTMX,
    )
    level = rubric_for(assignment).criteria.first().levels.first()
    client.post(
        reverse("essays:review_score", args=[outline.pk]), {"level": level.pk}, headers=HTMX
    )
    client.post(reverse("essays:review_decide", args=[outline.pk]), {"action": "return"})

    # Not released yet: the student sees no comment and no score.
    client.force_login(student)
    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()
    assert "Add evidence about Khrushchev." not in page

    client.force_login(teacher)
    client.post(reverse("essays:review_overall", args=[outline.pk]), {"release": "1"})
    client.force_login(student)
    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()
    assert "Add evidence about Khrushchev." in page
    assert level.name in page

    comment = FeedbackComment.objects.get()
    client.post(
        reverse("essays:comment_reply", args=[outline.pk, comment.pk]),
        {"state": "addressed", "student_reply": "Added one."},
    )
    comment.refresh_from_db()
    assert comment.state == "addressed"

    submit(client, outline)
    outline.refresh_from_db()
    assert outline.status == "resubmitted"
    assert Revision.objects.filter(outline=outline).count() == 2

    client.force_login(teacher)
    review_page = client.get(reverse("essays:review", args=[outline.pk])).content.decode()
    assert "Still open from earlier reviews" in review_page and "Added one." in review_page
    client.post(reverse("essays:review_decide", args=[outline.pk]), {"action": "accept"})
    outline.refresh_from_db()
    assert outline.status == "accepted"


def test_students_cannot_review_score_or_decide(client, outline, student):
    client.force_login(student)
    level = rubric_for(outline.assignment).criteria.first().levels.first()

    assert client.get(reverse("essays:review", args=[outline.pk])).status_code == 403
    assert (
        client.post(
            reverse("essays:review_score", args=[outline.pk]), {"level": level.pk}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("essays:review_decide", args=[outline.pk]), {"action": "accept"}
        ).status_code
        == 403
    )
    assert not Score.objects.exists()


def test_a_teacher_cannot_accept_a_draft(client, outline, teacher):
    client.force_login(teacher)

    response = client.post(
        reverse("essays:review_decide", args=[outline.pk]), {"action": "accept"}, follow=True
    )

    assert "Only a submitted outline can be accepted" in response.content.decode()
    outline.refresh_from_db()
    assert outline.status == "draft"


def test_a_level_from_another_assignments_rubric_is_refused(
    client, outline, teacher, classroom, comparison
):
    from tests.factories import AssignmentFactory

    other = rubric_for(AssignmentFactory(classroom=classroom, comparison=comparison))
    client.force_login(teacher)

    response = client.post(
        reverse("essays:review_score", args=[outline.pk]),
        {"level": other.criteria.first().levels.first().pk},
    )

    assert response.status_code == 404


def test_the_comment_bank_saves_and_counts_uses(client, outline, teacher):
    from essays.models import BankComment

    client.force_login(teacher)
    client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"body": "Explain why it matters.", "save_to_bank": "1"},
        headers=HTMX,
    )
    entry = BankComment.objects.get()

    client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"body": entry.body, "bank": entry.pk},
        headers=HTMX,
    )

    entry.refresh_from_db()
    assert entry.uses == 1
    assert FeedbackComment.objects.count() == 2


def test_the_rubric_can_be_edited_until_grading_starts(client, assignment, outline, teacher):
    rubric = rubric_for(assignment)
    criterion = rubric.criteria.first()
    level = criterion.levels.first()
    client.force_login(teacher)

    client.post(
        reverse("essays:rubric", args=[assignment.pk]),
        {f"criterion-{criterion.pk}-name": "Thesis", f"level-{level.pk}-points": "6"},
    )
    level.refresh_from_db()
    assert level.points == 6

    Score.objects.create(outline=outline, criterion=criterion, level=level, points=6)
    client.post(reverse("essays:rubric", args=[assignment.pk]), {f"level-{level.pk}-points": "9"})
    level.refresh_from_db()
    assert level.points == 6


def test_bad_points_are_refused_with_a_message(client, assignment, teacher):
    level = rubric_for(assignment).criteria.first().levels.first()
    client.force_login(teacher)

    response = client.post(
        reverse("essays:rubric", args=[assignment.pk]),
        {f"level-{level.pk}-points": "lots"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "A whole number from 0 to 100." in page
    assert 'value="lots"' in page  # what was typed stays in the box


def test_the_history_shows_what_changed_between_revisions(client, outline, student):
    from essays.feedback import outline_transition

    outline_transition(outline=outline, action="submit")
    Outline.objects.filter(pk=outline.pk).update(status="returned", thesis="A new thesis")
    outline.refresh_from_db()
    outline_transition(outline=outline, action="submit")
    client.force_login(student)

    page = client.get(reverse("essays:revisions", args=[outline.pk])).content.decode()

    assert "<ins>A new thesis</ins>" in page or "<ins>A new" in page


def test_extensions_are_set_and_cleared(client, assignment, teacher, student):
    client.force_login(teacher)
    url = reverse("essays:extension", args=[assignment.pk, student.pk])

    client.post(url, {"due_at": "2030-01-02T10:00"})
    assert Extension.objects.get().student == student

    client.post(url, {"due_at": ""})
    assert not Extension.objects.exists()


def test_release_to_the_whole_class(client, assignment, teacher):
    client.force_login(teacher)

    client.post(reverse("essays:release", args=[assignment.pk]), {"released": "1"})

    assignment.refresh_from_db()
    assert assignment.feedback_released


def test_not_started_is_overdue_only_after_the_due_date(client, assignment, teacher, student):
    client.force_login(teacher)

    page = client.get(reverse("essays:submissions", args=[assignment.pk])).content.decode()
    assert "Overdue" not in page

    assignment.due_at = timezone.now() - timedelta(hours=1)
    assignment.save()
    page = client.get(reverse("essays:submissions", args=[assignment.pk])).content.decode()
    assert "Overdue" in page


def test_a_comment_can_be_anchored_to_one_piece_of_evidence(client, outline, teacher):
    section = outline.sections.filter(role="body").first()
    item = section.evidence.first()
    client.force_login(teacher)

    client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"body": "Quote less here.", "section_key": f"{section.key}|{item.key}"},
        headers=HTMX,
    )
    bad = client.post(
        reverse("essays:review_comment", args=[outline.pk]),
        {"body": "x", "section_key": f"{section.key}|annotation:999999"},
    )

    comment = FeedbackComment.objects.get()
    assert (comment.section_key, comment.evidence_key) == (section.key, item.key)
    assert bad.status_code == 400
