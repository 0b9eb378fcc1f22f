"""One cast of users for every test: a class with its teacher and two students, and a
second class with its own teacher and student, who must never see into the first."""

import itertools
from types import SimpleNamespace

import pytest
from django.core.cache import cache, caches

from comparisons import reading
from counterpoint.lib import ratelimit
from counterpoint.models import Membership
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
    UserFactory,
    comparison_with_content,
)

_RATE_WINDOWS = itertools.count()


@pytest.fixture(autouse=True)
def _own_rate_limit_windows(monkeypatch):
    """Each test counts in windows of its own, fixed for the test: no limit is spent by an
    earlier test, and none resets because a test happened to cross a minute's edge."""
    start = 2_000_000_000 + next(_RATE_WINDOWS) * 86_400
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: start))


@pytest.fixture
def classroom(db):
    return ClassroomFactory(name="Year 11 History")


@pytest.fixture
def other_classroom(db):
    return ClassroomFactory(name="Year 10 Geography")


@pytest.fixture
def teacher(classroom):
    user = UserFactory(display_name="Ms Teacher", email="teacher@example.test")
    MembershipFactory(user=user, classroom=classroom, role=Membership.Role.TEACHER)
    return user


@pytest.fixture
def student(classroom):
    user = UserFactory(display_name="Sam Student", email="sam@example.test")
    MembershipFactory(user=user, classroom=classroom, role=Membership.Role.STUDENT)
    return user


@pytest.fixture
def classmate(classroom):
    user = UserFactory(display_name="Cleo Classmate", email="cleo@example.test")
    MembershipFactory(user=user, classroom=classroom, role=Membership.Role.STUDENT)
    return user


@pytest.fixture
def outsider_student(other_classroom):
    user = UserFactory(display_name="Otto Outsider", email="otto@example.test")
    MembershipFactory(user=user, classroom=other_classroom, role=Membership.Role.STUDENT)
    return user


@pytest.fixture
def outsider_teacher(other_classroom):
    user = UserFactory(display_name="Mr Elsewhere", email="elsewhere@example.test")
    MembershipFactory(user=user, classroom=other_classroom, role=Membership.Role.TEACHER)
    return user


@pytest.fixture
def comparison(teacher):
    return comparison_with_content(teacher)


@pytest.fixture
def assignment(classroom, comparison):
    return AssignmentFactory(classroom=classroom, comparison=comparison)


@pytest.fixture
def cast(assignment):
    """The assignment's text by name: its two subjects, two dimensions and its passages in
    reading order."""
    comparison = assignment.comparison
    stalin, khrushchev = comparison.subjects.order_by("order")
    leadership, foreign = comparison.dimensions.order_by("order")
    passages = [p for s in comparison.sections.order_by("order") for p in s.passages.all()]
    return {
        "stalin": stalin,
        "khrushchev": khrushchev,
        "leadership": leadership,
        "foreign": foreign,
        "passages": passages,
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache, and each process keeps the texts it has read
    (comparisons.reading); start every test with none of either."""
    cache.clear()
    caches["fragments"].clear()  # rendered cards (annotations.fragments)
    reading.forget_all()
    yield
    cache.clear()
    caches["fragments"].clear()
    reading.forget_all()


SESSION_ENGINES = {
    # read from the database: a deployment without Redis, and the tests' default
    "db": "django.contrib.sessions.backends.db",
    # kept in the shared cache in front of the database: a deployment with Redis
    # (counterpoint.settings)
    "cached": "counterpoint.lib.sessions",
}


@pytest.fixture(params=sorted(SESSION_ENGINES))
def session_engine(request, settings):
    """Each way a deployment keeps sessions; clients made after this fixture use it."""
    settings.SESSION_ENGINE = SESSION_ENGINES[request.param]
    return request.param
