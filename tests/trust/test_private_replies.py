"""A teacher's private reply stays between the student and the teachers, whatever happens
to the note it answers: sharing that note with the class (on the page or through the API)
publishes the note, never the reply. Checked on every channel a classmate reads."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db

SECRET = "See me about your grade"
HTMX = {"HX-Request": "true"}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def note(assignment, student):
    """A student's note for the teacher, which the teacher answers privately."""
    return annotate(assignment, student, body="Am I on track?", visibility="teacher")


@pytest.fixture
def private_reply(note, teacher):
    logged_in(teacher).post(
        reverse("annotations:reply", args=[note.pk]), {"body": SECRET, "private": "on"}
    )
    return Annotation.objects.get(body=SECRET)


def share_on_the_page(note, student):
    """The student edits the note: who can see it, teacher → class."""
    response = logged_in(student).post(
        reverse("annotations:edit", args=[note.pk]),
        {"body": note.body, "kind": note.kind, "visibility": "class", "tags": ""},
    )
    assert response.status_code == 302


def share_through_the_api(note, student):
    response = logged_in(student).patch(
        reverse("annotation-detail", args=[note.pk]),
        {"visibility": "class"},
        content_type="application/json",
    )
    assert response.status_code == 200


def everything_a_classmate_reads(client, assignment, note) -> str:
    """The reading page, the live poll, the card, the API (list, detail of the note, its
    replies, search) and the W3C export, as one text."""
    api = reverse("annotation-list")
    pages = [
        client.get(reverse("comparisons:read", args=[assignment.pk])),
        client.get(reverse("annotations:poll", args=[assignment.pk]), headers=HTMX),
        client.get(reverse("annotations:card", args=[note.pk]), headers=HTMX),
        client.get(api, {"assignment": assignment.pk}),
        client.get(api, {"q": "grade"}),
        client.get(reverse("annotation-detail", args=[note.pk])),
        client.get(reverse("annotation-replies", args=[note.pk])),
        client.get(reverse("annotation-collection", args=[assignment.pk])),
    ]
    assert all(page.status_code == 200 for page in pages)
    return "\n".join(page.content.decode() for page in pages)


@pytest.mark.parametrize("share", [share_on_the_page, share_through_the_api])
def test_sharing_the_note_leaves_the_private_reply_private(
    assignment, note, private_reply, student, classmate, share
):
    share(note, student)

    private_reply.refresh_from_db()
    assert private_reply.is_private_reply
    seen = everything_a_classmate_reads(logged_in(classmate), assignment, note)
    assert "Am I on track?" in seen  # the note itself is shared now
    assert SECRET not in seen
    assert '"reply_count":0' in seen.replace(" ", "")


@pytest.mark.parametrize("share", [share_on_the_page, share_through_the_api])
def test_the_student_and_the_teacher_still_read_the_private_reply(
    assignment, note, private_reply, student, teacher, share
):
    share(note, student)

    for user in (student, teacher):
        seen = everything_a_classmate_reads(logged_in(user), assignment, note)
        assert SECRET in seen
    page = logged_in(student).get(reverse("comparisons:read", args=[assignment.pk]))
    assert "Only for Sam Student" in page.content.decode()


def test_the_api_says_a_reply_is_private(assignment, note, private_reply, student):
    response = logged_in(student).get(reverse("annotation-replies", args=[note.pk]))

    (reply,) = response.json()["results"]
    assert reply["is_private_reply"] is True
    assert reply["visibility"] == "teacher"  # the thread's visibility, as every reply has


def test_making_the_note_private_and_public_again_keeps_the_reply_private(
    assignment, note, private_reply, student, classmate
):
    note.change_visibility("private")
    note.change_visibility("class")

    seen = everything_a_classmate_reads(logged_in(classmate), assignment, note)
    assert SECRET not in seen


def test_an_ordinary_reply_follows_its_note(assignment, note, student, teacher, classmate):
    logged_in(teacher).post(reverse("annotations:reply", args=[note.pk]), {"body": "Yes, go on"})

    share_on_the_page(note, student)

    assert "Yes, go on" in everything_a_classmate_reads(logged_in(classmate), assignment, note)


# The data migration (annotations/migrations/0004_private_reply.py)


def old_reply(note, author, body, visibility):
    return Annotation.objects.create(
        assignment=note.assignment,
        passage=note.passage,
        author=author,
        parent=note,
        body=body,
        visibility=visibility,
    )


def test_the_migration_finds_private_replies_in_the_old_representation(
    assignment, student, classmate, teacher
):
    from importlib import import_module

    migration = import_module("annotations.migrations.0004_private_reply")
    for_the_teacher = annotate(assignment, student, body="For you", visibility="teacher")
    shared = annotate(assignment, student, body="For all", visibility="class", quote="Paragraph")
    narrower = old_reply(shared, teacher, "Just for Sam", "teacher")
    teachers_word = old_reply(for_the_teacher, teacher, "Come and see me", "teacher")
    students_word = old_reply(for_the_teacher, student, "Thank you", "teacher")
    public = old_reply(shared, classmate, "Agreed", "class")

    migration.mark_private_replies(apps, None)

    for reply, private, visibility in [
        (narrower, True, "class"),
        (teachers_word, True, "teacher"),
        (students_word, False, "teacher"),
        (public, False, "class"),
    ]:
        reply.refresh_from_db()
        assert (reply.is_private_reply, reply.visibility) == (private, visibility), reply.body
