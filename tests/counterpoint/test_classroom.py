import json

import pytest
from django.test import Client
from django.urls import reverse

from counterpoint.models import Classroom, Membership

pytestmark = pytest.mark.django_db


def announced(response):
    """The message the response asks the page to announce, from its HX-Trigger header."""
    return json.loads(response.headers["HX-Trigger"])["announce"]["message"]


def test_teacher_creates_a_class_and_sees_its_join_code(client, outsider_teacher):
    client.force_login(outsider_teacher)

    response = client.post(reverse("classroom_new"), {"name": "Year 12 Politics"})

    classroom = Classroom.objects.get(name="Year 12 Politics")
    assert response.url == reverse("classroom", args=[classroom.pk])
    assert Membership.objects.get(classroom=classroom).role == "teacher"
    page = client.get(response.url).content.decode()
    assert classroom.join_code_display in page


def test_class_without_a_name_is_refused_with_a_message(client, teacher):
    client.force_login(teacher)

    response = client.post(reverse("classroom_new"), {"name": ""})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_student_sees_the_class_but_not_its_join_code_or_roster(
    client, classroom, student, classmate
):
    client.force_login(student)

    page = client.get(reverse("classroom", args=[classroom.pk])).content.decode()

    assert classroom.name in page
    assert classroom.join_code_display not in page
    assert classmate.display_name not in page


def test_no_email_address_is_shown_to_classmates(client, classroom, teacher, student, classmate):
    client.force_login(classmate)

    for url in [reverse("classroom", args=[classroom.pk]), reverse("dashboard")]:
        page = client.get(url).content.decode()
        assert student.email not in page
        assert teacher.email not in page


def test_teacher_sees_the_roster(client, classroom, teacher, student, classmate):
    client.force_login(teacher)

    page = client.get(reverse("classroom", args=[classroom.pk])).content.decode()

    assert student.display_name in page
    assert classmate.display_name in page


def test_rotating_the_code_over_htmx_returns_the_new_code_only(client, classroom, teacher):
    client.force_login(teacher)
    old = classroom.join_code

    response = client.post(
        reverse("classroom_rotate_code", args=[classroom.pk]), headers={"HX-Request": "true"}
    )

    classroom.refresh_from_db()
    assert classroom.join_code != old
    body = response.content.decode()
    assert classroom.join_code_display in body
    assert "<html" not in body
    # Spoken through the page's one live region, which stays in place (announced, not swapped).
    assert 'id="announcer"' not in body
    assert "no longer works" in announced(response)


def test_rotating_the_code_without_htmx_redirects_back(client, classroom, teacher):
    client.force_login(teacher)

    response = client.post(reverse("classroom_rotate_code", args=[classroom.pk]))

    assert response.status_code == 302


def test_student_cannot_rotate_the_code(client, classroom, student):
    client.force_login(student)
    old = classroom.join_code

    response = client.post(reverse("classroom_rotate_code", args=[classroom.pk]))

    assert response.status_code == 403
    classroom.refresh_from_db()
    assert classroom.join_code == old


def test_teacher_of_another_class_gets_404(client, classroom, outsider_teacher):
    client.force_login(outsider_teacher)

    assert client.get(reverse("classroom", args=[classroom.pk])).status_code == 404
    assert client.post(reverse("classroom_rotate_code", args=[classroom.pk])).status_code == 404
    assert client.post(reverse("classroom_archive", args=[classroom.pk])).status_code == 404


def test_teacher_archives_and_restores_a_class(client, classroom, teacher):
    client.force_login(teacher)

    client.post(reverse("classroom_archive", args=[classroom.pk]))
    classroom.refresh_from_db()
    assert classroom.is_archived

    client.post(reverse("classroom_archive", args=[classroom.pk]), {"archive": "0"})
    classroom.refresh_from_db()
    assert not classroom.is_archived


def test_teacher_removes_a_student_over_htmx(client, classroom, teacher, student):
    client.force_login(teacher)
    membership = Membership.objects.get(user=student, classroom=classroom)

    response = client.post(
        reverse("membership_remove", args=[classroom.pk, membership.pk]),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.content == b""  # the row goes
    assert "was removed" in announced(response)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.force_login(student)
    assert client.get(reverse("classroom", args=[classroom.pk])).status_code == 404


def test_teacher_cannot_remove_a_fellow_teacher_through_the_student_route(
    client, classroom, teacher
):
    client.force_login(teacher)
    own = Membership.objects.get(user=teacher, classroom=classroom)

    response = client.post(reverse("membership_remove", args=[classroom.pk, own.pk]))

    assert response.status_code == 404


def test_teacher_cannot_remove_a_student_of_another_class(
    client, classroom, teacher, outsider_student
):
    client.force_login(teacher)
    theirs = Membership.objects.get(user=outsider_student)

    response = client.post(reverse("membership_remove", args=[classroom.pk, theirs.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_student_cannot_remove_a_classmate(client, classroom, student, classmate):
    client.force_login(student)
    theirs = Membership.objects.get(user=classmate)

    response = client.post(reverse("membership_remove", args=[classroom.pk, theirs.pk]))

    assert response.status_code == 403


def test_writes_need_a_csrf_token(classroom, teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = client.post(
        reverse("classroom_rotate_code", args=[classroom.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 403


def test_dashboard_lists_classes_by_role_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, classroom, teacher, other_classroom
):
    from counterpoint.models import CoTeacherInvitation
    from tests.factories import ClassroomFactory, MembershipFactory, UserFactory

    for _ in range(5):
        MembershipFactory(user=teacher, classroom=ClassroomFactory(), role="teacher")
        MembershipFactory(user=teacher, classroom=ClassroomFactory(), role="student")
        CoTeacherInvitation.objects.create(
            classroom=ClassroomFactory(), email=teacher.email, invited_by=UserFactory()
        )
    client.force_login(teacher)

    # session, user, memberships with student counts, my roles (for assignments),
    # assignments due, invitations to teach (with their class and sender)
    # + the navigation's moderation link (one query)
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(8):
        response = client.get(reverse("dashboard"))

    page = response.content.decode()
    assert page.count('class="meta"') >= 11
    assert page.count("invites you to teach") == 5


def test_an_accepted_invitation_makes_a_co_teacher_who_can_then_moderate(
    client, classroom, teacher
):
    from counterpoint.models import CoTeacherInvitation
    from tests.factories import UserFactory

    colleague = UserFactory(email="colleague@example.test")
    client.force_login(teacher)
    client.post(
        reverse("co_teacher_invite", args=[classroom.pk]), {"email": "Colleague@example.test"}
    )
    assert not Membership.objects.filter(user=colleague, classroom=classroom).exists()

    client.force_login(colleague)
    client.post(reverse("invitation_accept", args=[CoTeacherInvitation.objects.get().pk]))

    assert Membership.objects.get(user=colleague, classroom=classroom).role == "teacher"
    assert client.get(reverse("annotations:moderation", args=[classroom.pk])).status_code == 200


def test_an_unknown_address_gets_the_same_calm_answer(client, classroom, teacher):
    client.force_login(teacher)

    response = client.post(
        reverse("co_teacher_invite", args=[classroom.pk]),
        {"email": "nobody@example.test"},
        follow=True,
    )

    assert "If that address has an account" in response.content.decode()
    assert "No account uses that address" not in response.content.decode()


def test_students_cannot_invite_co_teachers(client, classroom, student, classmate):
    client.force_login(student)

    response = client.post(
        reverse("co_teacher_invite", args=[classroom.pk]), {"email": classmate.email}
    )

    assert response.status_code == 403


def test_teacher_dashboard_shows_open_flags_and_submissions_waiting(
    client, classroom, assignment, teacher, student, classmate
):
    from annotations.models import Flag
    from essays.models import Outline
    from tests.annotations.helpers import annotate

    note = annotate(assignment, student)
    Flag.objects.create(annotation=note, reporter=classmate, reason="unkind")
    Outline.objects.create(assignment=assignment, author=student, title="T", status="submitted")
    client.force_login(teacher)

    page = client.get(reverse("dashboard")).content.decode()

    assert '<span class="badge">1</span> open flag</a>' in page
    assert '<span class="badge">1</span> submission waiting for review' in page


def test_student_dashboard_shows_where_each_assignment_stands(client, assignment, student):
    from essays.models import Outline
    from tests.annotations.helpers import annotate

    client.force_login(student)
    assert "Not started" in client.get(reverse("dashboard")).content.decode()

    annotate(assignment, student)
    assert "Annotating" in client.get(reverse("dashboard")).content.decode()

    Outline.objects.create(assignment=assignment, author=student, title="T", status="returned")
    assert "Returned" in client.get(reverse("dashboard")).content.decode()
