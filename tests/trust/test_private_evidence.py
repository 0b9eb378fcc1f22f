"""A student who uses one of their own private notes as outline evidence is told, where they
choose it (the tray), where they see it placed (the preview) and where they edit it (the
outline), that their teacher will read those words in the outline."""

import pytest
from django.urls import reverse

from essays.models import Evidence, Outline
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
TRAY_NOTE = "your teacher will see them there"
PREVIEW_NOTE = "From your private note: your teacher will see it in this outline."
OUTLINE_NOTE = "your teacher will see these words in this outline"


@pytest.fixture
def notes(assignment, student, cast):
    return {
        "private": annotate(
            assignment,
            student,
            body="Just my hunch",
            subjects=[cast["stalin"]],
            dimension=cast["leadership"],
            visibility="private",
        ),
        "shared": annotate(
            assignment,
            student,
            body="For the class",
            subjects=[cast["khrushchev"]],
            dimension=cast["leadership"],
            passage=cast["passages"][1],
        ),
    }


def choices(assignment, keys, **extra):
    return {
        "structure": "point_by_point",
        "stance": "differences",
        "dimensions": [d.pk for d in assignment.comparison.dimensions.all()],
        "evidence": keys,
        **extra,
    }


def tray_card(page, annotation):
    """The tray card of one annotation, as text."""
    start = page.index(f'value="annotation:{annotation.pk}"')
    return page[start : page.index("</li>", start)]


def test_the_tray_says_a_private_note_reaches_the_teacher_when_used(
    client, assignment, student, notes
):
    client.force_login(student)

    page = client.get(reverse("essays:builder", args=[assignment.pk])).content.decode()

    assert TRAY_NOTE in tray_card(page, notes["private"])
    assert TRAY_NOTE not in tray_card(page, notes["shared"])


def test_the_preview_marks_the_private_note_it_placed(client, assignment, student, notes):
    client.force_login(student)
    keys = [f"annotation:{notes['private'].pk}", f"annotation:{notes['shared'].pk}"]

    response = client.post(
        reverse("essays:builder", args=[assignment.pk]),
        choices(assignment, keys),
        headers={**HTMX, "HX-Target": "builder-preview"},
    )

    page = response.content.decode()
    assert page.count(PREVIEW_NOTE) == 1
    quote = page.index(f"“{notes['private'].exact}”")
    assert page.index(PREVIEW_NOTE) > quote


def test_the_outline_editor_marks_evidence_from_a_private_note(
    client, assignment, student, teacher, notes
):
    client.force_login(student)
    keys = [f"annotation:{notes['private'].pk}", f"annotation:{notes['shared'].pk}"]
    client.post(
        reverse("essays:builder", args=[assignment.pk]), {**choices(assignment, keys), "create": 1}
    )
    outline = Outline.objects.get()
    assert Evidence.objects.filter(section__outline=outline, annotation=notes["private"]).exists()

    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    assert page.count(OUTLINE_NOTE) == 1
    # The teacher reads the words (that is what the student is told), without the note to
    # the student.
    client.force_login(teacher)
    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()
    assert notes["private"].exact in page
    assert OUTLINE_NOTE not in page
