"""The permission rules, asked directly, for every role and for a user of another class."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from counterpoint import permissions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "read", "write", "moderate"),
    [
        ("teacher", True, True, True),
        ("student", True, False, False),
        ("outsider_student", False, False, False),
        ("outsider_teacher", False, False, False),
    ],
)
def test_classroom_rules(request, classroom, who, read, write, moderate):
    user = request.getfixturevalue(who)

    assert permissions.can_read(user, classroom) is read
    assert permissions.can_write(user, classroom) is write
    assert permissions.can_moderate(user, classroom) is moderate


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("teacher", True, True),
        ("student", True, False),
        ("outsider_student", False, False),
        ("outsider_teacher", False, False),
    ],
)
def test_assignment_rules(request, assignment, who, read, write):
    user = request.getfixturevalue(who)

    assert permissions.can_read(user, assignment) is read
    assert permissions.can_write(user, assignment) is write


def test_anonymous_user_may_do_nothing(classroom, assignment):
    for obj in (classroom, assignment, assignment.comparison):
        assert not permissions.can_read(AnonymousUser(), obj)
        assert not permissions.can_write(AnonymousUser(), obj)


def test_comparison_is_readable_by_its_class_not_by_outsider_students(
    assignment, student, outsider_student
):
    comparison = assignment.comparison

    assert permissions.can_read(student, comparison)
    assert not permissions.can_read(outsider_student, comparison)
    assert not permissions.can_write(student, comparison)


def test_published_comparison_is_in_every_teachers_library_but_only_the_author_edits(
    assignment, outsider_teacher
):
    comparison = assignment.comparison

    assert permissions.can_read(outsider_teacher, comparison)
    assert not permissions.can_write(outsider_teacher, comparison)


def test_draft_comparison_is_the_authors_alone(comparison, teacher, outsider_teacher):
    comparison.is_published = False
    comparison.save()

    assert permissions.can_read(teacher, comparison)
    assert not permissions.can_read(outsider_teacher, comparison)


def test_lookup_gives_404_to_outsiders_and_403_to_members_without_the_right(
    classroom, student, outsider_teacher
):
    with pytest.raises(Http404):
        permissions.get_classroom_for(outsider_teacher, classroom.pk)
    with pytest.raises(PermissionDenied):
        permissions.get_classroom_for(student, classroom.pk, action="write")
    with pytest.raises(Http404):
        permissions.get_classroom_for(student, 999_999)


def test_roles_are_loaded_once_per_user_object(
    django_assert_num_queries, classroom, other_classroom, student
):
    with django_assert_num_queries(1):
        permissions.can_read(student, classroom)
        permissions.can_read(student, other_classroom)
        permissions.can_write(student, classroom)


def test_an_unknown_kind_of_object_is_an_error_not_a_yes():
    with pytest.raises(LookupError):
        permissions.can_read(type("Staff", (), {"is_authenticated": True})(), object())
