import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_up_logs_you_in_with_your_display_name(client):
    response = client.post(
        reverse("signup"),
        {
            "display_name": "Priya",
            "email": "priya@example.test",
            "password1": "a-long-and-unusual-phrase",
            "password2": "a-long-and-unusual-phrase",
        },
        follow=True,
    )

    assert get_user_model().objects.get(email="priya@example.test").display_name == "Priya"
    assert "Welcome, Priya" in response.content.decode()


def test_sign_up_errors_keep_what_was_typed(client):
    response = client.post(
        reverse("signup"),
        {
            "display_name": "Priya",
            "email": "priya@example.test",
            "password1": "a-long-and-unusual-phrase",
            "password2": "something-else-entirely",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Priya"' in page
    assert 'value="priya@example.test"' in page
    assert "didn’t match" in page or "didn't match" in page


def test_log_in_and_out(client, student):
    response = client.post(
        reverse("login"), {"username": student.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_wrong_password_is_a_clear_message(client, student):
    response = client.post(reverse("login"), {"username": student.email, "password": "nope"})

    assert "correct e-mail address and password" in response.content.decode() or (
        "Please enter a correct" in response.content.decode()
    )


def test_change_password(client, student):
    client.force_login(student)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "another-long-phrase-here",
            "new_password2": "another-long-phrase-here",
        },
    )

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("another-long-phrase-here")


def test_reset_password_by_email(client, student):
    client.post(reverse("password_reset"), {"email": student.email})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "brand-new-long-phrase",
            "new_password2": "brand-new-long-phrase",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("brand-new-long-phrase")


def test_profile_changes_display_name(client, student):
    client.force_login(student)

    client.post(reverse("profile"), {"display_name": "Samira"})

    student.refresh_from_db()
    assert student.display_name == "Samira"


def test_every_page_has_the_skip_link_and_landmarks(client, student):
    client.force_login(student)

    page = client.get(reverse("dashboard")).content.decode()

    assert 'class="skip-link" href="#main"' in page
    assert '<main id="main"' in page
    assert "<nav" in page
    assert "X-CSRFToken" in page
