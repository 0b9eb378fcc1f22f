"""Past the first PANEL_FULL_CARDS, the panel's cards are collapsed to one line that still
carries what its highlight needs, and opens in full on demand (annotations.views.card)."""

import pytest
from django.urls import reverse

from annotations import panel
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def few_in_full(monkeypatch):
    monkeypatch.setattr(panel, "PANEL_FULL_CARDS", 2)


@pytest.fixture
def notes(assignment, student, classmate):
    stalin = assignment.comparison.subjects.order_by("order").first()
    return [
        annotate(assignment, student, body="First", subjects=[stalin]),
        annotate(assignment, classmate, body="Second", quote="Paragraph 1.1"),
        annotate(assignment, classmate, body="Third", quote="Paragraph 1.1"),
    ]


def test_cards_past_the_first_are_collapsed_with_their_highlight_data(
    client, assignment, student, notes, few_in_full
):
    client.force_login(student)

    response = client.get(reverse("comparisons:read", args=[assignment.pk]))

    cards = response.context["cards"]
    assert [getattr(c, "collapsed", False) for c in cards] == [False, False, True]
    page = response.content.decode()
    third = notes[2]
    assert f'id="annotation-{third.pk}"' in page
    assert f'data-start="{third.start}" data-end="{third.end}"' in page
    assert f'data-exact="{third.exact}"' in page
    assert f'hx-get="/annotations/{third.pk}/card/"' in page
    assert "Third" not in page  # the body waits until the card is opened
    assert "First" in page and "Second" in page


def test_a_collapsed_card_takes_its_subjects_colour(client, assignment, student, classmate):
    stalin = assignment.comparison.subjects.order_by("order").first()
    annotate(assignment, student, body="a")
    annotate(assignment, student, body="b")
    late = annotate(assignment, classmate, body="c", subjects=[stalin], quote="Paragraph 1.1")
    client.force_login(student)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(panel, "PANEL_FULL_CARDS", 0)
        page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()

    assert f'subject-{stalin.colour}" id="annotation-{late.pk}"' in page
    assert f'data-colour="{stalin.colour}"' in page


def test_collapsed_cards_escape_what_students_wrote(
    client, assignment, student, classmate, few_in_full
):
    classmate.display_name = '<script>alert("x")</script>'
    classmate.save()
    annotate(assignment, student, body="a")
    annotate(assignment, student, body="b")
    annotate(assignment, classmate, body="c", quote="Paragraph 1.1")
    client.force_login(student)

    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_opening_a_collapsed_card_renders_it_in_full(client, assignment, student, notes):
    client.force_login(student)

    response = client.get(reverse("annotations:card", args=[notes[2].pk]), headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith("<article")
    assert "Third" in page and "card-actions" in page


def test_without_htmx_the_card_link_goes_to_the_reading_page(client, assignment, student, notes):
    client.force_login(student)

    response = client.get(reverse("annotations:card", args=[notes[2].pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(f"#annotation-{notes[2].pk}")


def test_a_card_the_user_may_not_see_is_404(
    client, assignment, student, classmate, outsider_student
):
    private = annotate(assignment, classmate, body="Mine only", visibility="private")

    client.force_login(student)
    assert (
        client.get(reverse("annotations:card", args=[private.pk]), headers=HTMX).status_code == 404
    )
    client.force_login(outsider_student)
    assert (
        client.get(reverse("annotations:card", args=[private.pk]), headers=HTMX).status_code == 404
    )


def test_the_live_poll_collapses_the_same_cards(client, assignment, student, notes, few_in_full):
    client.force_login(student)

    response = client.get(reverse("annotations:poll", args=[assignment.pk]), headers=HTMX)

    page = response.content.decode()
    assert page.count('class="annotation-card is-collapsed') == 1
    assert page.count('class="annotation-card ') == 3
