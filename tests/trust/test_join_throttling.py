"""Join codes cannot be guessed quickly: ten tries a minute per person, and 200 a minute per
network address, which a whole class joining at once from one school address stays under
(issue 15, hardening). When throttled, the page says so and keeps the typed code."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from counterpoint.lib import ratelimit
from counterpoint.models import Membership
from tests.factories import UserFactory

SCHOOL = "198.51.100.20"


def logged_in(user):
    client = Client(REMOTE_ADDR=SCHOOL)
    client.force_login(user)
    return client


def try_code(client, code, **extra):
    return client.post(reverse("join"), {"code": code}, **extra)


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, moved by hand."""
    fake = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: fake.now))
    return fake


def test_ten_wrong_codes_a_minute_get_the_ordinary_answer(classroom, outsider_student, clock):
    client = logged_in(outsider_student)

    answers = [try_code(client, f"WRONG{n:03}") for n in range(10)]

    assert [a.status_code for a in answers] == [200] * 10
    assert "No class has that code" in answers[-1].content.decode()


def test_the_eleventh_try_in_a_minute_is_refused_and_keeps_the_typed_code(
    classroom, outsider_student, clock
):
    client = logged_in(outsider_student)
    for n in range(10):
        try_code(client, f"WRONG{n:03}")

    response = try_code(client, classroom.join_code)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many tries to join in a short time" in page
    assert f'value="{classroom.join_code}"' in page
    # Not even the right code gets in while throttled, so guessing gains nothing.
    assert not Membership.objects.filter(user=outsider_student, classroom=classroom).exists()


def test_a_minute_later_the_right_code_works(classroom, outsider_student, clock):
    client = logged_in(outsider_student)
    for n in range(11):
        try_code(client, f"WRONG{n:03}")

    clock.now += 60
    response = try_code(client, classroom.join_code)

    assert response.status_code == 302
    assert Membership.objects.filter(user=outsider_student, classroom=classroom).exists()


def test_a_class_of_forty_joins_at_once_from_one_school_address(classroom, clock):
    pupils = [UserFactory() for _ in range(40)]

    # Each pupil mistypes once, then gets it right: 80 tries in one minute from one address.
    answers = []
    for pupil in pupils:
        client = logged_in(pupil)
        try_code(client, "ABCD-EFGX")
        answers.append(try_code(client, classroom.join_code_display).status_code)

    assert answers == [302] * 40
    assert classroom.memberships.filter(role="student").count() == 40


def test_one_address_is_limited_across_people(classroom, clock, settings):
    settings.JOIN_RATE_LIMIT_PER_ADDRESS = 5
    for _ in range(5):
        try_code(logged_in(UserFactory()), "WRONG000")

    same_place = try_code(logged_in(UserFactory()), classroom.join_code)
    elsewhere = try_code(logged_in(UserFactory()), classroom.join_code, REMOTE_ADDR="203.0.113.9")

    assert same_place.status_code == 429
    assert elsewhere.status_code == 302
