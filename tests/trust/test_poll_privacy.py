"""The live poll tells a viewer only about what they may see: a classmate's private note,
posted or edited, changes neither the poll's ETag nor its removal list; membership is
checked before any 304, with the same 404 for every id; and the session is checked as
Django's auth checks it on every other page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation
from annotations.services import reply_create
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def poll_url(pk):
    return reverse("annotations:poll", args=[pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def poll(client, assignment, etag=None):
    headers = {**HTMX, "If-None-Match": etag} if etag else HTMX
    return client.get(poll_url(assignment.pk), headers=headers)


def fingerprint(assignment, user):
    """The poll's fingerprint for this viewer, or None when they are not in the class."""
    access = Annotation.objects.viewer_access(assignment.pk, user)
    if access is None:
        return None
    assignment, is_teacher, gated, scope = access
    return Annotation.objects.activity_fingerprint(
        assignment, user, is_teacher=is_teacher, gated=gated, scope=scope
    )


def settle(assignment):
    """Age every row a few minutes, as in a class that has been at it a while."""
    Annotation.objects.filter(assignment=assignment).update(
        updated_at=timezone.now() - timedelta(minutes=5)
    )


@pytest.fixture
def shared(assignment, student, classmate, teacher):
    """A few notes the whole class sees."""
    notes = [
        annotate(assignment, student, body="Purges and fear"),
        annotate(assignment, classmate, body="Why the thaw?", quote="Paragraph"),
        annotate(assignment, teacher, body="Look at paragraph two"),
    ]
    settle(assignment)
    return notes


# --- what a classmate's private note changes: nothing ------------------------------------


@pytest.mark.parametrize("viewer", ["student", "teacher"])
def test_a_private_note_posted_or_edited_elsewhere_leaves_my_poll_unchanged(
    request, assignment, classmate, shared, viewer
):
    client = logged_in(request.getfixturevalue(viewer))
    etag = poll(client, assignment)["ETag"]

    note = annotate(assignment, classmate, body="Only mine", visibility="private")
    assert poll(client, assignment, etag).status_code == 304

    note.body = "Only mine, edited"
    note.save()
    assert poll(client, assignment, etag).status_code == 304


def test_a_teachers_private_reply_to_a_classmate_leaves_my_poll_unchanged(
    assignment, student, teacher, shared
):
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]

    reply_create(parent=shared[1], author=teacher, body="See me about your grade", private=True)

    assert poll(client, assignment, etag).status_code == 304


def test_a_student_thinking_first_sees_no_change_when_classmates_post(
    assignment, student, classmate, shared
):
    assignment.reveal_after_posts = 3
    assignment.save()
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]

    annotate(assignment, classmate, body="Another view", quote="Paragraph")

    assert poll(client, assignment, etag).status_code == 304


def test_a_private_note_never_shows_in_a_delta_or_its_removal_list(
    assignment, student, classmate, shared
):
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]
    private = annotate(assignment, classmate, body="Only mine", visibility="private")
    private.body = "Only mine, edited"
    private.save()
    annotate(assignment, classmate, body="For everyone", quote="Paragraph")

    response = poll(client, assignment, etag)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="annotation-updates"' in page  # a delta, not the whole list
    assert "For everyone" in page
    assert f"annotation-{private.pk}" not in page
    assert "data-remove" not in page


def test_a_note_made_private_by_its_author_leaves_no_trace_of_its_id_in_my_delta(
    assignment, student, classmate, shared
):
    """The classmate's card leaves my panel (the whole list is sent again), and no removal
    list names it: a delta cannot tell a note made private from one I never saw."""
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]
    thaw = shared[1]

    thaw.change_visibility("private")
    response = poll(client, assignment, etag)

    page = response.content.decode()
    assert "Why the thaw?" not in page
    assert f'data-remove="annotation-{thaw.pk}"' not in page
    assert 'id="annotation-list" class="annotation-list" hx-swap-oob="true"' in page


def test_a_card_hidden_by_the_teacher_is_still_taken_away_in_a_delta(
    assignment, student, teacher, shared
):
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]
    thaw = shared[1]

    thaw.hide(by=teacher, reason="Off-topic")
    response = poll(client, assignment, etag)

    page = response.content.decode()
    assert f'<li data-remove="annotation-{thaw.pk}"></li>' in page
    assert "Why the thaw?" not in page


def test_the_fingerprint_counts_exactly_what_the_viewer_may_see(
    assignment, student, classmate, teacher, outsider_student, shared
):
    annotate(assignment, classmate, body="Mine alone", visibility="private")
    annotate(assignment, classmate, body="For my teacher", visibility="teacher")
    reply_create(parent=shared[0], author=teacher, body="Between us", private=True)
    hidden = annotate(assignment, classmate, body="Unkind")
    hidden.hide(by=teacher, reason="Unkind")

    for user, is_teacher in ((student, False), (classmate, False), (teacher, True)):
        made = fingerprint(assignment, user)
        visible = Annotation.objects.visible_to(user, assignment, is_teacher=is_teacher)
        assert made.count == visible.count(), user
        assert made.total == sum(visible.values_list("pk", flat=True)), user
        assert made.role == ("teacher" if is_teacher else "student")
    assert fingerprint(assignment, outsider_student) is None


def test_the_fingerprint_follows_the_think_first_gate(assignment, student, classmate, shared):
    assignment.reveal_after_posts = 2
    assignment.save()

    gated = fingerprint(assignment, student)
    annotate(assignment, student, body="My second", quote="Paragraph")
    free = fingerprint(assignment, student)

    assert gated.gated and gated.count == 2  # my note and the teacher's
    assert not free.gated and free.count == 4


# --- who gets an answer at all -----------------------------------------------------------


@pytest.mark.parametrize("etag", [None, '"none"'])
def test_an_outsider_gets_the_same_404_for_every_assignment_id(
    assignment, outsider_student, shared, etag
):
    client = logged_in(outsider_student)
    missing = Annotation.objects.order_by("-pk").first().assignment_id + 1000
    headers = {"If-None-Match": etag} if etag else {}

    existing = client.get(poll_url(assignment.pk), headers=headers)
    nothing = client.get(poll_url(missing), headers=headers)

    assert existing.status_code == nothing.status_code == 404
    assert existing.content == nothing.content


def test_a_removed_student_polls_into_a_404_with_the_etag_they_held(
    assignment, student, classroom, shared
):
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]
    classroom.memberships.filter(user=student).delete()

    assert poll(client, assignment, etag).status_code == 404


def test_a_deactivated_account_polls_into_a_401(assignment, student, shared, session_engine):
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]
    student.is_active = False
    student.save()

    assert poll(client, assignment, etag).status_code == 401


def test_a_session_from_before_a_password_change_polls_into_a_401(
    assignment, student, shared, session_engine
):
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]
    student.set_password("a new secret, elsewhere")
    student.save()

    assert poll(client, assignment, etag).status_code == 401


@pytest.mark.parametrize(
    ("session_engine", "queries"), [("db", 4), ("cached", 3)], indirect=["session_engine"]
)
def test_an_unchanged_poll_is_a_304_in_four_queries_or_three_with_the_session_in_the_cache(
    assignment, student, shared, django_assert_num_queries, session_engine, queries
):
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]

    # the session (none when it is kept in the cache, as with Redis); the user (Django's
    # auth: the session's password hash, an active account); my access (my role in the
    # class, and how many notes I posted, for the think-first gate); the fingerprint of what
    # I may see (one scan)
    with django_assert_num_queries(queries):
        response = poll(client, assignment, etag)

    assert response.status_code == 304
