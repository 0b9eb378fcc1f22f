"""Per-person limits on every write that a script could repeat cheaply, through one mechanism
(counterpoint.lib.ratelimit.check, limits in settings.RATE_LIMITS): an answer of 429 with a
sentence that says what happened, on the page and in the API alike.

- W3C annotation imports count against an import limit of their own: an import with more
  annotations than are left is refused whole, nothing created (it used to create 500
  class-visible notes right after the posting limit had answered 429).
- Imports of either kind (Markdown comparisons, W3C annotations) are limited per request.
- Comparison links, flags, helpful marks and new outlines and drafts are limited like notes.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from annotations import anchoring
from annotations.models import Annotation, Flag, Helpful, Link
from essays.models import Outline
from tests.annotations.helpers import annotate, first_passage

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Small limits, with the messages people read."""

    def set_limit(action, count):
        limit, window, message = settings.RATE_LIMITS[action]
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, action: (count, window, message)}
        return message

    return set_limit


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def page(user):
    client = Client()
    client.force_login(user)
    return client


# --- W3C import: its own limit, refused whole ---------------------------------------


def w3c_items(assignment, count):
    passage = first_passage(assignment)
    exact = passage.text.split()[0]
    return [
        {
            "type": "Annotation",
            "body": {"type": "TextualBody", "value": f"Imported note {n}"},
            "target": {
                "source": f"http://elsewhere.example/text#passage-{passage.pk}",
                "selector": {"type": "TextQuoteSelector", "exact": exact},
            },
        }
        for n in range(count)
    ]


def w3c_import(client, assignment, count):
    return client.post(
        f"/api/v1/assignments/{assignment.pk}/annotations.jsonld?visibility=class",
        json.dumps(w3c_items(assignment, count)),
        content_type="application/ld+json",
    )


def test_an_import_after_the_posting_limit_counts_against_its_own_limit_and_is_refused_whole(
    assignment, student, settings, limits
):
    settings.ANNOTATION_RATE_LIMIT = 2
    limits("imported_annotations", 5)
    client = api(student)
    passage = first_passage(assignment)
    selector = anchoring.selector_for(passage.text, 0, len(passage.text.split()[0]))
    note = {
        "assignment": assignment.pk,
        "passage": passage.pk,
        **{k: getattr(selector, k) for k in ("exact", "prefix", "suffix", "start", "end")},
        "body": "Mine",
        "visibility": "class",
    }
    statuses = [client.post("/api/v1/annotations/", note, format="json").status_code]
    statuses += [client.post("/api/v1/annotations/", note, format="json").status_code]
    statuses += [client.post("/api/v1/annotations/", note, format="json").status_code]
    assert statuses == [201, 201, 429]

    response = w3c_import(client, assignment, 6)
    assert response.status_code == 429
    assert response.json()["detail"] == (
        "You can import 5 annotations an hour and have 5 left; this file has 6. Nothing was "
        "imported: wait, or send fewer at a time."
    )
    assert response["Retry-After"] == "3600"
    assert Annotation.objects.filter(author=student).count() == 2  # nothing half-created

    assert w3c_import(client, assignment, 4).json()["created"] == 4
    response = w3c_import(client, assignment, 2)
    assert response.status_code == 429
    assert "have 1 left; this file has 2" in response.json()["detail"]
    assert w3c_import(client, assignment, 1).json()["created"] == 1
    assert Annotation.objects.filter(author=student).count() == 7


def test_import_requests_of_either_kind_are_limited_per_person(
    assignment, student, teacher, limits
):
    message = limits("import", 2)
    client = api(student)
    assert [w3c_import(client, assignment, 1).status_code for _ in range(3)] == [200, 200, 429]
    assert client.post(
        f"/api/v1/assignments/{assignment.pk}/annotations.jsonld",
        "[]",
        content_type="application/json",
    ).json() == {"detail": message}

    browser = page(teacher)
    url = reverse("comparisons:import")
    article = {"markdown": "# How was A different from B?\n\nWords.\n", "preview": ""}
    assert [browser.post(url, article).status_code for _ in range(2)] == [200, 200]
    response = browser.post(url, article)
    assert response.status_code == 429
    assert message in response.content.decode()
    assert browser.get(url).status_code == 200  # reading the page is not limited


# --- links, flags, helpful marks, outlines -------------------------------------------


@pytest.fixture
def classmate_notes(assignment, classmate, cast):
    return [
        annotate(assignment, classmate, subjects=[cast["khrushchev"]], body=f"Note {n}")
        for n in range(3)
    ]


def test_flags_past_the_limit_are_a_429_in_the_api_and_a_form_message_on_the_page(
    student, classmate_notes, limits
):
    message = limits("flag", 1)
    client = api(student)
    first, second, third = classmate_notes
    url = f"/api/v1/annotations/{first.pk}/flag/"
    assert client.post(url, {"reason": "off_topic"}, format="json").status_code == 201
    response = client.post(
        f"/api/v1/annotations/{second.pk}/flag/", {"reason": "off_topic"}, format="json"
    )
    assert response.status_code == 429
    assert response.json() == {"detail": message}

    response = page(student).post(
        reverse("annotations:flag", args=[third.pk]), {"reason": "off_topic"}
    )
    assert response.status_code == 429
    assert message in response.content.decode()
    assert Flag.objects.filter(reporter=student).count() == 1


def test_helpful_marks_past_the_limit_are_refused_with_a_message(student, classmate_notes, limits):
    message = limits("helpful", 2)
    client = page(student)
    for note in classmate_notes[:2]:
        client.post(reverse("annotations:helpful", args=[note.pk]), HTTP_HX_REQUEST="true")
    response = client.post(
        reverse("annotations:helpful", args=[classmate_notes[2].pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 429
    assert message in response["HX-Trigger"]
    assert Helpful.objects.filter(user=student).count() == 2


def test_comparison_links_past_the_limit_keep_the_form_with_a_message(
    assignment, student, cast, classmate_notes, limits
):
    message = limits("link", 1)
    mine = annotate(assignment, student, subjects=[cast["stalin"]], body="Mine")
    client = page(student)
    url = reverse("annotations:link", args=[mine.pk])
    for target in classmate_notes[:2]:
        response = client.post(
            url,
            {"target": target.pk, "relation": "difference", "explanation": "Opposites"},
        )
    assert response.status_code == 429
    assert message in response.content.decode()
    assert "Opposites" in response.content.decode()  # what they wrote is kept
    assert Link.objects.filter(author=student).count() == 1


def test_new_outlines_past_the_limit_are_a_429(assignment, student, cast, limits):
    message = limits("outline", 2)
    client = api(student)
    leadership, foreign = cast["leadership"].pk, cast["foreign"].pk
    statuses = [
        client.post(
            "/api/v1/outlines/",
            {"assignment": assignment.pk, "dimensions": dimensions},
            format="json",
        ).status_code
        for dimensions in ([leadership], [foreign], [leadership, foreign])
    ]
    assert statuses == [201, 201, 429]
    response = page(student).post(
        reverse("essays:builder", args=[assignment.pk]),
        {
            "create": "",
            "structure": "point_by_point",
            "stance": "differences",
            "dimensions": [leadership, foreign],
        },
    )
    assert response.status_code == 429
    assert message in response.content.decode()
    assert Outline.objects.filter(author=student).count() == 2
