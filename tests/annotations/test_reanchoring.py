"""When a passage's text changes, its annotations follow their quote or become orphans:
on the passage's save, so the editor, the admin and the shell all re-anchor."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.services import passage_reanchor
from comparisons.models import Passage
from tests.annotations.helpers import annotate, first_passage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT = "Stalin ruled through fear. Khrushchev released prisoners and relaxed censorship."


@pytest.fixture
def passage(assignment):
    passage = first_passage(assignment)
    passage.text = TEXT
    passage.save()
    return passage


def edit_passage(client, assignment, passage, text):
    comparison = assignment.comparison
    return client.post(
        reverse("comparisons:item_update", args=[comparison.pk, "passage", passage.pk]),
        {f"passage-{passage.pk}-text": text},
    )


def test_editing_text_before_an_annotation_moves_it_with_its_quote(
    client, assignment, passage, teacher, student
):
    annotation = annotate(assignment, student, passage=passage, quote="released prisoners")
    client.force_login(teacher)

    edit_passage(client, assignment, passage, "In 1953 " + TEXT)

    annotation.refresh_from_db()
    new_text = "In 1953 " + TEXT
    assert new_text[annotation.start : annotation.end] == "released prisoners"
    assert not annotation.is_orphaned


def rewrite(passage, text):
    """Change the text without a save (a bulk write sends no signal), to test the service."""
    Passage.objects.filter(pk=passage.pk).update(text=text)
    passage.refresh_from_db()


def test_a_reworded_quote_is_found_by_its_context(assignment, passage, student):
    annotation = annotate(assignment, student, passage=passage, quote="released prisoners")
    rewrite(passage, TEXT.replace("released prisoners", "released many prisoners"))

    counts = passage_reanchor(passage)

    annotation.refresh_from_db()
    assert counts["fuzzy"] == 1
    assert annotation.exact == "released many prisoners"
    assert passage.text[annotation.start : annotation.end] == annotation.exact


def test_an_annotation_whose_text_is_gone_is_orphaned_not_dropped(
    client, assignment, passage, teacher, student
):
    annotation = annotate(
        assignment,
        student,
        passage=passage,
        quote="relaxed censorship",
        body="Kept despite the edit",
    )
    client.force_login(teacher)

    edit_passage(client, assignment, passage, "Stalin ruled through fear. Something else entirely.")

    annotation.refresh_from_db()
    assert annotation.is_orphaned
    assert annotation.exact == "relaxed censorship"
    client.force_login(student)
    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()
    assert "Kept despite the edit" in page
    assert "no longer highlighted" in page
    assert 'data-orphaned="true"' in page


def test_an_orphan_finds_its_way_back_when_the_text_returns(assignment, passage, student):
    annotation = annotate(assignment, student, passage=passage, quote="relaxed censorship")
    rewrite(passage, "Nothing left.")
    passage_reanchor(passage)
    rewrite(passage, TEXT)

    passage_reanchor(passage)

    annotation.refresh_from_db()
    assert not annotation.is_orphaned
    assert TEXT[annotation.start : annotation.end] == "relaxed censorship"


@pytest.fixture
def reanchors(monkeypatch):
    """Each passage the receiver re-anchors, in order (the real work still runs)."""
    seen = []
    real = services.passage_reanchor

    def counting(passage):
        seen.append(passage.pk)
        return real(passage)

    monkeypatch.setattr(services, "passage_reanchor", counting)
    return seen


def test_an_admin_edit_of_a_passage_reanchors_and_marks_orphans(
    client, assignment, passage, student, reanchors
):
    moved = annotate(assignment, student, passage=passage, quote="released prisoners")
    gone = annotate(assignment, student, passage=passage, quote="relaxed censorship")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    new_text = "In 1953 Khrushchev released prisoners. Stalin ruled through fear."

    response = client.post(
        reverse("admin:comparisons_passage_change", args=[passage.pk]),
        {"section": passage.section_id, "text": new_text, "order": passage.order},
    )

    assert response.status_code == 302
    assert reanchors == [passage.pk]
    moved.refresh_from_db()
    gone.refresh_from_db()
    assert new_text[moved.start : moved.end] == "released prisoners"
    assert not moved.is_orphaned
    assert gone.is_orphaned
    assert gone.exact == "relaxed censorship"


def test_the_editor_reanchors_once_and_only_when_the_text_changed(
    client, assignment, passage, teacher, student, reanchors
):
    annotate(assignment, student, passage=passage, quote="released prisoners")
    client.force_login(teacher)

    edit_passage(client, assignment, passage, "In 1953 " + TEXT)
    assert reanchors == [passage.pk]

    passage.refresh_from_db()
    passage.order += 1
    passage.save()  # the order moved, not the text: nothing to re-anchor
    assert reanchors == [passage.pk]
