"""Repeated failed logins lock that account out from that address for 15 minutes, with a
page that says so plainly; other people and other places are not affected. Many failures
from one address across accounts (password spraying) lock that address out too."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import PASSWORD, UserFactory

LIMIT = 5


@pytest.fixture
def account(db):
    return UserFactory(email="sam@example.test")


def attempt(client, email, password="wrong password", ip="203.0.113.5"):
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_four_failures_still_get_the_ordinary_form_error(client, account):
    for _ in range(LIMIT - 1):
        response = attempt(client, account.email)

    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.content.decode()


def test_the_fifth_failure_locks_the_account_out_with_a_friendly_page(client, account):
    for _ in range(LIMIT):
        response = attempt(client, account.email)

    assert response.status_code == 429
    assert "registration/lockout.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Too many attempts" in page
    assert "paused for 15 minutes" in page
    assert 'href="/accounts/password_reset/"' in page


def test_a_locked_out_account_cannot_log_in_even_with_the_right_password(client, account):
    for _ in range(LIMIT):
        attempt(client, account.email)

    response = attempt(client, account.email, password=PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_account_and_address(client, account):
    other = UserFactory(email="cleo@example.test")
    for _ in range(LIMIT):
        attempt(client, account.email)

    elsewhere = attempt(client, account.email, password=PASSWORD, ip="198.51.100.7")
    assert elsewhere.status_code == 302
    client.logout()
    classmate = attempt(client, other.email, password=PASSWORD)
    assert classmate.status_code == 302


def test_a_successful_login_starts_the_count_again(client, account):
    for _ in range(LIMIT - 1):
        attempt(client, account.email)
    assert attempt(client, account.email, password=PASSWORD).status_code == 302
    client.logout()

    for _ in range(LIMIT - 1):
        response = attempt(client, account.email)

    assert response.status_code == 200


def test_the_lockout_lifts_after_fifteen_minutes(client, account):
    for _ in range(LIMIT):
        attempt(client, account.email)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time.replace(year=2000)
    )

    assert attempt(client, account.email, password=PASSWORD).status_code == 302


def test_unknown_addresses_are_throttled_the_same_way(client, db):
    """So the lockout page never tells anyone whether an account exists."""
    for _ in range(LIMIT):
        response = attempt(client, "nobody@example.test")

    assert response.status_code == 429


# --- password spraying: one address, many accounts (issue 15, hardening) -----------------


def test_one_address_failing_for_many_accounts_is_locked_out(client, account, settings):
    """One guess each for many accounts never trips the per-account limit; the per-address
    count does."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    for n in range(12):
        attempt(client, f"pupil{n}@example.test", password="Summer2026!")

    sprayed = attempt(client, account.email, password=PASSWORD)
    elsewhere = attempt(Client(), account.email, password=PASSWORD, ip="198.51.100.7")

    assert sprayed.status_code == 429
    assert "Too many attempts" in sprayed.content.decode()
    assert elsewhere.status_code == 302


def test_a_school_sharing_one_address_is_not_locked_out_by_its_typos(client, account):
    """Thirty pupils mistyping once each from the school's one address: everyone still gets
    in (the per-address limit is far above a class's typos)."""
    for n in range(30):
        attempt(client, f"pupil{n}@example.test")

    assert attempt(client, account.email, password=PASSWORD).status_code == 302


def test_the_address_lockout_lifts_after_fifteen_minutes(client, account, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for n in range(6):
        attempt(client, f"pupil{n}@example.test")
    assert attempt(client, account.email, password=PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time.replace(year=2000)
    )

    assert attempt(client, account.email, password=PASSWORD).status_code == 302
