"""Submitting while the checks still find something open asks once, listing what is open,
for outlines and drafts, as a page without JavaScript and in place with htmx."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from essays import views
from essays.models import Outline, Revision
from essays.services import draft_create, open_checks
from tests.essays.helpers import make_outline

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def outline(assignment, student, cast):
    """A fresh outline: no thesis, no claims yet, so its checks fail."""
    return make_outline(assignment, student, cast)


@pytest.fixture
def draft(outline, student):
    draft = draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)
    body = next(s for s in draft.sections.all() if s.role == "body")
    body.paragraph = "Stalin ruled by fear and Khrushchev did not."  # no citation
    body.save()
    return draft


def submit_url(work):
    return reverse("essays:submit", args=[work.pk])


def test_submitting_with_open_checks_lists_them_and_submits_nothing(client, outline, student):
    client.force_login(student)
    still_open = open_checks(Outline.objects.for_editor().get(pk=outline.pk))
    assert still_open

    response = client.post(submit_url(outline))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Before you submit" in page
    for message in still_open:
        assert f"<li>{escape(message)}</li>" in page
    assert 'name="confirm" value="1"' in page and "Submit anyway" in page
    outline.refresh_from_db()
    assert outline.status == Outline.Status.DRAFT
    assert not Revision.objects.exists()


def test_what_is_open_is_what_the_editor_shows(client, outline, student):
    client.force_login(student)

    editor = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    for message in open_checks(Outline.objects.for_editor().get(pk=outline.pk)):
        assert escape(message) in editor


def test_submit_anyway_submits(client, outline, student):
    client.force_login(student)

    response = client.post(submit_url(outline), {"confirm": "1"}, follow=True)

    outline.refresh_from_db()
    assert outline.status == Outline.Status.SUBMITTED
    assert "Submitted. Your teacher can now review it" in response.content.decode()


def test_with_nothing_open_one_press_submits(client, outline, student, monkeypatch):
    monkeypatch.setattr(views, "open_checks", lambda outline: [])
    client.force_login(student)

    response = client.post(submit_url(outline))

    assert response.status_code == 302
    outline.refresh_from_db()
    assert outline.status == Outline.Status.SUBMITTED


def test_with_htmx_the_question_comes_in_place_and_the_answer_reloads_the_page(
    client, outline, student
):
    client.force_login(student)

    asked = client.post(submit_url(outline), headers=HTMX)
    answered = client.post(submit_url(outline), {"confirm": "1"}, headers=HTMX)

    fragment = asked.content.decode()
    assert "<html" not in fragment and 'id="submit-open"' in fragment
    assert f'hx-post="{submit_url(outline)}"' in fragment
    assert answered["HX-Redirect"] == reverse("essays:outline", args=[outline.pk])
    outline.refresh_from_db()
    assert outline.status == Outline.Status.SUBMITTED


def test_the_outline_page_asks_in_place(client, outline, student):
    client.force_login(student)

    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    assert 'hx-target="#submit-confirm"' in page and 'id="submit-confirm"' in page


def test_a_draft_without_citations_asks_too_and_goes_back_to_the_draft(client, draft, student):
    client.force_login(student)

    asked = client.post(submit_url(draft)).content.decode()
    client.post(submit_url(draft), {"confirm": "1"})

    assert "has no citation yet" in asked
    assert f'href="{reverse("essays:draft", args=[draft.pk])}"' in asked
    draft.refresh_from_db()
    assert draft.status == Outline.Status.SUBMITTED


def test_a_returned_outline_asks_before_it_is_resubmitted(client, outline, student):
    from essays.feedback import outline_transition

    outline_transition(outline=outline, action="submit")
    outline_transition(outline=outline, action="return")
    client.force_login(student)

    page = client.post(submit_url(outline)).content.decode()

    assert "Resubmit anyway" in page


def test_work_that_is_with_the_teacher_is_refused_without_asking(client, outline, student):
    from essays.feedback import outline_transition

    outline_transition(outline=outline, action="submit")
    client.force_login(student)

    response = client.post(submit_url(outline), follow=True)

    assert "Only a draft can be submitted" in response.content.decode()
    assert Revision.objects.count() == 1
