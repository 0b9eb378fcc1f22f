"""A session is one thing wherever it is read: with Redis it is kept in the shared cache in
front of the database (counterpoint.settings), and a logout, a password change or a deleted
account ends it at once for every copy and every app server, as it does when it is read from
the database alone. Each test runs with both (the `session_engine` fixture); two clients with
one cookie stand for two app servers sharing the cache and the database."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from counterpoint.lib.sessions import SessionStore
from counterpoint.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a quite different secret"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def same_session(client):
    """Another app server, sent the same session cookie by the browser."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME]
    return other


def signed_in(client) -> bool:
    # signed out, the dashboard redirects to the login page
    return client.get(reverse("dashboard")).status_code == 200


def test_a_session_is_read_by_every_app_server(student, session_engine):
    here = logged_in(student)
    there = same_session(here)

    assert signed_in(here)
    assert signed_in(there)


def test_a_logout_on_one_app_server_signs_out_the_other(student, session_engine):
    here = logged_in(student)
    there = same_session(here)
    assert signed_in(there)  # read there once, so kept in the cache with cached sessions

    here.post(reverse("logout"))

    assert not signed_in(there)
    assert not Session.objects.exists()


def test_changing_the_password_signs_out_the_other_devices(student, session_engine):
    phone = logged_in(student)
    laptop = logged_in(student)
    assert signed_in(phone)
    assert signed_in(laptop)

    changed = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302
    assert signed_in(laptop)  # the session that changed it stays signed in
    assert not signed_in(phone)


def test_a_deactivated_account_is_signed_out(student, session_engine):
    client = logged_in(student)
    assert signed_in(client)

    student.is_active = False
    student.save()

    assert not signed_in(client)


def test_deleting_the_account_signs_out_the_other_devices(student, session_engine):
    phone = logged_in(student)
    laptop = logged_in(student)
    assert signed_in(phone)

    laptop.post(reverse("account_delete"), {"email": student.email, "password": PASSWORD})

    assert not User.objects.filter(pk=student.pk).exists()
    assert not signed_in(phone)


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "counterpoint.lib.sessions"  # as with Redis


def test_a_cached_session_lives_in_the_database_too(student, cached_sessions):
    """The cache may lose a session (Redis restarted, or evicted under `maxmemory`): the
    database still has it, so nobody is signed out by it."""
    client = logged_in(student)
    assert signed_in(client)

    cache.clear()

    assert signed_in(client)


def test_a_read_racing_a_logout_does_not_bring_the_session_back(student, cached_sessions):
    """A server that missed the cache reads the session's row just before another server's
    logout deletes it: what it read must not land in the cache after the logout."""
    here = logged_in(student)
    key = here.cookies[settings.SESSION_COOKIE_NAME].value
    cache.clear()  # not in the cache: the next read goes to the database
    there = SessionStore(key)
    read_row = there._get_session_from_db

    def read_then_logout():
        row = read_row()
        here.post(reverse("logout"))  # meanwhile, on the other server
        return row

    with mock.patch.object(there, "_get_session_from_db", read_then_logout):
        there.load()  # the racing request itself may still see what it read

    assert SessionStore(key).load() == {}
    assert not signed_in(same_session(here))
