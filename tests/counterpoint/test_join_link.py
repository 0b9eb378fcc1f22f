"""The join link and its QR code: on the teacher's class page and in the projector view."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from counterpoint.lib.qr import qr_svg

pytestmark = pytest.mark.django_db


def join_link(classroom):
    return f"http://testserver/classes/join/?code={classroom.join_code_display}"


def class_page(client, classroom):
    return client.get(reverse("classroom", args=[classroom.pk])).content.decode()


def projector(client, classroom):
    return client.get(reverse("classroom_projector", args=[classroom.pk]))


def test_teacher_sees_the_join_link_its_qr_code_and_the_projector_view(client, classroom, teacher):
    client.force_login(teacher)

    page = class_page(client, classroom)

    assert f'href="{join_link(classroom)}"' in page
    assert str(qr_svg(join_link(classroom))) in page
    assert 'aria-label="QR code that opens the join link"' in page
    assert f'href="{reverse("classroom_projector", args=[classroom.pk])}"' in page


def test_the_qr_code_is_plain_svg_the_strict_csp_allows():
    svg = str(qr_svg("http://testserver/classes/join/?code=ABCD-EFGH"))

    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "style" not in svg
    assert "<script" not in svg
    assert re.search(r"\b(width|height)=", svg) is None  # sized by the stylesheet


def test_student_sees_neither_the_link_nor_the_qr_code(client, classroom, student):
    client.force_login(student)

    page = class_page(client, classroom)

    assert classroom.join_code_display not in page
    assert "<svg" not in page
    assert "Show for the projector" not in page


def test_new_code_changes_the_link_and_the_qr_code(client, classroom, teacher):
    client.force_login(teacher)
    old_link = join_link(classroom)

    response = client.post(
        reverse("classroom_rotate_code", args=[classroom.pk]), headers={"HX-Request": "true"}
    )

    classroom.refresh_from_db()
    body = response.content.decode()
    assert old_link not in body
    assert str(qr_svg(old_link)) not in body
    assert f'href="{join_link(classroom)}"' in body
    assert str(qr_svg(join_link(classroom))) in body


def test_expired_code_shows_no_link_or_qr_code(client, classroom, teacher):
    classroom.join_code_expires_at = timezone.now() - timedelta(minutes=1)
    classroom.save()
    client.force_login(teacher)

    page = class_page(client, classroom)

    assert "This code expired" in page
    assert "?code=" not in page
    assert "<svg" not in page


def test_archived_class_shows_no_link_or_qr_code(client, classroom, teacher):
    classroom.archive()
    client.force_login(teacher)

    page = class_page(client, classroom)

    assert "?code=" not in page
    assert "<svg" not in page


# The projector view


def test_projector_view_shows_the_code_link_and_qr_code_in_a_fixed_number_of_queries(
    client, classroom, teacher, django_assert_num_queries
):
    client.force_login(teacher)

    # Session, user, the classroom, the user's roles (one membership query for both checks),
    # and the navigation's moderation counts from the context processor.
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(6):
        response = projector(client, classroom)

    page = response.content.decode()
    assert response.status_code == 200
    assert classroom.join_code_display in page
    assert join_link(classroom) in page.replace("<wbr>", "")
    assert str(qr_svg(join_link(classroom))) in page
    assert "style=" not in page


def test_projector_view_of_an_expired_code_says_to_make_a_new_one(client, classroom, teacher):
    classroom.join_code_expires_at = timezone.now() - timedelta(minutes=1)
    classroom.save()
    client.force_login(teacher)

    page = projector(client, classroom).content.decode()

    assert "The join code expired" in page
    assert "<svg" not in page
    assert classroom.join_code_display not in page


def test_projector_view_of_an_archived_class_shows_no_code(client, classroom, teacher):
    classroom.archive()
    client.force_login(teacher)

    page = projector(client, classroom).content.decode()

    assert "takes no new students" in page
    assert "<svg" not in page


def test_students_cannot_open_the_projector_view(client, classroom, student):
    client.force_login(student)

    assert projector(client, classroom).status_code == 403


def test_teacher_of_another_class_cannot_open_the_projector_view(
    client, classroom, outsider_teacher
):
    client.force_login(outsider_teacher)

    assert projector(client, classroom).status_code == 404
