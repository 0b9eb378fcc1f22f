"""/api/v1/drafts/: create from an outline, read, update with a version, export, submit."""

import io

import pytest
from docx import Document
from rest_framework.test import APIClient

from essays.models import Outline
from tests.essays.test_drafts import make_outline

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(student):
    client = APIClient()
    client.force_authenticate(student)
    return client


@pytest.fixture
def outline(assignment, student, classmate):
    return make_outline(assignment, student, classmate, "point_by_point")


def test_create_a_draft_from_my_outline(api, outline):
    response = api.post("/api/v1/drafts/", {"outline": outline.pk}, format="json")

    assert response.status_code == 201
    data = response.json()
    assert data["outline"] == outline.pk and data["version"] == 1
    assert len(data["paragraphs"]) == outline.sections.count()


def test_a_classmate_cannot_draft_from_my_outline(outline, classmate):
    client = APIClient()
    client.force_authenticate(classmate)

    response = client.post("/api/v1/drafts/", {"outline": outline.pk}, format="json")

    assert response.status_code == 400
    assert not Outline.objects.filter(kind="draft").exists()


def test_update_with_a_version_and_a_stale_one_gets_409(api, outline):
    draft = api.post("/api/v1/drafts/", {"outline": outline.pk}, format="json").json()
    paragraph = draft["paragraphs"][1]["id"]
    body = {"version": 1, "paragraphs": [{"id": paragraph, "text": "Stalin (¶1) and Khrushchev."}]}

    first = api.patch(f"/api/v1/drafts/{draft['id']}/", body, format="json")
    second = api.patch(f"/api/v1/drafts/{draft['id']}/", body, format="json")

    assert first.status_code == 200 and first.json()["version"] == 2
    assert first.json()["paragraphs"][1]["words"] == 3  # the citation is not a word
    assert second.status_code == 409 and second.json()["version"] == 2


def test_outlines_and_drafts_stay_apart(api, outline):
    draft = api.post("/api/v1/drafts/", {"outline": outline.pk}, format="json").json()

    assert api.get(f"/api/v1/outlines/{draft['id']}/").status_code == 404
    assert api.get(f"/api/v1/drafts/{outline.pk}/").status_code == 404
    assert [o["id"] for o in api.get("/api/v1/outlines/").json()["results"]] == [outline.pk]


def test_export_and_submit_a_draft(api, outline):
    draft = api.post("/api/v1/drafts/", {"outline": outline.pk}, format="json").json()
    paragraph = draft["paragraphs"][1]["id"]
    api.patch(
        f"/api/v1/drafts/{draft['id']}/",
        {"version": 1, "paragraphs": [{"id": paragraph, "text": "Fear (§1 ¶1)."}]},
        format="json",
    )

    exported = api.get(f"/api/v1/drafts/{draft['id']}/export/?format=docx")
    submitted = api.post(f"/api/v1/drafts/{draft['id']}/submit/")

    text = "\n".join(p.text for p in Document(io.BytesIO(exported.content)).paragraphs)
    assert "Fear" in text and "§1 ¶1" in text
    assert submitted.status_code == 200
    assert len(api.get(f"/api/v1/drafts/{draft['id']}/revisions/").json()) == 1
