"""Rendered cards are kept in the shared cache (annotations.fragments) and reused across
viewers; these tests go through the views with the cache warm, so that every change (hide,
unhide, edit, visibility, delete) is seen correctly by a classmate's very next poll and page
load, and a note someone may not see is never served to them from the cache."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from annotations import fragments
from annotations.models import Annotation
from annotations.services import annotation_moderate, annotation_update, helpful_toggle
from tests.annotations.helpers import annotate, first_passage, selection_post
from tests.factories import AnnotationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
WORDS = "Gramophone evidence about the thaw"
EDITED = "Typewriter evidence, rewritten"
PRIVATE = "Only-mine marginalia"


@pytest.fixture(autouse=True)
def _empty_fragments():
    caches["fragments"].clear()
    yield
    caches["fragments"].clear()


@pytest.fixture
def third(classroom):
    user = UserFactory(display_name="Tom Third")
    MembershipFactory(classroom=classroom, user=user)
    return user


def login(client, user):
    client.force_login(user)
    return client


def page(client, assignment):
    response = client.get(reverse("comparisons:read", args=[assignment.pk]))
    assert response.status_code == 200
    return response


def held_etag(response):
    """The ETag a page's poll element holds (as live.js reads it)."""
    match = re.search(r'data-version="([^"]+)"', response.content.decode())
    return match.group(1).replace("&quot;", '"')


def poll(client, assignment, etag, *open_ids):
    url = reverse("annotations:poll", args=[assignment.pk])
    if open_ids:
        url += "?open=" + ",".join(str(pk) for pk in open_ids)
    return client.get(url, headers={**HTMX, "If-None-Match": etag})


def full_card(response, annotation):
    """The full card of `annotation` in a response, or None (absent or collapsed)."""
    html = response.content.decode()
    match = re.search(
        rf'<article class="annotation-card [^"]*" id="annotation-{annotation.pk}"(.*?)</article>',
        html,
        re.S,
    )
    if match is None or "is-collapsed" in match.group(0):
        return None
    return match.group(0)


@pytest.fixture
def note(assignment, student):
    return annotate(assignment, student, body=WORDS, kind="evidence")


@pytest.fixture
def warm(client, assignment, student, classmate, teacher, note):
    """Everyone has loaded the page once: the card is in the cache for each view of it.
    Returns the classmate's client and the ETag their page holds."""
    for user in (student, teacher, classmate):
        response = page(login(client, user), assignment)
        assert full_card(response, note) is not None
    assert WORDS in full_card(response, note)
    return client, held_etag(response)


def test_classmates_share_one_render_of_a_card(
    client, assignment, student, classmate, third, note, monkeypatch
):
    renders = []
    real = fragments._render
    monkeypatch.setattr(
        fragments, "_render", lambda *a, **k: renders.append(a[1].pk) or real(*a, **k)
    )

    first = page(login(client, classmate), assignment)
    second = page(login(client, third), assignment)

    assert renders.count(note.pk) == 1
    assert full_card(first, note) is not None and full_card(second, note) is not None


def test_each_viewer_gets_their_own_csrf_token_in_a_kept_card(
    client, assignment, classmate, third, note
):
    tokens = []
    for user in (classmate, third):
        response = page(login(client, user), assignment)
        card = full_card(response, note)
        assert fragments.CSRF_PLACEHOLDER not in card
        tokens.append(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', card))
        assert tokens[-1], "the card's forms carry a token"
        client.logout()
    assert not set(tokens[0]) & set(tokens[1])


def test_the_viewer_dependent_bits_are_not_shared(client, assignment, student, classmate, note):
    helpful_toggle(annotation=note, user=classmate)

    mine = full_card(page(login(client, student), assignment), note)
    theirs = full_card(page(login(client, classmate), assignment), note)

    assert "Edit</a>" in mine and "Edit</a>" not in theirs
    assert 'aria-pressed="true"' in theirs
    assert "1 found this helpful" in mine


def test_hiding_reaches_a_classmates_next_poll_and_page(
    warm, assignment, student, classmate, teacher, note
):
    client, etag = warm
    annotation_moderate(annotation=note, actor=teacher, action="hide", reason="Off topic")

    response = poll(client, assignment, etag, note.pk)

    assert response.status_code == 200
    assert WORDS not in response.content.decode()
    assert f"annotation-{note.pk}" in response.content.decode()  # told to remove it
    assert WORDS not in page(client, assignment).content.decode()
    # Its author still sees it, marked as hidden.
    own = full_card(page(login(client, student), assignment), note)
    assert WORDS in own and "Your teacher hid this from the class" in own


def test_unhiding_brings_it_back_on_the_next_poll(
    client, assignment, student, classmate, teacher, note
):
    annotation_moderate(annotation=note, actor=teacher, action="hide", reason="Off topic")
    for user in (student, teacher, classmate):
        response = page(login(client, user), assignment)
    assert WORDS not in response.content.decode()
    etag = held_etag(response)

    annotation_moderate(annotation=note, actor=teacher, action="unhide")
    response = poll(client, assignment, etag, note.pk)

    assert response.status_code == 200
    card = full_card(response, note)
    assert card is not None and WORDS in card and "hid this" not in card
    assert "hid this" not in full_card(page(client, assignment), note)


def test_an_edit_is_seen_on_the_next_poll_never_the_old_text(
    warm, assignment, student, classmate, note
):
    client, etag = warm
    annotation_update(Annotation.objects.get(pk=note.pk), body=EDITED)

    response = poll(client, assignment, etag, note.pk)

    assert response.status_code == 200
    card = full_card(response, note)
    assert EDITED in card and WORDS not in card
    card = full_card(page(client, assignment), note)
    assert EDITED in card and WORDS not in card


def test_made_private_it_leaves_the_classmates_panel(warm, assignment, student, classmate, note):
    client, etag = warm
    annotation_update(Annotation.objects.get(pk=note.pk), visibility="private")

    response = poll(client, assignment, etag, note.pk)

    assert response.status_code == 200
    assert WORDS not in response.content.decode()
    assert WORDS not in page(client, assignment).content.decode()
    own = full_card(page(login(client, student), assignment), note)
    assert WORDS in own and "Only me" in own


def test_deleted_it_shows_as_deleted_on_the_next_poll(warm, assignment, student, classmate, note):
    client, etag = warm
    AnnotationFactory(parent=note, author=classmate, body="A reply that keeps the stub")
    Annotation.objects.get(pk=note.pk).soft_delete()

    response = poll(client, assignment, etag, note.pk)

    assert response.status_code == 200
    assert WORDS not in response.content.decode()
    card = full_card(page(client, assignment), note)
    assert "Deleted annotation" in card and WORDS not in card


def test_deleted_outright_it_is_removed(warm, assignment, classmate, note):
    client, etag = warm
    Annotation.objects.filter(pk=note.pk).delete()

    response = poll(client, assignment, etag, note.pk)

    assert response.status_code == 200
    assert WORDS not in response.content.decode()
    assert WORDS not in page(client, assignment).content.decode()


def test_a_private_notes_kept_card_is_never_served_to_a_classmate(
    client, assignment, student, classmate, teacher
):
    private = annotate(assignment, student, body=PRIVATE, visibility="private")
    own = page(login(client, student), assignment)
    assert PRIVATE in full_card(own, private)
    # The author's view of it is now in the shared cache...
    kept = caches["fragments"]
    assert any(PRIVATE in (kept.get(key) or "") for key in _keys(kept))

    # ...and no other viewer gets it, on the page, its own card URL, or a poll.
    for user in (classmate, teacher):
        login(client, user)
        assert PRIVATE not in page(client, assignment).content.decode()
        response = client.get(reverse("annotations:card", args=[private.pk]), headers=HTMX)
        assert response.status_code in (404, 200)
        assert PRIVATE not in response.content.decode()
        response = poll(client, assignment, '"stale"', private.pk)
        assert response.status_code == 200
        assert PRIVATE not in response.content.decode()


def test_a_reply_private_to_the_author_stays_out_of_a_classmates_card(
    warm, assignment, student, classmate, teacher, note
):
    client, etag = warm
    AnnotationFactory(parent=note, author=teacher, body="Teacher-only nudge", is_private_reply=True)
    Annotation.objects.filter(pk=note.pk).update(updated_at=note.updated_at)  # no bump at all

    response = poll(client, assignment, etag, note.pk)
    assert "Teacher-only nudge" not in response.content.decode()
    assert "Teacher-only nudge" not in page(client, assignment).content.decode()
    own = full_card(page(login(client, student), assignment), note)
    assert "Teacher-only nudge" in own


def _keys(cache):
    # LocMemCache keeps its entries in `_cache`, keyed by the full (prefixed) key.
    return [key.split(":", 2)[2] for key in cache._cache]


def test_the_kept_blank_forms_differ_for_teachers_and_students(
    client, assignment, student, teacher, note
):
    for _ in range(2):  # the second load comes from the kept fragments
        as_student = page(login(client, student), assignment).content.decode()
        as_teacher = page(login(client, teacher), assignment).content.decode()
        assert 'name="is_prompt"' in as_teacher and 'name="is_prompt"' not in as_student
        assert 'id="filter-author"' in as_student and 'id="filter-author"' in as_teacher


def test_a_form_with_errors_is_never_the_kept_blank_one(client, assignment, student, note):
    page(login(client, student), assignment)  # the blank form is kept
    data = selection_post(
        first_passage(assignment), "Paragraph", kind="question", body="", tags="kept-tag"
    )

    response = client.post(reverse("annotations:new", args=[assignment.pk]), data, headers=HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert "needs some words" in html and 'value="kept-tag"' in html
    assert "needs some words" not in page(client, assignment).content.decode()


def test_the_token_in_a_card_another_viewer_rendered_works_without_javascript(
    assignment, classmate, third, note
):
    from django.test import Client

    page(login(Client(), third), assignment)  # rendered and kept for Tom's view
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(classmate)
    card = full_card(page(browser, assignment), note)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)

    response = browser.post(
        reverse("annotations:helpful", args=[note.pk]), {"csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert note.helpful_marks.filter(user=classmate).exists()
