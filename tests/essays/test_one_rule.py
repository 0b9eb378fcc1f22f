"""Where the page and the API used to disagree: each channel now asks the same rule.

Confirming feedback the student never answered, and lateness after an extension, were
written twice and had drifted; these tests failed before the rule lived in one place."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from essays import csv_exports, dashboard, feedback
from essays.models import NOTHING_TO_CONFIRM, Evidence, Extension, FeedbackComment, Outline
from essays.views import submission_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(assignment, student):
    outline = Outline.objects.create(assignment=assignment, author=student, title="Outline")
    return feedback.outline_transition(outline=outline, action="submit")


@pytest.fixture
def unanswered(submitted, teacher):
    return feedback.comment_add(outline=submitted, author=teacher, body="Cite both subjects.")


def test_the_page_refuses_to_confirm_a_comment_the_student_never_answered(
    client, submitted, unanswered, teacher
):
    client.force_login(teacher)

    response = client.post(reverse("essays:review_confirm", args=[submitted.pk, unanswered.pk]))

    assert response.status_code == 400
    assert "nothing to confirm" in response.content.decode()
    unanswered.refresh_from_db()
    assert unanswered.confirmed is False


def test_the_api_refuses_to_confirm_a_comment_the_student_never_answered(
    submitted, unanswered, teacher
):
    api = APIClient()
    api.force_authenticate(teacher)

    response = api.post(
        f"/api/v1/outlines/{submitted.pk}/comments/{unanswered.pk}/confirm/", {}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NOTHING_TO_CONFIRM]}
    unanswered.refresh_from_db()
    assert unanswered.confirmed is False


def test_lateness_after_an_extension_is_the_same_on_every_page(assignment, student, teacher):
    """Submitted after the class's due date, then given an extension past that moment: the
    extension excuses it, and the submissions page, the dashboard and the gradebook say so
    alike."""
    assignment.due_at = timezone.now() - timedelta(days=2)
    assignment.save(update_fields=["due_at"])
    outline = Outline.objects.create(assignment=assignment, author=student, title="Outline")
    feedback.outline_transition(outline=outline, action="submit")
    Extension.objects.create(
        assignment=assignment, student=student, due_at=timezone.now() + timedelta(days=1)
    )

    page = next(row for row in submission_rows(assignment) if row["student"] == student)
    board = next(
        row for row in dashboard.figures(assignment, teacher).students if row.student == student
    )
    header, *rows = csv_exports.gradebook_rows(assignment)
    sheet = next(row for row in rows if row[0] == student.display_name)

    assert page["late"] is False
    assert board.late == "no"
    assert sheet[header.index("Outline late")] == "no"


def test_lateness_without_an_extension_is_the_same_on_every_page(assignment, student, teacher):
    assignment.due_at = timezone.now() - timedelta(days=2)
    assignment.save(update_fields=["due_at"])
    outline = Outline.objects.create(assignment=assignment, author=student, title="Outline")
    feedback.outline_transition(outline=outline, action="submit")

    page = next(row for row in submission_rows(assignment) if row["student"] == student)
    board = next(
        row for row in dashboard.figures(assignment, teacher).students if row.student == student
    )
    header, *rows = csv_exports.gradebook_rows(assignment)
    sheet = next(row for row in rows if row[0] == student.display_name)

    assert page["late"] is True
    assert board.late == "yes"
    assert sheet[header.index("Outline late")] == "yes"


def test_a_comment_the_student_answered_is_confirmed_on_both_channels(
    client, submitted, unanswered, teacher
):
    unanswered.state = FeedbackComment.State.ADDRESSED
    unanswered.save(update_fields=["state"])
    client.force_login(teacher)

    response = client.post(reverse("essays:review_confirm", args=[submitted.pk, unanswered.pk]))

    assert response.status_code == 302
    unanswered.refresh_from_db()
    assert unanswered.confirmed is True


def test_evidence_added_back_on_the_page_is_the_snapshot_the_builder_made(
    client, assignment, student
):
    """The editor's "Add evidence" used to build its row by hand: no nudge for the student's
    commentary, and a relation that ignored the outline's stance."""
    from tests.annotations.helpers import annotate
    from tests.essays.helpers import outline_from

    stalin = assignment.comparison.subjects.order_by("order").first()
    dimension = assignment.comparison.dimensions.order_by("order").first()
    note = annotate(assignment, student, subjects=[stalin], dimension=dimension)
    outline = outline_from(assignment, student, [f"annotation:{note.pk}"], [dimension.pk])
    placed = Evidence.objects.get(section__outline=outline)
    fields = ["key", "quote", "note", "citation", "relation", "form", "subject_id", "prompt"]
    made = {name: getattr(placed, name) for name in fields}
    client.force_login(student)
    url = reverse("essays:action", args=[outline.pk])

    client.post(url, {"action": "remove-evidence", "evidence": placed.pk, "version": 1})
    response = client.post(
        url,
        {"action": "add-evidence", "section": placed.section_id, "key": made["key"], "version": 2},
    )

    assert response.status_code == 302
    again = Evidence.objects.get(section__outline=outline)
    assert {name: getattr(again, name) for name in fields} == made
