"""The text each process keeps for the reading page (comparisons.reading): kept per version,
and every edit of what the text shows moves the version on, so readers see the edit at once."""

import pytest
from django.test import Client
from django.urls import reverse

from comparisons import reading
from comparisons.models import Comparison, Passage
from tests.factories import AssignmentFactory, comparison_with_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def comparison(teacher):
    return comparison_with_content(teacher)


@pytest.fixture
def assignment(classroom, comparison):
    return AssignmentFactory(classroom=classroom, comparison=comparison)


def version(comparison):
    return Comparison.objects.get(pk=comparison.pk).updated_at


# Keeping


def test_the_same_version_is_loaded_once(comparison, django_assert_num_queries):
    current = Comparison.objects.get(pk=comparison.pk)
    first = reading.reading_for(current)

    with django_assert_num_queries(0):
        again = reading.reading_for(current)

    assert again is first
    assert [p.number for s in first.layout["sections"] for p in s.numbered_passages] == [1, 2, 3, 4]


def test_a_new_version_is_loaded_afresh(comparison):
    before = reading.reading_for(Comparison.objects.get(pk=comparison.pk))
    Passage.objects.filter(text="Paragraph 1.1").get().save()

    after = reading.reading_for(Comparison.objects.get(pk=comparison.pk))

    assert after is not before


def test_only_the_most_recently_read_texts_are_kept(teacher, monkeypatch):
    monkeypatch.setattr(reading, "KEPT_TEXTS", 2)
    first, second, third = (
        Comparison.objects.get(pk=comparison_with_content(teacher, sections=1).pk) for _ in range(3)
    )
    kept_first = reading.reading_for(first)
    reading.reading_for(second)
    reading.reading_for(first)  # read again: now the most recent
    reading.reading_for(third)  # pushes out the least recent, the second

    assert reading.reading_for(first) is kept_first
    assert set(reading._kept) == {(c.pk, c.updated_at) for c in (first, third)}


def test_a_fragment_is_rendered_once_per_version(comparison):
    kept = reading.reading_for(comparison)
    renders = []

    def render():
        renders.append(1)
        return "<p>text</p>"

    assert kept.fragment("text", render) == kept.fragment("text", render) == "<p>text</p>"
    assert len(renders) == 1


# Every edit moves the version on


def test_saving_or_deleting_any_part_of_the_text_moves_the_version_on(comparison):
    parts = [
        comparison.subjects.first(),
        comparison.dimensions.first(),
        comparison.dimensions.first().contrasts.first(),
        comparison.sections.first(),
        Passage.objects.filter(section__comparison=comparison).first(),
    ]
    for part in parts:
        before = version(comparison)
        part.save()
        assert version(comparison) > before, f"saving a {type(part).__name__}"
    for part in reversed(parts):
        before = version(comparison)
        part.delete()
        assert version(comparison) > before, f"deleting a {type(part).__name__}"


def test_tagging_a_passage_with_a_dimension_moves_the_version_on_from_either_side(comparison):
    passage = Passage.objects.get(text="Paragraph 1.1")
    foreign = comparison.dimensions.get(name="Foreign policy")

    before = version(comparison)
    passage.dimensions.add(foreign)
    assert version(comparison) > before

    before = version(comparison)
    foreign.passages.remove(passage)
    assert version(comparison) > before


def test_an_edit_of_another_comparison_leaves_this_version_alone(comparison, teacher):
    other = comparison_with_content(teacher)
    before = version(comparison)

    Passage.objects.filter(section__comparison=other).first().save()

    assert version(comparison) == before


# Readers see each edit at once


def edit_passage_text(client, comparison):
    passage = Passage.objects.get(text="Paragraph 1.1", section__comparison=comparison)
    dimensions = [d.pk for d in passage.dimensions.all()]
    client.post(
        reverse("comparisons:item_update", args=[comparison.pk, "passage", passage.pk]),
        {
            f"passage-{passage.pk}-text": "Rewritten.",
            f"passage-{passage.pk}-dimensions": dimensions,
        },
    )
    return "Rewritten."


def rename_subject(client, comparison):
    stalin = comparison.subjects.get(name="Stalin")
    client.post(
        reverse("comparisons:item_update", args=[comparison.pk, "subject", stalin.pk]),
        {f"subject-{stalin.pk}-name": "Joseph Stalin", f"subject-{stalin.pk}-colour": "red"},
    )
    return "Joseph Stalin"


def rename_section(client, comparison):
    part = comparison.sections.get(heading="Part 1")
    client.post(
        reverse("comparisons:item_update", args=[comparison.pk, "section", part.pk]),
        {f"section-{part.pk}-heading": "The thaw"},
    )
    return "The thaw"


def save_cell(client, comparison):
    stalin = comparison.subjects.get(name="Stalin")
    leadership = comparison.dimensions.get(name="Leadership style")
    client.post(
        reverse("comparisons:cell_save", args=[comparison.pk, leadership.pk, stalin.pk]),
        {f"cell-{leadership.pk}-{stalin.pk}-statement": "Rule by terror."},
    )
    return "Rule by terror."


def add_passage(client, comparison):
    part = comparison.sections.get(heading="Part 2")
    client.post(
        reverse("comparisons:item_add", args=[comparison.pk, "passage"]),
        {"section": part.pk, f"passage-new-in-{part.pk}-text": "A new paragraph."},
    )
    return "A new paragraph."


def move_section(client, comparison):
    part = comparison.sections.get(heading="Part 2")
    client.post(
        reverse("comparisons:item_move", args=[comparison.pk, "section", part.pk]),
        {"direction": "up"},
    )
    return f'<h2 id="section-{part.pk}">Part 2</h2>'


def save_details(client, comparison):
    client.post(
        reverse("comparisons:edit", args=[comparison.pk]),
        {"title": comparison.title, "question": "What changed after 1953?", "summary": ""},
    )
    return "What changed after 1953?"


@pytest.mark.parametrize(
    "edit",
    [
        edit_passage_text,
        rename_subject,
        rename_section,
        save_cell,
        add_passage,
        move_section,
        save_details,
    ],
)
def test_students_see_an_edit_on_their_next_read(
    client, teacher, student, comparison, assignment, edit
):
    reader = Client()
    reader.force_login(student)
    url = reverse("comparisons:read", args=[assignment.pk])
    reader.get(url)  # the text is kept now
    client.force_login(teacher)

    shown = edit(client, comparison)

    page = reader.get(url).content.decode()
    assert shown in page
    if edit is move_section:
        assert page.index("Part 2") < page.index("Part 1")


def test_the_author_sees_an_edit_in_the_preview(client, teacher, comparison):
    client.force_login(teacher)
    preview = reverse("comparisons:preview", args=[comparison.pk])
    client.get(preview)

    edit_passage_text(client, comparison)

    assert "Rewritten." in client.get(preview).content.decode()
