"""Who sees which annotation on the reading page: every visibility for every role."""

import pytest
from django.urls import reverse

from annotations.models import Annotation
from tests.annotations.helpers import annotate
from tests.factories import AssignmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

V = Annotation.Visibility

# (visibility, who) -> sees it?
MATRIX = [
    (V.PRIVATE, "student", True),
    (V.PRIVATE, "classmate", False),
    (V.PRIVATE, "teacher", False),
    (V.CLASS, "student", True),
    (V.CLASS, "classmate", True),
    (V.CLASS, "teacher", True),
    (V.TEACHER, "student", True),
    (V.TEACHER, "classmate", False),
    (V.TEACHER, "teacher", True),
]


@pytest.mark.parametrize(("visibility", "who", "sees"), MATRIX)
def test_reading_page_shows_an_annotation_only_to_those_its_visibility_allows(
    request, client, assignment, student, classmate, teacher, visibility, who, sees
):
    annotate(assignment, student, body="Secret-ish note", visibility=visibility)
    client.force_login(request.getfixturevalue(who))

    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()

    assert ("Secret-ish note" in page) is sees


@pytest.mark.parametrize("who", ["outsider_student", "outsider_teacher"])
def test_another_class_cannot_open_the_reading_page(request, client, assignment, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("comparisons:read", args=[assignment.pk])).status_code == 404


def test_same_comparison_in_another_class_shows_none_of_this_class_annotations(
    client, assignment, student, outsider_student, other_classroom
):
    annotate(assignment, student, body="Only for my class")
    theirs = AssignmentFactory(classroom=other_classroom, comparison=assignment.comparison)
    client.force_login(outsider_student)

    page = client.get(reverse("comparisons:read", args=[theirs.pk])).content.decode()

    assert "Only for my class" not in page


def test_a_reply_is_seen_only_where_its_annotation_is_seen(
    client, assignment, student, classmate, teacher
):
    private = annotate(assignment, student, visibility=V.PRIVATE)
    Annotation.objects.create(
        assignment=assignment,
        passage=private.passage,
        author=student,
        parent=private,
        body="Reply under a private note",
        visibility=V.PRIVATE,
    )
    client.force_login(classmate)

    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()

    assert "Reply under a private note" not in page


def test_a_teacher_reply_meant_for_one_student_reaches_that_student_only(
    client, assignment, student, classmate, teacher
):
    shared = annotate(assignment, student, visibility=V.CLASS)
    Annotation.objects.create(
        assignment=assignment,
        passage=shared.passage,
        author=teacher,
        parent=shared,
        body="Just between us",
        is_private_reply=True,
    )

    client.force_login(student)
    assert (
        "Just between us"
        in client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()
    )
    client.force_login(classmate)
    assert (
        "Just between us"
        not in client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()
    )


def test_a_co_teacher_sees_annotations_meant_for_the_teacher(
    client, assignment, student, classroom
):
    from tests.factories import UserFactory

    co_teacher = UserFactory()
    MembershipFactory(user=co_teacher, classroom=classroom, role="teacher")
    annotate(assignment, student, body="For my teachers", visibility=V.TEACHER)
    client.force_login(co_teacher)

    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()

    assert "For my teachers" in page


def test_private_annotations_are_left_out_of_filter_counts(client, assignment, student, classmate):
    annotate(assignment, student, visibility=V.PRIVATE, kind="question", body="Private q?")
    annotate(assignment, classmate, visibility=V.CLASS, kind="question", body="Shared q?")
    client.force_login(classmate)

    response = client.get(reverse("comparisons:read", args=[assignment.pk]), {"kind": "question"})

    assert response.context["total"] == 1
    assert response.context["facets"][0][2][1][2] == 1  # Kind: Question (1)
    assert "Private q?" not in response.content.decode()


# --- several viewers at once (Annotation.objects.seen_by: who is told of a new note) --------


@pytest.mark.parametrize("setting", ["plain", "groups", "think_first", "whole_class_choice"])
def test_seen_by_answers_for_each_viewer_as_visible_to_does(
    django_assert_num_queries,
    assignment,
    classroom,
    student,
    classmate,
    teacher,
    outsider_student,
    setting,
):
    """Every row (notes, replies, private replies, hidden ones, a deleted stub) and every
    viewer: seen_by gives exactly those for whom visible_to (by their own role, gate and
    scope) lists the row, in two queries however many viewers."""
    from counterpoint import permissions
    from counterpoint.models import Membership, StudyGroup
    from tests.factories import UserFactory

    other = UserFactory(display_name="Olga Other", email="olga@example.test")
    MembershipFactory(user=other, classroom=classroom, role=Membership.Role.STUDENT)
    viewers = [student, classmate, other, teacher, outsider_student]
    if setting in ("groups", "whole_class_choice"):
        group = StudyGroup.objects.create(classroom=classroom, name="Group A")
        Membership.objects.filter(user__in=[student, classmate], classroom=classroom).update(
            group=group
        )
    if setting == "whole_class_choice":
        classroom.students_may_see_whole_class = True
        classroom.save()
        Membership.objects.filter(user=classmate, classroom=classroom).update(sees_whole_class=True)
    if setting == "think_first":
        assignment.reveal_after_posts = 2  # Sam has posted one note, the others two
        assignment.save()
    rows = [
        annotate(assignment, student, body="class"),
        annotate(assignment, other, body="other's"),
        annotate(assignment, classmate, body="for the teacher", visibility=V.TEACHER),
        annotate(assignment, classmate, body="private", visibility=V.PRIVATE),
        annotate(assignment, teacher, body="teacher's"),
        annotate(assignment, other, body="hidden", is_hidden=True),
        annotate(assignment, other, body="", is_deleted=True),
    ]
    thread = rows[0]
    rows += [
        Annotation.objects.create(
            assignment=assignment, author=author, parent=parent, body="reply", **extra
        )
        for author, parent, extra in [
            (classmate, thread, {}),
            (other, thread, {}),
            (teacher, thread, {"is_private_reply": True}),
            (teacher, rows[1], {"is_private_reply": True}),
            (student, rows[5], {}),
        ]
    ]

    def sees(user, row):
        role = permissions.role_in(user, assignment.classroom_id)
        if role is None:
            return False
        visible = Annotation.objects.visible_to(
            user, assignment, is_teacher=role == permissions.TEACHER
        )
        return visible.filter(pk=row.pk, is_deleted=False).exists()

    for row in rows:
        row = Annotation.objects.select_related("assignment").get(pk=row.pk)
        expected = {user.pk for user in viewers if sees(user, row)}
        with django_assert_num_queries(2):
            assert {user.pk for user in Annotation.objects.seen_by(row, viewers)} == expected
        with django_assert_num_queries(2):  # the people as a query of their own
            people = UserFactory._meta.model.objects.filter(pk__in=[u.pk for u in viewers])
            assert {user.pk for user in Annotation.objects.seen_by(row, people)} == expected


def test_seen_by_answers_a_lecture_a_row_per_thousand(
    monkeypatch, django_assert_num_queries, assignment, student, classmate, teacher
):
    from annotations import models

    note = annotate(assignment, student, body="for the teacher", visibility=V.TEACHER)
    note = Annotation.objects.select_related("assignment").get(pk=note.pk)
    monkeypatch.setattr(models, "SEEN_BY_COLUMNS", 2)

    # the memberships, then a row for each two
    with django_assert_num_queries(3):
        seen = Annotation.objects.seen_by(note, [student, classmate, teacher])

    assert {user.pk for user in seen} == {student.pk, teacher.pk}
