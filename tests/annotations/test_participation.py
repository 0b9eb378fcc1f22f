"""Reading goals and the participation record: what counts (and what never does), the
student's own checklist on the reading page, the teacher's goal page, the class dashboard
and the gradebook CSV."""

import csv
import io

import pytest
from django.urls import reverse

from annotations import participation
from annotations.models import Annotation, Helpful, ReadingGoal
from essays import csv_exports
from tests.annotations.helpers import annotate, first_passage, selection_post
from tests.factories import AnnotationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def read_url(assignment):
    return reverse("comparisons:read", args=[assignment.pk])


def goal_url(assignment):
    return reverse("annotations:reading_goal", args=[assignment.pk])


def progress_url(assignment):
    return reverse("annotations:reading_goal_progress", args=[assignment.pk])


@pytest.fixture
def goal(assignment):
    return ReadingGoal.objects.create(assignment=assignment, evidence=2, questions=1, replies=1)


@pytest.fixture
def activity(assignment, student, classmate, teacher):
    """Sam: two evidence notes (one marked helpful by Cleo and by Sam himself), a question,
    a reply to Cleo and a reply to himself. And what never counts: a private note, a deleted
    one, a hidden one, and a reply in a hidden thread."""
    evidence = annotate(assignment, student, kind="evidence")
    annotate(assignment, student, kind="evidence")
    annotate(assignment, student, kind="question")
    cleos = annotate(assignment, classmate, kind="comment")
    AnnotationFactory(parent=cleos, author=student)
    AnnotationFactory(parent=evidence, author=student)  # to himself: not to a classmate
    Helpful.objects.create(annotation=evidence, user=classmate)
    Helpful.objects.create(annotation=evidence, user=student)  # his own mark: not counted
    annotate(assignment, student, kind="evidence", visibility="private")
    annotate(assignment, student, kind="evidence", is_deleted=True)
    hidden = annotate(assignment, student, kind="question")
    hidden.hide(teacher, "Off topic")
    hidden_thread = annotate(assignment, classmate, kind="comment")
    AnnotationFactory(parent=hidden_thread, author=student)
    hidden_thread.hide(teacher, "Off topic")
    return {"evidence": evidence, "cleos": cleos}


def test_counts_leave_out_private_deleted_and_hidden_notes_and_self_marks(
    assignment, student, classmate, activity
):
    counts = participation.counts_by_author(assignment)

    assert counts[student.pk] == participation.Counts(
        evidence=2, questions=1, comments=0, replies=1, helpful=1
    )
    assert counts[classmate.pk] == participation.Counts(comments=1)


def test_progress_lists_only_what_the_goal_asks_for(goal):
    progress = participation.progress(goal, participation.Counts(evidence=3, replies=0))

    assert [(i.label, i.have, i.need, i.met) for i in progress.items] == [
        ("Evidence notes", 3, 2, True),
        ("Questions", 0, 1, False),
        ("Replies to classmates", 0, 1, False),
    ]
    assert not progress.met and progress.met_count == 1


# --- the student's checklist --------------------------------------------------------------


def test_a_student_sees_their_own_progress_on_the_reading_page(
    client, assignment, student, goal, activity
):
    client.force_login(student)

    page = client.get(read_url(assignment)).content.decode()

    assert "Your reading goal" in page
    assert "Evidence notes: 2 of 2" in page
    assert "Questions: 1 of 1" in page
    assert "Replies to classmates: 1 of 1" in page
    assert "3 of 3 done" in page


def test_a_classmate_sees_only_their_own_counts(client, assignment, classmate, goal, activity):
    client.force_login(classmate)

    page = client.get(read_url(assignment)).content.decode()

    assert "Evidence notes: 0 of 2" in page
    assert "0 of 3 done" in page


def test_without_a_goal_there_is_no_checklist(client, assignment, student, activity):
    client.force_login(student)

    assert "Your reading goal" not in client.get(read_url(assignment)).content.decode()


def test_the_teacher_reading_page_has_no_checklist_but_a_link_to_the_goal(
    client, assignment, teacher, goal
):
    client.force_login(teacher)

    page = client.get(read_url(assignment)).content.decode()

    assert "Your reading goal" not in page
    assert goal_url(assignment) in page


def test_a_new_note_asks_the_checklist_to_refresh_and_it_comes_back_counted(
    client, assignment, student, goal
):
    client.force_login(student)

    response = client.post(
        reverse("annotations:new", args=[assignment.pk]),
        selection_post(first_passage(assignment), first_passage(assignment).text.split()[0]),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "notes-changed" in response["HX-Trigger"]
    fragment = client.get(progress_url(assignment), headers=HTMX).content.decode()
    assert "Evidence notes: 1 of 2" in fragment
    assert "<html" not in fragment


def test_a_reply_asks_the_checklist_to_refresh(client, assignment, student, classmate, goal):
    cleos = annotate(assignment, classmate, kind="comment")
    client.force_login(student)

    response = client.post(
        reverse("annotations:reply", args=[cleos.pk]), {"body": "I agree."}, headers=HTMX
    )

    assert "notes-changed" in response["HX-Trigger"]
    assert "Replies to classmates: 1 of 1" in client.get(progress_url(assignment)).content.decode()


@pytest.mark.parametrize(("who", "status"), [("teacher", 404), ("outsider_student", 404)])
def test_the_checklist_is_only_for_the_class_students(
    request, client, assignment, goal, who, status
):
    client.force_login(request.getfixturevalue(who))

    assert client.get(progress_url(assignment)).status_code == status


# --- the goal page ------------------------------------------------------------------------


def test_the_teacher_sets_the_reading_goal(client, assignment, teacher):
    client.force_login(teacher)

    response = client.post(
        goal_url(assignment), {"evidence": "2", "questions": "1", "comments": "0", "replies": "3"}
    )

    assert response.status_code == 302
    goal = ReadingGoal.objects.get(assignment=assignment)
    assert (goal.evidence, goal.questions, goal.comments, goal.replies) == (2, 1, 0, 3)


def test_an_impossible_goal_is_refused_beside_its_field_keeping_what_was_typed(
    client, assignment, teacher
):
    client.force_login(teacher)

    response = client.post(
        goal_url(assignment), {"evidence": "80", "questions": "1", "comments": "0", "replies": "0"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="80"' in page and 'aria-invalid="true"' in page
    assert not ReadingGoal.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("outsider_teacher", 404)])
def test_only_the_class_teachers_set_the_goal(request, client, assignment, who, status):
    client.force_login(request.getfixturevalue(who))

    assert client.get(goal_url(assignment)).status_code == status
    response = client.post(
        goal_url(assignment), {"evidence": "2", "questions": "0", "comments": "0", "replies": "0"}
    )
    assert response.status_code == status
    assert not ReadingGoal.objects.exists()


# --- the teacher's record -----------------------------------------------------------------


def test_the_class_dashboard_shows_each_students_record(
    client, classroom, assignment, teacher, goal, activity
):
    client.force_login(teacher)

    response = client.get(
        reverse("insights:class_dashboard", args=[classroom.pk]), {"assignment": assignment.pk}
    )

    page = response.content.decode()
    record = page.split('id="participation-heading"', 1)[1].split("</table>", 1)[0]
    sam = record.split("Sam Student", 1)[1].split("</tr>", 1)[0]
    assert [cell.split("<")[0] for cell in sam.split('<td class="number">')[1:]] == [
        "2",
        "1",
        "0",
        "1",
        "1",
    ]
    assert "Met" in sam
    cleo = record.split("Cleo Classmate", 1)[1].split("</tr>", 1)[0]
    assert "0 of 3" in cleo


def test_the_gradebook_carries_the_record_and_whether_the_goal_was_met(
    client, assignment, teacher, goal, activity
):
    client.force_login(teacher)

    response = client.get(reverse("insights:gradebook", args=[assignment.pk]))

    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    cells = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert header[-6:] == [
        "Evidence notes",
        "Questions",
        "Comments",
        "Replies to classmates",
        "Helpful marks received",
        "Reading goal met",
    ]
    sam = cells["Sam Student"]
    assert [sam[name] for name in header[-6:]] == ["2", "1", "0", "1", "1", "yes"]
    assert cells["Cleo Classmate"]["Reading goal met"] == "no"


def test_a_hidden_note_stops_counting_everywhere(assignment, student, teacher, goal, activity):
    before = participation.counts_by_author(assignment)[student.pk]
    activity["evidence"].hide(teacher, "Copied")

    after = participation.counts_by_author(assignment)[student.pk]
    header, *rows = csv_exports.gradebook_rows(assignment)

    assert (before.evidence, before.helpful) == (2, 1)
    assert (after.evidence, after.helpful) == (1, 0)
    sam = dict(zip(header, next(r for r in rows if r[0] == "Sam Student"), strict=True))
    assert (sam["Evidence notes"], sam["Reading goal met"]) == (1, "no")
    assert Annotation.objects.filter(pk=activity["evidence"].pk, is_hidden=True).exists()
