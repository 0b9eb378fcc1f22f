"""The process timeline ("How this grew") shows a teacher exactly the notes the one
visibility rule lets them see elsewhere: never a student's private ("only me") notes."""

import pytest
from django.urls import reverse

from essays.models import Outline
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def outline(assignment, student):
    return Outline.objects.create(assignment=assignment, author=student, title="Two leaders")


@pytest.fixture
def notes(assignment, student, cast):
    first, second, third = cast["passages"][:3]
    return {
        "private": annotate(assignment, student, passage=first, visibility="private"),
        "teacher": annotate(assignment, student, passage=second, visibility="teacher"),
        "class": annotate(assignment, student, passage=third),
    }


def timeline(client, user, outline):
    client.force_login(user)
    response = client.get(reverse("essays:process", args=[outline.pk]))
    assert response.status_code == 200
    return [detail for _, what, detail in response.context["events"] if what == "Annotated"]


def test_the_teacher_sees_no_private_note_in_the_timeline(client, teacher, outline, notes):
    shown = timeline(client, teacher, outline)

    assert shown == [f"“{notes['teacher'].exact}”", f"“{notes['class'].exact}”"]


def test_the_student_sees_every_note_of_their_own(client, student, outline, notes):
    shown = timeline(client, student, outline)

    assert len(shown) == 3


def test_the_timeline_matches_what_the_teacher_sees_in_the_api(
    client, teacher, outline, notes, assignment
):
    shown = timeline(client, teacher, outline)
    listed = client.get(
        reverse("annotation-list"), {"assignment": assignment.pk, "author": outline.author_id}
    ).json()["results"]

    assert shown == [f"“{item['exact']}”" for item in listed]
