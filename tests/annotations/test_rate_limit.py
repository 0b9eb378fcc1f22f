"""The per-person rate limit on new annotations and replies through the API, and the
fixed-window counter behind it (counterpoint.lib.ratelimit)."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from annotations import anchoring
from annotations.models import Annotation
from annotations.services import RATE_LIMITED
from counterpoint.lib import ratelimit
from tests.annotations.helpers import first_passage

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/annotations/"
NOW = 1_700_000_080.0  # 40 seconds into a one-minute window


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """A clock for the rate limit alone, so a test never straddles two windows by chance.
    Move it with `clock.now = …`."""
    fake = SimpleNamespace(now=NOW)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: fake.now))
    return fake


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limit_of_three(settings):
    settings.ANNOTATION_RATE_LIMIT = 3


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def new_annotation(assignment):
    passage = first_passage(assignment)
    selector = anchoring.selector_for(passage.text, 0, len("Paragraph"))
    return {
        "assignment": assignment.pk,
        "passage": passage.pk,
        "exact": selector.exact,
        "prefix": selector.prefix,
        "suffix": selector.suffix,
        "start": selector.start,
        "end": selector.end,
        "body": "A thought",
        "kind": "comment",
    }


# --- through the API -------------------------------------------------------------------


def test_the_fourth_post_in_a_minute_gets_a_friendly_429(limit_of_three, assignment, student):
    client = api_client(student)

    statuses = [
        client.post(LIST_URL, new_annotation(assignment), format="json").status_code
        for _ in range(4)
    ]

    assert statuses == [201, 201, 201, 429]
    refused = client.post(LIST_URL, new_annotation(assignment), format="json")
    assert refused.status_code == 429
    assert refused.json() == {"detail": RATE_LIMITED}
    assert refused["Retry-After"] == "60"
    assert Annotation.objects.filter(author=student).count() == 3


def test_replies_count_toward_the_same_limit(limit_of_three, assignment, student, classmate):
    client = api_client(student)
    thread = client.post(LIST_URL, new_annotation(assignment), format="json").json()
    reply = {"parent": thread["id"], "body": "And another thing"}

    assert client.post(LIST_URL, reply, format="json").status_code == 201
    assert client.post(LIST_URL, new_annotation(assignment), format="json").status_code == 201
    refused = client.post(LIST_URL, reply, format="json")

    assert refused.status_code == 429
    assert refused.json() == {"detail": RATE_LIMITED}
    assert Annotation.objects.filter(parent__isnull=False).count() == 1


def test_another_person_is_not_held_back(limit_of_three, assignment, student, classmate):
    quick = api_client(student)
    for _ in range(4):
        quick.post(LIST_URL, new_annotation(assignment), format="json")

    response = api_client(classmate).post(LIST_URL, new_annotation(assignment), format="json")

    assert response.status_code == 201


def test_the_next_minute_opens_again(limit_of_three, clock, assignment, student):
    client = api_client(student)
    for _ in range(4):
        client.post(LIST_URL, new_annotation(assignment), format="json")

    clock.now += 60
    response = client.post(LIST_URL, new_annotation(assignment), format="json")

    assert response.status_code == 201


def test_reading_is_not_limited(limit_of_three, assignment, student):
    client = api_client(student)
    for _ in range(4):
        client.post(LIST_URL, new_annotation(assignment), format="json")

    assert client.get(LIST_URL).status_code == 200


# --- the counter -------------------------------------------------------------------------


def test_allow_lets_limit_hits_through_per_window(clock):
    hits = [ratelimit.allow("test:a", limit=3, window=60) for _ in range(5)]

    assert hits == [True, True, True, False, False]


def test_allow_counts_each_key_apart(clock):
    for _ in range(3):
        ratelimit.allow("test:a", limit=3, window=60)

    assert ratelimit.allow("test:a", limit=3, window=60) is False
    assert ratelimit.allow("test:b", limit=3, window=60) is True


def test_allow_starts_again_when_the_window_rolls_over(clock):
    for _ in range(4):
        ratelimit.allow("test:a", limit=3, window=60)

    clock.now = NOW + 19  # 59 s into the same window: still refused
    assert ratelimit.allow("test:a", limit=3, window=60) is False
    clock.now = NOW + 20  # the next window
    assert [ratelimit.allow("test:a", limit=3, window=60) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]


def test_allow_uses_fixed_windows_not_a_sliding_one(clock):
    """Three hits at the end of one window and three at the start of the next all pass:
    the known burst of a fixed window, bounded at twice the limit."""
    clock.now = NOW + 19.5
    assert all(ratelimit.allow("test:a", limit=3, window=60) for _ in range(3))
    clock.now = NOW + 20.5
    assert all(ratelimit.allow("test:a", limit=3, window=60) for _ in range(3))
    assert ratelimit.allow("test:a", limit=3, window=60) is False


def test_allow_survives_the_bucket_expiring_between_add_and_incr(clock, monkeypatch):
    """cache.incr raises ValueError for a missing key; that hit starts a new count."""

    class ExpiresBeforeIncr:
        add = staticmethod(cache.add)

        def incr(self, key):
            cache.delete(key)
            raise ValueError(key)

    ratelimit.allow("test:a", limit=3, window=60)
    monkeypatch.setattr(ratelimit, "cache", ExpiresBeforeIncr())

    assert ratelimit.allow("test:a", limit=3, window=60) is True
    assert cache.get(f"ratelimit:test:a:{int(NOW // 60)}") == 1
