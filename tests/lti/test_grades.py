"""Grades (LTI Assignment and Grade Services): a released score reaches the student's line
item on the test platform exactly once; a 500 from the platform is retried with backoff; the
submissions page says where each student's grade stands."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import LtiUser

from essays import builder, feedback
from essays.services import builder_material, make_selection, outline_create, selection_record
from lti import services
from lti.models import ScoreSend
from tests.annotations.helpers import annotate


def _person(sub):
    return LtiUser.objects.get(sub=sub).auth_user


@pytest.fixture
def course(platform, assignment):
    """An LMS course with a teacher and a learner, and an activity opening `assignment`."""
    platform.members = [
        platform.member("teacher-1", ["Instructor"]),
        platform.member("learner-7", ["Learner"]),
    ]
    platform.launch(Client(), sub="teacher-1", roles=("Instructor",))
    classroom = _person("teacher-1").memberships.get().classroom
    assignment.classroom = classroom
    assignment.save()
    custom = {"counterpoint_assignment": str(assignment.pk)}
    platform.launch(Client(), sub="learner-7", resource_link="link-9", custom=custom)
    return {"teacher": _person("teacher-1"), "student": _person("learner-7")}


@pytest.fixture
def scored(course, assignment):
    """The learner's outline, scored on every criterion (top level each)."""
    student = course["student"]
    stalin = assignment.comparison.subjects.order_by("order").first()
    dimension = assignment.comparison.dimensions.order_by("order").first()
    keys = [
        f"annotation:{annotate(assignment, student, subjects=[stalin], dimension=dimension).pk}"
    ]
    selection = make_selection(
        builder_material(assignment, student),
        dimension_ids=[dimension.pk],
        cell_ids=[],
        evidence_keys=keys,
        structure="point_by_point",
        stance="differences",
    )
    outline = outline_create(
        assignment=assignment,
        author=student,
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys),
    )
    for criterion in feedback.rubric_for(assignment).criteria.all():
        feedback.score_set(outline=outline, level=criterion.levels.order_by("-points").first())
    return outline


def release(client, teacher, outline, capture):
    client.force_login(teacher)
    with capture(execute=True):
        client.post(reverse("essays:review_overall", args=[outline.pk]), {"release": "1"})


def test_a_released_score_reaches_the_line_item_once(
    platform, client, course, scored, django_capture_on_commit_callbacks
):
    release(client, course["teacher"], scored, django_capture_on_commit_callbacks)
    release(client, course["teacher"], scored, django_capture_on_commit_callbacks)

    assert len(platform.scores) == 1
    path, body = platform.scores[0]
    assert path == "/lineitems/link-9/scores"
    maximum = feedback.rubric_for(scored.assignment).max_points
    assert body["scoreGiven"] == maximum and body["scoreMaximum"] == maximum
    assert body["userId"] == "learner-7"
    assert body["activityProgress"] == "Completed"
    assert body["gradingProgress"] == "FullyGraded"
    assert body["comment"].endswith(f" http://testserver/outlines/{scored.pk}/")
    send = ScoreSend.objects.get()
    assert send.status == "sent" and send.attempts == 1


def test_releasing_the_whole_class_sends_too(
    platform, client, course, scored, django_capture_on_commit_callbacks
):
    client.force_login(course["teacher"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("essays:release", args=[scored.assignment_id]), {"released": "1"})

    assert len(platform.scores) == 1


def test_a_platform_error_is_retried_later_and_then_sent(
    platform, client, course, scored, django_capture_on_commit_callbacks
):
    platform.score_answers = [500]

    release(client, course["teacher"], scored, django_capture_on_commit_callbacks)

    send = ScoreSend.objects.get()
    assert send.status == "pending"
    assert send.last_error == "The LMS answered 500."
    assert send.next_attempt_at > timezone.now()
    page = client.get(reverse("essays:submissions", args=[scored.assignment_id])).content.decode()
    assert "LMS grade: pending (The LMS answered 500. Trying again.)" in page
    assert services.send_due_scores() == 0  # not yet: it waits its turn

    assert services.send_due_scores(now=timezone.now() + timedelta(minutes=2)) == 1

    send.refresh_from_db()
    assert send.status == "sent" and send.attempts == 2
    assert len(platform.scores) == 1
    page = client.get(reverse("essays:submissions", args=[scored.assignment_id])).content.decode()
    assert "LMS grade: sent" in page


def test_a_score_the_platform_keeps_refusing_fails_with_the_reason(
    platform, client, course, scored, django_capture_on_commit_callbacks
):
    platform.score_answers = [500] * 10

    release(client, course["teacher"], scored, django_capture_on_commit_callbacks)
    later = timezone.now()
    for _ in range(len(services.RETRY_DELAYS)):
        later += timedelta(days=1)
        services.send_due_scores(now=later)

    send = ScoreSend.objects.get()
    assert send.status == "failed"
    assert send.attempts == len(services.RETRY_DELAYS) + 1
    assert platform.scores == []
    page = client.get(reverse("essays:submissions", args=[scored.assignment_id])).content.decode()
    assert "LMS grade: failed (The LMS answered 500.)" in page


def test_a_sent_score_is_not_sent_again_by_the_retry_loop(
    platform, client, course, scored, django_capture_on_commit_callbacks
):
    release(client, course["teacher"], scored, django_capture_on_commit_callbacks)

    services.send_due_scores(now=timezone.now() + timedelta(days=1))

    assert len(platform.scores) == 1
