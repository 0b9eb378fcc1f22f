"""The sign-in backend (counterpoint/backends.py): ModelBackend with the signed-in user read by
a query kept compiled. A person signed in by the login page, a signup or an older session
(signed in by Django's ModelBackend before this one) is the same user on every request; an
account made inactive is signed out at once; a wrong password is checked once."""

from unittest import mock

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.urls import reverse

from counterpoint import backends
from counterpoint.lib import compiled
from counterpoint.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in_as(client):
    response = client.get(reverse("profile"))
    return response.wsgi_request.user if response.status_code == 200 else None


def test_the_login_page_signs_in_with_the_backend_and_the_user_is_read_again(client, student):
    response = client.post(reverse("login"), {"username": student.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == backends.PATH
    user = signed_in_as(client)
    assert user.pk == student.pk
    assert (user.email, user.display_name, user.password) == (
        student.email,
        student.display_name,
        student.password,
    )
    assert user._state.adding is False and user._state.db == "default"


def test_signing_up_signs_in_with_the_backend(client):
    client.post(
        reverse("signup"),
        {
            "display_name": "Vera",
            "email": "vera@example.test",
            "password1": "a long enough secret",
            "password2": "a long enough secret",
        },
    )

    assert client.session[BACKEND_SESSION_KEY] == backends.PATH
    assert signed_in_as(client).email == "vera@example.test"


def test_a_session_signed_in_before_the_backend_still_works(student):
    client = Client()
    client.force_login(student, backend="django.contrib.auth.backends.ModelBackend")

    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert signed_in_as(client).pk == student.pk


def test_an_account_made_inactive_is_signed_out_on_its_next_request(student):
    client = Client()
    client.force_login(student, backend=backends.PATH)
    assert signed_in_as(client).pk == student.pk

    User.objects.filter(pk=student.pk).update(is_active=False)

    assert signed_in_as(client) is None


def test_a_deleted_account_is_no_one(student):
    assert backends.UserBackend().get_user(student.pk).pk == student.pk
    gone = student.pk
    student.delete()

    assert backends.UserBackend().get_user(gone) is None


def test_a_wrong_password_is_checked_once(client, student):
    with mock.patch.object(
        ModelBackend, "authenticate", autospec=True, side_effect=ModelBackend.authenticate
    ) as checked:
        response = client.post(reverse("login"), {"username": student.email, "password": "nope"})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert checked.call_count == 1  # not again by the ModelBackend listed after ours


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_the_user_lookup_compiles_on_postgresql(student):
    backends.UserBackend().get_user(student.pk)

    assert compiled.kept_shapes()[("signed-in user",)]


@pytest.mark.django_db(transaction=True)  # it closes the connection
@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_kept_queries_share_one_cursor_per_connection_and_are_still_counted(student):
    from django.test.utils import CaptureQueriesContext

    backend = backends.UserBackend()
    backend.get_user(student.pk)
    kept = connection._compiled_cursor
    with CaptureQueriesContext(connection) as queries:
        assert backend.get_user(student.pk).pk == student.pk
    assert len(queries) == 1  # logged as Django logs its own, for the query-count pins
    assert connection._compiled_cursor is kept

    connection.close()
    assert backend.get_user(student.pk).pk == student.pk  # a new connection, a new cursor
    assert connection._compiled_cursor is not kept
