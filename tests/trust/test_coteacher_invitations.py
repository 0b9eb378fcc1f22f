"""Nobody becomes a co-teacher without saying yes, and inviting one tells the sender nothing
about who has an account (issue 15, finding 4).

A teacher invites an e-mail address; the person with that address sees the invitation on
their dashboard and accepts or declines it. The answer to the teacher is the same whether or
not the address has an account. A co-teacher can leave a class, and delete their account,
whenever another teacher keeps the class.
"""

import re
from datetime import timedelta
from html import escape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from counterpoint.models import CoTeacherInvitation, Membership, User
from counterpoint.services import INVITED, NotAllowed, coteacher_accept, teacher_leave
from tests.factories import PASSWORD, MembershipFactory, UserFactory

HTMX = {"HX-Request": "true"}
SAID = escape(INVITED)


def _same_page(body, email):
    """The page with the typed address, the invitation's id and the per-render CSRF tokens
    taken out."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    body = re.sub(r"/invitations/\d+/", "/invitations/N/", body)
    return body.replace(email, "ADDRESS")


@pytest.fixture
def colleague(db):
    return UserFactory(display_name="Dr Colleague", email="colleague@example.test")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def invite(client, classroom, email, **kwargs):
    return client.post(
        reverse("co_teacher_invite", args=[classroom.pk]), {"email": email}, **kwargs
    )


def is_teacher(user, classroom):
    return Membership.objects.filter(user=user, classroom=classroom, role="teacher").exists()


# --- inviting ---------------------------------------------------------------------------------


def test_inviting_someone_does_not_make_them_a_teacher(classroom, teacher, colleague):
    invite(logged_in(teacher), classroom, "Colleague@example.test")

    assert not is_teacher(colleague, classroom)
    invitation = CoTeacherInvitation.objects.get()
    assert (invitation.email, invitation.state) == ("colleague@example.test", "pending")
    assert invitation.invited_by == teacher


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    classroom, teacher, colleague
):
    client = logged_in(teacher)

    known = invite(client, classroom, colleague.email, follow=True).content.decode()
    CoTeacherInvitation.objects.all().delete()
    unknown = invite(client, classroom, "nobody@example.test", follow=True).content.decode()

    assert SAID in known and SAID in unknown
    assert "Dr Colleague" not in known
    # The two pages differ only in the address shown in the list of open invitations.
    assert _same_page(known, colleague.email) == _same_page(unknown, "nobody@example.test")


def test_the_htmx_answer_is_the_same_whether_or_not_the_address_has_an_account(
    classroom, teacher, colleague, student
):
    client = logged_in(teacher)

    answers = [
        invite(client, classroom, email, headers=HTMX)
        for email in (colleague.email, "nobody@example.test", student.email)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200]
    bodies = [a.content.decode() for a in answers]
    assert all(SAID in body for body in bodies)
    assert "Dr Colleague" not in bodies[0]
    # A student of the class gets no invitation (there is nothing to ask), yet the same words.
    assert not CoTeacherInvitation.objects.filter(email=student.email).exists()


def test_inviting_the_same_address_twice_makes_one_invitation(classroom, teacher, colleague):
    client = logged_in(teacher)

    invite(client, classroom, colleague.email)
    invite(client, classroom, colleague.email.upper())

    assert CoTeacherInvitation.objects.count() == 1


def test_a_malformed_address_is_a_form_error_that_keeps_what_was_typed(classroom, teacher):
    response = invite(logged_in(teacher), classroom, "not-an-address")

    assert response.status_code == 422
    page = response.content.decode()
    assert "Enter a valid email address" in page
    assert 'value="not-an-address"' in page
    assert not CoTeacherInvitation.objects.exists()


def test_invitations_are_rate_limited_and_the_typed_address_is_kept(classroom, teacher, settings):
    settings.COTEACHER_INVITE_RATE_LIMIT = 3
    client = logged_in(teacher)
    for n in range(3):
        assert invite(client, classroom, f"person{n}@example.test").status_code == 302

    response = invite(client, classroom, "one-more@example.test")

    assert response.status_code == 429
    page = response.content.decode()
    assert "a lot of invitations in a short time" in page
    assert 'value="one-more@example.test"' in page
    assert CoTeacherInvitation.objects.count() == 3


def test_students_cannot_invite_co_teachers(classroom, student, classmate):
    response = invite(logged_in(student), classroom, classmate.email)

    assert response.status_code == 403
    assert not CoTeacherInvitation.objects.exists()


def test_the_teacher_sees_open_invitations_and_can_withdraw_one(classroom, teacher, colleague):
    client = logged_in(teacher)
    invite(client, classroom, colleague.email)
    invitation = CoTeacherInvitation.objects.get()

    page = client.get(reverse("classroom", args=[classroom.pk])).content.decode()
    assert "Waiting for an answer" in page and colleague.email in page

    response = client.post(
        reverse("co_teacher_withdraw", args=[classroom.pk, invitation.pk]), headers=HTMX
    )

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.state == "withdrawn"
    dashboard = logged_in(colleague).get(reverse("dashboard")).content.decode()
    assert "Invitations to teach" not in dashboard


# --- answering ---------------------------------------------------------------------------------


@pytest.fixture
def invitation(classroom, teacher, colleague):
    return CoTeacherInvitation.objects.create(
        classroom=classroom, email=colleague.email, invited_by=teacher
    )


def test_the_invitee_sees_the_invitation_on_their_dashboard(colleague, invitation):
    page = logged_in(colleague).get(reverse("dashboard")).content.decode()

    assert "Invitations to teach" in page
    assert "Ms Teacher invites you to teach this class" in page
    assert reverse("invitation_accept", args=[invitation.pk]) in page
    assert reverse("invitation_decline", args=[invitation.pk]) in page


def test_accepting_makes_them_a_teacher_of_the_class(classroom, colleague, invitation):
    response = logged_in(colleague).post(reverse("invitation_accept", args=[invitation.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("classroom", args=[classroom.pk])
    assert is_teacher(colleague, classroom)
    invitation.refresh_from_db()
    assert invitation.state == "accepted"


def test_accepting_with_htmx_answers_in_place(classroom, colleague, invitation):
    response = logged_in(colleague).post(
        reverse("invitation_accept", args=[invitation.pk]), headers=HTMX
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="invitation-{invitation.pk}"' in body
    assert "You now teach Year 11 History" in body
    assert "<html" not in body
    assert is_teacher(colleague, classroom)


def test_declining_leaves_them_out_of_the_class(classroom, colleague, invitation):
    client = logged_in(colleague)

    response = client.post(reverse("invitation_decline", args=[invitation.pk]), headers=HTMX)

    assert response.status_code == 200
    assert "You declined" in response.content.decode()
    assert not is_teacher(colleague, classroom)
    invitation.refresh_from_db()
    assert invitation.state == "declined"
    assert "Invitations to teach" not in client.get(reverse("dashboard")).content.decode()


def test_nobody_else_can_answer_an_invitation(invitation, student, outsider_teacher, teacher):
    for person in (student, outsider_teacher, teacher):
        client = logged_in(person)
        assert client.post(reverse("invitation_accept", args=[invitation.pk])).status_code == 404
        assert client.post(reverse("invitation_decline", args=[invitation.pk])).status_code == 404

    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_an_answered_invitation_cannot_be_answered_again(colleague, invitation):
    client = logged_in(colleague)
    client.post(reverse("invitation_decline", args=[invitation.pk]))

    assert client.post(reverse("invitation_accept", args=[invitation.pk])).status_code == 404


def test_an_old_invitation_expires(colleague, invitation, settings):
    CoTeacherInvitation.objects.update(
        created_at=timezone.now() - timedelta(days=settings.COTEACHER_INVITATION_LIFETIME_DAYS + 1)
    )

    client = logged_in(colleague)
    assert "Invitations to teach" not in client.get(reverse("dashboard")).content.decode()
    assert client.post(reverse("invitation_accept", args=[invitation.pk])).status_code == 404


def test_a_student_of_the_class_cannot_also_teach_it(classroom, teacher, student):
    invitation = CoTeacherInvitation.objects.create(
        classroom=classroom, email=student.email, invited_by=teacher
    )

    with pytest.raises(NotAllowed, match="You are a student in Year 11 History"):
        coteacher_accept(invitation=invitation, user=student)

    assert Membership.objects.get(user=student, classroom=classroom).role == "student"


def test_someone_who_signs_up_later_with_the_address_finds_the_invitation(classroom, teacher):
    invite(logged_in(teacher), classroom, "newcomer@example.test")
    newcomer = UserFactory(email="newcomer@example.test")

    page = logged_in(newcomer).get(reverse("dashboard")).content.decode()

    assert "Invitations to teach" in page


# --- leaving and deleting ------------------------------------------------------------------------


@pytest.fixture
def co_teacher(classroom, colleague):
    MembershipFactory(user=colleague, classroom=classroom, role="teacher")
    return colleague


def test_a_co_teacher_leaves_the_class_and_the_other_teacher_keeps_it(
    classroom, teacher, co_teacher
):
    client = logged_in(co_teacher)
    page = client.get(reverse("classroom", args=[classroom.pk])).content.decode()
    assert "Leave this class" in page

    response = client.post(reverse("classroom_leave", args=[classroom.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert not Membership.objects.filter(user=co_teacher, classroom=classroom).exists()
    assert is_teacher(teacher, classroom)
    assert client.get(reverse("classroom", args=[classroom.pk])).status_code == 404


def test_the_only_teacher_cannot_leave(classroom, teacher):
    client = logged_in(teacher)
    assert (
        "Leave this class"
        not in client.get(reverse("classroom", args=[classroom.pk])).content.decode()
    )

    response = client.post(reverse("classroom_leave", args=[classroom.pk]), follow=True)

    assert "You are the only teacher of Year 11 History" in response.content.decode()
    assert is_teacher(teacher, classroom)
    with pytest.raises(NotAllowed):
        teacher_leave(classroom=classroom, teacher=teacher)


def test_a_co_teacher_can_delete_their_account(classroom, teacher, co_teacher):
    client = logged_in(co_teacher)
    page = client.get(reverse("account_delete")).content.decode()
    assert "You leave Year 11 History; its other teachers keep it." in page

    response = client.post(
        reverse("account_delete"), {"email": co_teacher.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=co_teacher.pk).exists()
    assert is_teacher(teacher, classroom)


def test_invitations_addressed_to_a_deleted_account_go_with_it(classroom, teacher, colleague):
    invite(logged_in(teacher), classroom, colleague.email)

    logged_in(colleague).post(
        reverse("account_delete"), {"email": colleague.email, "password": PASSWORD}
    )

    assert not User.objects.filter(pk=colleague.pk).exists()
    assert not CoTeacherInvitation.objects.exists()


def test_the_only_teacher_of_a_class_cannot_delete_their_account(classroom, teacher):
    client = logged_in(teacher)

    page = client.get(reverse("account_delete")).content.decode()
    response = client.post(
        reverse("account_delete"), {"email": teacher.email, "password": PASSWORD}
    )

    assert "You are the only teacher of" in page
    assert response.status_code == 422
    assert "You are the only teacher of" in response.content.decode()
    assert User.objects.filter(pk=teacher.pk).exists()


def test_once_the_invitation_is_accepted_the_first_teacher_can_leave(classroom, teacher, colleague):
    invite(logged_in(teacher), classroom, colleague.email)
    logged_in(colleague).post(
        reverse("invitation_accept", args=[CoTeacherInvitation.objects.get().pk])
    )

    response = logged_in(teacher).post(reverse("classroom_leave", args=[classroom.pk]))

    assert response.status_code == 302
    assert list(classroom.teachers()) == [colleague]


def test_the_class_page_costs_the_same_however_many_invitations_are_open(
    classroom, teacher, django_assert_num_queries
):
    for n in range(6):
        CoTeacherInvitation.objects.create(
            classroom=classroom, email=f"person{n}@example.test", invited_by=teacher
        )
        MembershipFactory(classroom=classroom, role="teacher")
    client = logged_in(teacher)
    client.get(reverse("classroom", args=[classroom.pk]))  # warm the session

    # session, user, the class, my roles, the roster with users, the assignments,
    # the open invitations with their senders, the navigation's moderation link, whether the
    # class is an LMS course (lti's card)
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(10):
        page = client.get(reverse("classroom", args=[classroom.pk])).content.decode()

    assert page.count("/withdraw/") == 12  # action and hx-post for each of the six
