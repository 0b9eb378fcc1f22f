"""Assigning a comparison to a class, and the student's list of assignments."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from counterpoint.models import Assignment, Membership
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    ComparisonFactory,
    MembershipFactory,
    comparison_with_content,
)

pytestmark = pytest.mark.django_db


def assign_url(classroom):
    return reverse("comparisons:assign", args=[classroom.pk])


def local(moment):
    """A datetime as the datetime-local input sends it, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def assignment_data(comparison, **overrides):
    return {
        "comparison": comparison.pk,
        "due_at": local(timezone.now() + timedelta(days=3)),
        "instructions": "Read it twice, then annotate.",
        "essay_prompt": "How far did Khrushchev break with Stalin?",
        **overrides,
    }


# Assigning


def test_teacher_assigns_a_published_comparison_to_the_class(
    client, classroom, teacher, comparison
):
    client.force_login(teacher)
    due = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)

    response = client.post(assign_url(classroom), assignment_data(comparison, due_at=local(due)))

    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("classroom", args=[classroom.pk])
    assert assignment.classroom == classroom
    assert assignment.comparison == comparison
    assert assignment.due_at == due
    assert assignment.instructions == "Read it twice, then annotate."
    assert assignment.essay_prompt == "How far did Khrushchev break with Stalin?"


def test_class_page_lists_the_new_assignment(client, classroom, teacher, comparison):
    client.force_login(teacher)

    response = client.post(assign_url(classroom), assignment_data(comparison), follow=True)

    page = response.content.decode()
    assignment = Assignment.objects.get()
    assert f"Assigned {comparison.title} to {classroom.name}." in page
    assert reverse("comparisons:read", args=[assignment.pk]) in page
    assert "How far did Khrushchev break with Stalin?" in page


def test_another_teachers_published_comparison_is_assigned_as_your_own_copy(
    client, classroom, teacher, outsider_teacher
):
    theirs = comparison_with_content(outsider_teacher)
    client.force_login(teacher)

    response = client.post(assign_url(classroom), assignment_data(theirs), follow=True)

    copy = Assignment.objects.get().comparison
    assert response.redirect_chain[-1][1] == 302
    assert copy != theirs
    assert (copy.author, copy.based_on) == (teacher, theirs)
    assert f"Assigned your own copy of {theirs.title} to {classroom.name}." in (
        response.content.decode()
    )


def test_the_form_offers_the_comparison_named_in_the_link(client, classroom, teacher, comparison):
    client.force_login(teacher)

    page = client.get(assign_url(classroom), {"comparison": comparison.pk}).content.decode()

    assert f'<option value="{comparison.pk}" selected>' in page


def test_due_date_in_the_past_is_refused_keeping_what_was_typed(
    client, classroom, teacher, comparison
):
    client.force_login(teacher)

    response = client.post(
        assign_url(classroom),
        assignment_data(
            comparison,
            due_at=local(timezone.now() - timedelta(days=1)),
            instructions="Annotate every paragraph.",
            essay_prompt="Was the Thaw real?",
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The due date is in the past. Choose a later date." in page
    assert "Annotate every paragraph." in page
    assert "Was the Thaw real?" in page
    assert not Assignment.objects.exists()


def test_missing_essay_question_is_refused(client, classroom, teacher, comparison):
    client.force_login(teacher)

    response = client.post(assign_url(classroom), assignment_data(comparison, essay_prompt=""))

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Assignment.objects.exists()


def test_an_unpublished_comparison_is_not_offered(client, classroom, teacher, comparison):
    draft = ComparisonFactory(author=teacher, title="Unfinished draft", is_published=False)
    client.force_login(teacher)

    page = client.get(assign_url(classroom)).content.decode()

    assert comparison.title in page
    assert "Unfinished draft" not in page
    assert f'value="{draft.pk}"' not in page


def test_choosing_an_unpublished_comparison_by_its_id_is_refused(
    client, classroom, teacher, comparison
):
    draft = ComparisonFactory(author=teacher, is_published=False)
    client.force_login(teacher)

    response = client.post(assign_url(classroom), assignment_data(draft))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.exists()


def test_with_nothing_published_the_teacher_is_told_to_publish_first(client, classroom, teacher):
    ComparisonFactory(author=teacher, is_published=False)
    client.force_login(teacher)

    page = client.get(assign_url(classroom)).content.decode()

    assert "There is no published comparison to assign yet." in page


def test_student_gets_403(client, classroom, student, comparison):
    client.force_login(student)

    assert client.get(assign_url(classroom)).status_code == 403
    assert client.post(assign_url(classroom), assignment_data(comparison)).status_code == 403
    assert not Assignment.objects.exists()


def test_teacher_of_another_class_gets_404(client, classroom, outsider_teacher, comparison):
    client.force_login(outsider_teacher)

    assert client.get(assign_url(classroom)).status_code == 404
    assert client.post(assign_url(classroom), assignment_data(comparison)).status_code == 404
    assert not Assignment.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in(client, classroom, comparison):
    response = client.post(assign_url(classroom), assignment_data(comparison))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# The student's dashboard


def test_dashboard_lists_assignments_soonest_due_first(client, classroom, teacher, student):
    now = timezone.now()
    for title, days in [("Later", 9), ("Sooner", 2), ("Middle", 5)]:
        AssignmentFactory(
            classroom=classroom,
            comparison=ComparisonFactory(author=teacher, title=title),
            due_at=now + timedelta(days=days),
        )
    client.force_login(student)

    page = client.get(reverse("dashboard")).content.decode()

    assert page.index("Sooner") < page.index("Middle") < page.index("Later")


def test_overdue_assignment_is_marked_overdue(client, classroom, teacher, student):
    AssignmentFactory(
        classroom=classroom,
        comparison=ComparisonFactory(author=teacher, title="Past due"),
        due_at=timezone.now() - timedelta(days=1),
    )
    AssignmentFactory(
        classroom=classroom,
        comparison=ComparisonFactory(author=teacher, title="Still to do"),
        due_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(student)

    page = client.get(reverse("dashboard")).content.decode()

    past_due = page.split("Past due", 1)[1].split("</li>", 1)[0]
    still_to_do = page.split("Still to do", 1)[1].split("</li>", 1)[0]
    assert "Overdue" in past_due
    assert "Overdue" not in still_to_do


def test_dashboard_leaves_out_assignments_of_archived_classes(client, teacher, student):
    archived = ClassroomFactory(name="Last year", is_archived=True)
    MembershipFactory(user=student, classroom=archived, role=Membership.Role.STUDENT)
    AssignmentFactory(
        classroom=archived, comparison=ComparisonFactory(author=teacher, title="Old reading")
    )
    client.force_login(student)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Old reading" not in page


def test_dashboard_leaves_out_assignments_of_other_classes(
    client, other_classroom, outsider_teacher, student
):
    AssignmentFactory(
        classroom=other_classroom,
        comparison=ComparisonFactory(author=outsider_teacher, title="Their reading"),
    )
    client.force_login(student)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Their reading" not in page
    assert "No assignments yet." in page


def test_dashboard_leaves_out_classes_i_teach(client, classroom, teacher, student):
    """A teacher who is also a student elsewhere sees only what they were set as a student."""
    AssignmentFactory(
        classroom=classroom, comparison=ComparisonFactory(author=teacher, title="I set this")
    )
    other = ClassroomFactory()
    MembershipFactory(user=teacher, classroom=other, role=Membership.Role.STUDENT)
    AssignmentFactory(classroom=other, comparison=ComparisonFactory(title="I was set this"))
    client.force_login(teacher)

    page = client.get(reverse("dashboard")).content.decode()

    assert "I was set this" in page
    assert "I set this" not in page


def test_an_archived_class_takes_no_new_assignments(client, classroom, teacher, comparison):
    classroom.archive()
    client.force_login(teacher)

    response = client.post(assign_url(classroom), assignment_data(comparison), follow=True)

    assert "is archived" in response.content.decode()
    assert not classroom.assignments.exists()
