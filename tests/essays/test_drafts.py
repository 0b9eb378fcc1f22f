"""Essay drafts: written from an outline, autosaved with a version, checked, exported."""

import io

import pytest
from django.urls import reverse
from docx import Document

from essays import builder
from essays.feedback import outline_transition
from essays.models import Outline
from essays.services import (
    builder_material,
    draft_create,
    make_selection,
    outline_create,
    selection_record,
)
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db


def make_outline(assignment, student, classmate, structure):
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    dimensions = list(assignment.comparison.dimensions.order_by("order"))
    keys = []
    for dimension in dimensions:
        ours = annotate(assignment, student, subjects=[stalin], dimension=dimension)
        theirs = annotate(
            assignment, classmate, subjects=[khrushchev], dimension=dimension, quote="Paragraph 1.1"
        )
        keys += [f"annotation:{ours.pk}", f"annotation:{theirs.pk}"]
    material = builder_material(assignment, student)
    selection = make_selection(
        material,
        dimension_ids=[d.pk for d in dimensions],
        cell_ids=[],
        evidence_keys=keys,
        structure=structure,
        stance="differences",
    )
    return outline_create(
        assignment=assignment,
        author=student,
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys),
    )


@pytest.fixture
def draft(assignment, student, classmate):
    outline = make_outline(assignment, student, classmate, "point_by_point")
    return draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)


def save(client, draft, section, text, version=None):
    return client.post(
        reverse("essays:draft_save", args=[draft.pk]),
        {
            "section": section.pk,
            "text": text,
            "version": version if version is not None else Outline.objects.get(pk=draft.pk).version,
        },
    )


@pytest.mark.parametrize("structure", ["point_by_point", "subject_by_subject", "block_synthesis"])
def test_a_draft_is_made_from_each_structure_with_a_paragraph_per_section(
    client, assignment, student, classmate, structure
):
    outline = make_outline(assignment, student, classmate, structure)
    client.force_login(student)

    response = client.post(reverse("essays:draft_start", args=[outline.pk]))

    made = Outline.objects.get(kind="draft")
    assert response.url == reverse("essays:draft", args=[made.pk])
    assert made.source == outline and made.thesis == outline.thesis
    assert list(made.sections.values_list("key", flat=True)) == list(
        outline.sections.values_list("key", flat=True)
    )
    page = client.get(response.url).content.decode()
    assert page.count('class="paragraph-box"') == outline.sections.count()
    assert "Insert citation" in page


def test_a_paragraph_is_autosaved_with_the_counts_and_checks(client, draft, student):
    client.force_login(student)
    body = draft.sections.filter(role="body").first()

    response = save(
        client, draft, body, "Stalin ruled by fear, whereas Khrushchev (§1 ¶1) did not."
    )

    data = response.json()
    assert response.status_code == 200
    assert data["version"] == 2 and data["words"] == 8  # "(§1 ¶1)" is not counted
    assert "cites its evidence" in data["checks_html"]
    body.refresh_from_db()
    assert body.paragraph.startswith("Stalin ruled")


def test_a_stale_tab_gets_a_409_and_nothing_is_overwritten(client, draft, student):
    client.force_login(student)
    body = draft.sections.filter(role="body").first()
    save(client, draft, body, "First tab", version=1)

    response = save(client, draft, body, "Second tab", version=1)

    assert response.status_code == 409
    assert "another tab" in response.json()["detail"]
    body.refresh_from_db()
    assert body.paragraph == "First tab"


def test_a_paragraph_of_another_draft_is_refused(client, draft, student, assignment, classmate):
    other = draft_create(
        outline=Outline.objects.for_editor().get(pk=draft.source_id), author=student
    )
    client.force_login(student)

    response = save(client, draft, other.sections.first(), "x")

    assert response.status_code == 400


@pytest.mark.parametrize("who", ["classmate", "outsider_student", "outsider_teacher"])
def test_others_cannot_open_or_save_the_draft(request, client, draft, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("essays:draft", args=[draft.pk])).status_code == 404
    assert save(client, draft, draft.sections.first(), "x", version=1).status_code == 404


def test_the_teacher_reads_the_draft_but_cannot_write(client, draft, teacher):
    client.force_login(teacher)

    assert client.get(reverse("essays:draft", args=[draft.pk])).status_code == 200
    assert save(client, draft, draft.sections.first(), "x", version=1).status_code == 403


def test_a_submitted_draft_is_read_only_and_has_a_revision(client, draft, student):
    outline_transition(outline=draft, action="submit")
    client.force_login(student)

    response = save(client, draft, draft.sections.first(), "late edit")

    assert response.status_code == 400
    assert draft.revisions.count() == 1


def test_exports_read_back_with_paragraphs_and_passages_cited(client, draft, student):
    body = draft.sections.filter(role="body").first()
    body.paragraph = "Stalin ruled by fear (§1 ¶1), whereas Khrushchev relaxed it (§1 ¶2)."
    body.save()
    client.force_login(student)

    docx = client.get(reverse("essays:draft_export", args=[draft.pk, "docx"]))
    md = client.get(reverse("essays:draft_export", args=[draft.pk, "md"]))

    assert "_draft.docx" in docx["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Stalin ruled by fear" in text and "Passages cited" in text and "§1 ¶2" in text
    assert "## Passages cited" in md.content.decode()


def test_the_process_record_shows_highlights_outline_and_draft(client, draft, student, teacher):
    client.force_login(student)
    page = client.get(reverse("essays:process", args=[draft.pk])).content.decode()
    assert "Annotated" in page and "Started outline" in page and "Started essay draft" in page

    client.force_login(teacher)
    assert client.get(reverse("essays:process", args=[draft.pk])).status_code == 200


def test_an_outline_page_for_a_draft_goes_to_the_draft(client, draft, student):
    client.force_login(student)

    response = client.get(reverse("essays:outline", args=[draft.pk]))

    assert response.url == reverse("essays:draft", args=[draft.pk])


def test_the_teacher_sets_steps_and_a_word_range(client, assignment, teacher):
    client.force_login(teacher)
    url = reverse("comparisons:assignment_settings", args=[assignment.pk])
    data = {
        "due_at": assignment.due_at.strftime("%Y-%m-%dT%H:%M"),
        "essay_prompt": "Why?",
        "steps": "draft",
        "target_words_min": 600,
        "target_words_max": 400,
        "reveal_after_posts": 0,
    }

    bad = client.post(url, data)
    assert "at least the fewest" in bad.content.decode()

    client.post(url, {**data, "target_words_max": 900})
    assignment.refresh_from_db()
    assert (assignment.steps, assignment.target_words_min, assignment.target_words_max) == (
        "draft",
        600,
        900,
    )


def test_a_draft_revision_freezes_its_paragraphs_and_the_history_shows_their_changes(
    client, draft, student
):
    body = draft.sections.filter(role="body").first()
    body.paragraph = "Stalin ruled by fear."
    body.save()
    outline_transition(outline=draft, action="submit")
    Outline.objects.filter(pk=draft.pk).update(status="returned")
    body.paragraph = "Stalin ruled by terror."
    body.save()
    draft.refresh_from_db()
    outline_transition(outline=draft, action="submit")
    client.force_login(student)

    page = client.get(reverse("essays:revisions", args=[draft.pk])).content.decode()

    assert draft.revisions.first().snapshot["sections"][1]["paragraph"] == "Stalin ruled by fear."
    assert "<del>fear.</del>" in page and "<ins>terror.</ins>" in page


def test_the_builder_says_which_of_my_works_is_the_outline_and_which_the_draft(
    client, draft, student, assignment
):
    client.force_login(student)

    page = client.get(reverse("essays:builder", args=[assignment.pk])).content.decode()

    outline_url = reverse("essays:outline", args=[draft.source_id])
    draft_url = reverse("essays:draft", args=[draft.pk])
    assert f'<li>Outline: <a href="{outline_url}">{draft.title}</a> (in progress)</li>' in page
    assert f'<li>Essay draft: <a href="{draft_url}">{draft.title}</a> (in progress)</li>' in page


def test_a_paragraph_named_after_its_role_does_not_repeat_it(client, draft, student):
    client.force_login(student)

    page = client.get(reverse("essays:draft", args=[draft.pk])).content.decode()

    assert "<strong>Introduction</strong></label>" in page
    assert '<span class="meta">Introduction</span>' not in page
