import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from counterpoint.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    return UserFactory(display_name="Nia Newcomer")


def join(client, user, code):
    client.force_login(user)
    return client.post(reverse("join"), {"code": code})


def test_student_joins_with_the_code_as_shown(client, classroom, newcomer):
    response = join(client, newcomer, classroom.join_code_display)

    assert response.status_code == 302
    assert response.url == reverse("classroom", args=[classroom.pk])
    membership = Membership.objects.get(user=newcomer, classroom=classroom)
    assert membership.role == Membership.Role.STUDENT


def test_code_is_forgiving_of_case_spaces_and_dashes(client, classroom, newcomer):
    sloppy = " " + classroom.join_code[:4].lower() + " - " + classroom.join_code[4:].lower()

    join(client, newcomer, sloppy)

    assert Membership.objects.filter(user=newcomer, classroom=classroom).exists()


def test_wrong_code_says_so_and_keeps_what_was_typed(client, classroom, newcomer):
    response = join(client, newcomer, "ZZZZ-ZZZZ")

    assert response.status_code == 200
    assert "No class has that code" in response.content.decode()
    assert 'value="ZZZZ-ZZZZ"' in response.content.decode()
    assert not Membership.objects.filter(user=newcomer).exists()


def test_expired_code_says_to_ask_for_a_new_one(client, classroom, newcomer):
    classroom.join_code_expires_at = timezone.now() - timedelta(minutes=1)
    classroom.save()

    response = join(client, newcomer, classroom.join_code)

    assert "That code has expired" in response.content.decode()
    assert not Membership.objects.filter(user=newcomer).exists()


def test_rotated_code_stops_working(client, classroom, newcomer):
    old = classroom.join_code
    classroom.rotate_join_code()

    response = join(client, newcomer, old)

    assert "No class has that code" in response.content.decode()


def test_archived_class_takes_no_students(client, classroom, newcomer):
    classroom.archive()

    response = join(client, newcomer, classroom.join_code)

    assert "archived" in response.content.decode()
    assert not Membership.objects.filter(user=newcomer).exists()


def test_joining_twice_says_you_are_already_in(client, classroom, student):
    response = join(client, student, classroom.join_code)

    assert "already in" in response.content.decode()
    assert Membership.objects.filter(user=student, classroom=classroom).count() == 1


def test_teacher_of_one_class_can_be_a_student_in_another(client, teacher, other_classroom):
    join(client, teacher, other_classroom.join_code)

    roles = dict(Membership.objects.filter(user=teacher).values_list("classroom", "role"))
    assert set(roles.values()) == {"teacher", "student"}
    response = client.get(reverse("dashboard"))
    assert "Classes you teach" in response.content.decode()
    assert "Classes you are in" in response.content.decode()


def test_join_link_prefills_the_code(client, newcomer):
    client.force_login(newcomer)

    response = client.get(reverse("join") + "?code=ABCD-EFGH")

    assert 'value="ABCD-EFGH"' in response.content.decode()


def test_anonymous_user_is_sent_to_log_in(client):
    response = client.get(reverse("join"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Arriving by a join link (?code=): the form is filled in and checked, never submitted.


def test_join_link_names_the_class_but_joins_only_on_the_button(client, classroom, newcomer):
    client.force_login(newcomer)

    response = client.get(classroom.join_link_path)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Join Year 11 History" in page
    assert f'value="{classroom.join_code_display}"' in page
    assert not Membership.objects.filter(user=newcomer).exists()

    client.post(reverse("join"), {"code": classroom.join_code_display})

    assert Membership.objects.filter(user=newcomer, classroom=classroom).exists()


def test_join_link_with_an_expired_code_says_so_before_anything_is_pressed(
    client, classroom, newcomer
):
    classroom.join_code_expires_at = timezone.now() - timedelta(minutes=1)
    classroom.save()
    client.force_login(newcomer)

    page = client.get(classroom.join_link_path).content.decode()

    assert "That code has expired. Ask your teacher for the class&#x27;s new code." in page
    assert "Year 11 History" not in page


def test_join_link_with_a_replaced_code_finds_no_class(client, classroom, newcomer):
    old_link = classroom.join_link_path
    classroom.rotate_join_code()
    client.force_login(newcomer)

    page = client.get(old_link).content.decode()

    assert "No class has that code" in page
    assert "Year 11 History" not in page


def test_join_link_for_a_class_you_are_in_says_so(client, classroom, student):
    client.force_login(student)

    page = client.get(classroom.join_link_path).content.decode()

    assert "You are already in Year 11 History." in page


def test_join_link_sends_a_logged_out_student_to_log_in_and_back_to_the_filled_form(
    client, classroom, newcomer
):
    response = client.get(classroom.join_link_path)

    assert response.status_code == 302
    login_url = response.url
    assert login_url.startswith(reverse("login"))

    response = client.post(
        login_url, {"username": newcomer.email, "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert response.url == classroom.join_link_path
    assert not Membership.objects.filter(user=newcomer).exists()
    page = client.get(response.url).content.decode()
    assert "Join Year 11 History" in page


def test_join_link_survives_signing_up_instead_of_logging_in(client, classroom):
    login_url = client.get(classroom.join_link_path).url
    login_page = client.get(login_url).content.decode()
    signup_url = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', login_page).group(1)

    response = client.post(
        signup_url.replace("&amp;", "&"),
        {
            "display_name": "Nia Newcomer",
            "email": "nia@example.test",
            "password1": "a-long-and-unusual-phrase",
            "password2": "a-long-and-unusual-phrase",
        },
    )

    assert response.status_code == 302
    assert response.url == classroom.join_link_path
    assert "Join Year 11 History" in client.get(response.url).content.decode()
