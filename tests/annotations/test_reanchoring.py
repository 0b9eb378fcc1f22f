"""When the author edits a passage, its annotations follow their quote or become orphans."""

import pytest
from django.urls import reverse

from annotations.services import passage_reanchor
from tests.annotations.helpers import annotate, first_passage

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


def test_a_reworded_quote_is_found_by_its_context(assignment, passage, student):
    annotation = annotate(assignment, student, passage=passage, quote="released prisoners")
    passage.text = TEXT.replace("released prisoners", "released many prisoners")
    passage.save()

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
    passage.text = "Nothing left."
    passage.save()
    passage_reanchor(passage)
    passage.text = TEXT
    passage.save()

    passage_reanchor(passage)

    annotation.refresh_from_db()
    assert not annotation.is_orphaned
    assert TEXT[annotation.start : annotation.end] == "relaxed censorship"
