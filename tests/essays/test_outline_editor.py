"""The outline editor: autosaved fields, structural edits, version conflicts, exports."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from essays import builder
from essays.models import Evidence, Outline
from essays.services import builder_material, make_selection, outline_create, selection_record
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def outline(assignment, student, classmate):
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    dimensions = list(assignment.comparison.dimensions.order_by("order"))
    keys = []
    for i, dimension in enumerate(dimensions):
        ours = annotate(assignment, student, subjects=[stalin], dimension=dimension, body=f"s{i}")
        theirs = annotate(
            assignment,
            classmate,
            subjects=[khrushchev],
            dimension=dimension,
            body=f"k{i}",
            quote="Paragraph 1.1",
        )
        keys += [f"annotation:{ours.pk}", f"annotation:{theirs.pk}"]
    material = builder_material(assignment, student)
    choices = {
        "dimension_ids": [d.pk for d in dimensions],
        "cell_ids": [],
        "evidence_keys": keys,
        "structure": "point_by_point",
        "stance": "differences",
    }
    selection = make_selection(material, **choices)
    return outline_create(
        assignment=assignment,
        author=student,
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys),
    )


def save(client, outline, field, value, version=None, htmx=True):
    return client.post(
        reverse("essays:save", args=[outline.pk]),
        {"field": field, "value": value, "version": version or outline.version},
        headers={**HTMX, "HX-Target": "outline-status"} if htmx else {},
    )


def act(client, outline, version=None, **data):
    data.setdefault("version", version or Outline.objects.get(pk=outline.pk).version)
    return client.post(
        reverse("essays:action", args=[outline.pk]), data, headers={**HTMX, "HX-Target": "outline"}
    )


def first_evidence(outline):
    return Evidence.objects.filter(section__outline=outline).order_by("section__order", "order")


def test_the_author_opens_the_outline(client, outline, student):
    client.force_login(student)

    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    assert outline.thesis[:40] in page
    assert 'id="outline-version"' in page


def test_a_field_is_autosaved_and_the_version_goes_up(client, outline, student):
    client.force_login(student)

    response = save(client, outline, "thesis", "Whereas Stalin ruled by terror, Khrushchev...")

    outline.refresh_from_db()
    assert response.status_code == 200
    assert outline.thesis.startswith("Whereas Stalin")
    assert outline.version == 2
    assert (
        'id="outline-version" name="version" value="2" hx-swap-oob="true"'
        in response.content.decode()
    )


def test_two_tabs_saving_from_the_same_version_get_a_409_not_a_silent_overwrite(
    client, outline, student
):
    client.force_login(student)
    save(client, outline, "thesis", "First tab", version=1)

    response = save(client, outline, "thesis", "Second tab", version=1)

    outline.refresh_from_db()
    assert response.status_code == 409
    assert outline.thesis == "First tab"
    assert "changed in another tab" in response.content.decode()
    assert response.headers["HX-Retarget"] == "#conflict"


def test_evidence_commentary_relation_and_form_are_saved(client, outline, student):
    client.force_login(student)
    item = first_evidence(outline).first()

    save(client, outline, f"evidence-{item.pk}-commentary", "This shows fear.", version=1)
    save(client, outline, f"evidence-{item.pk}-relation", "similarity", version=2)
    save(client, outline, f"evidence-{item.pk}-form", "paraphrase", version=3)

    item.refresh_from_db()
    assert (item.commentary, item.relation, item.form) == (
        "This shows fear.",
        "similarity",
        "paraphrase",
    )


def test_a_bad_choice_or_unknown_field_is_refused(client, outline, student):
    client.force_login(student)
    item = first_evidence(outline).first()

    assert save(client, outline, f"evidence-{item.pk}-relation", "maybe").status_code == 400
    assert save(client, outline, "author", "me").status_code == 400


def test_evidence_moves_up_down_and_to_another_section(client, outline, student):
    client.force_login(student)
    section = outline.sections.filter(role="body").first()
    first, second = section.evidence.all()[:2]
    other = outline.sections.filter(role="body")[1]

    act(client, outline, action="move-evidence", evidence=second.pk, direction="up")
    assert list(section.evidence.values_list("pk", flat=True))[:2] == [second.pk, first.pk]

    act(client, outline, action="move-evidence", evidence=first.pk, to_section=other.pk)
    first.refresh_from_db()
    assert first.section == other


def test_sections_reorder_by_drag_and_drop(client, outline, student):
    client.force_login(student)
    sections = list(outline.sections.all())
    new_order = [sections[-1]] + sections[:-1]
    data = {"action": "reorder", "section": [s.pk for s in new_order]}
    for s in sections:
        data[f"evidence-{s.pk}"] = [e.pk for e in reversed(s.evidence.all())]

    act(client, outline, **data)

    assert list(outline.sections.values_list("pk", flat=True)) == [s.pk for s in new_order]
    body = sections[1]
    assert list(body.evidence.values_list("pk", flat=True)) == data[f"evidence-{body.pk}"]


def test_removing_and_adding_evidence(client, outline, student):
    client.force_login(student)
    item = first_evidence(outline).first()
    key, section = item.key, item.section

    act(client, outline, action="remove-evidence", evidence=item.pk)
    assert not Evidence.objects.filter(pk=item.pk).exists()

    act(client, outline, action="add-evidence", section=section.pk, key=key)
    assert section.evidence.filter(key=key).exists()


def test_switching_structure_keeps_evidence_commentary(client, outline, student):
    client.force_login(student)
    item = first_evidence(outline).first()
    save(client, outline, f"evidence-{item.pk}-commentary", "My own words")

    act(client, outline, action="restructure", structure="subject_by_subject")

    outline.refresh_from_db()
    assert outline.structure == "subject_by_subject"
    assert Evidence.objects.get(section__outline=outline, key=item.key).commentary == "My own words"


def test_regenerating_one_section_keeps_the_others(client, outline, student):
    client.force_login(student)
    sections = list(outline.sections.filter(role="body"))
    save(client, outline, f"section-{sections[1].pk}-claim", "Edited claim")

    act(client, outline, action="regenerate", section=sections[0].pk)

    assert outline.sections.get(key=sections[1].key).claim == "Edited claim"


def test_a_hidden_source_is_marked_and_its_quote_kept(client, outline, student, teacher):
    item = first_evidence(outline).first()
    item.annotation.hide(teacher, "no")
    client.force_login(student)

    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    assert "Source hidden or deleted" in page
    assert item.quote in page


def test_the_class_teacher_reads_but_cannot_edit(client, outline, teacher):
    client.force_login(teacher)

    assert client.get(reverse("essays:outline", args=[outline.pk])).status_code == 200
    assert save(client, outline, "thesis", "x").status_code == 403


@pytest.mark.parametrize("who", ["classmate", "outsider_student", "outsider_teacher"])
def test_others_cannot_see_the_outline(request, client, outline, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("essays:outline", args=[outline.pk])).status_code == 404
    assert client.get(reverse("essays:export", args=[outline.pk, "md"])).status_code == 404


def test_saving_needs_a_csrf_token(outline, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    assert save(client, outline, "thesis", "x").status_code == 403


@pytest.mark.parametrize(("fmt", "kind"), [("md", "text/markdown"), ("docx", "wordprocessingml")])
def test_exports_name_the_student_and_assignment(client, outline, student, fmt, kind):
    client.force_login(student)

    response = client.get(reverse("essays:export", args=[outline.pk, fmt]))

    assert kind in response["Content-Type"]
    assert "sam-student" in response["Content-Disposition"]


def test_the_print_view(client, outline, student):
    client.force_login(student)

    response = client.get(reverse("essays:print", args=[outline.pk]))

    assert outline.thesis[:30] in response.content.decode()


def test_a_submitted_outline_cannot_be_deleted(client, outline, student):
    outline.status = "submitted"
    outline.save()
    client.force_login(student)

    client.post(reverse("essays:delete", args=[outline.pk]))

    assert Outline.objects.filter(pk=outline.pk).exists()


@pytest.mark.parametrize("extra", [0, 30])
def test_editor_query_count_does_not_grow_with_evidence(
    client, assignment, student, django_assert_num_queries, extra
):
    stalin = assignment.comparison.subjects.order_by("order").first()
    dimension = assignment.comparison.dimensions.order_by("order").first()
    keys = [
        f"annotation:{annotate(assignment, student, subjects=[stalin], dimension=dimension).pk}"
        for _ in range(extra + 2)
    ]
    material = builder_material(assignment, student)
    selection = make_selection(
        material,
        dimension_ids=[dimension.pk],
        cell_ids=[],
        evidence_keys=keys,
        structure="point_by_point",
        stance="differences",
    )
    big = outline_create(
        assignment=assignment,
        author=student,
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys),
    )
    client.force_login(student)

    # session, user, the outline with its sections and their evidence (3), my roles; the
    # builder material: comparison and its six prefetches, visible annotations, their
    # subjects, links; feedback: release (review), comments, scores, the review again,
    # whether it has revisions, its draft
    # + the navigation's unread count (notifications.context_processors)
    # (the moderation link costs a student nothing: they teach no class, which their roles
    # say; annotations.context_processors)
    with django_assert_num_queries(24):
        client.get(reverse("essays:outline", args=[big.pk]))


def test_restructuring_keeps_evidence_whose_source_was_deleted(client, outline, student):
    item = first_evidence(outline).first()
    key, quote = item.key, item.quote
    item.annotation.delete()
    client.force_login(student)

    act(client, outline, action="restructure", structure="subject_by_subject")

    kept = Evidence.objects.get(section__outline=outline, key=key)
    assert kept.quote == quote
    assert kept.annotation is None


JSON = {"Accept": "application/json"}


def test_the_autosave_script_gets_the_new_version_and_checks_as_json(client, outline, student):
    client.force_login(student)

    response = client.post(
        reverse("essays:save", args=[outline.pk]),
        {"field": "thesis", "value": "Whereas Stalin ruled by terror...", "version": 1},
        headers=JSON,
    )

    outline.refresh_from_db()
    data = response.json()
    assert outline.thesis == "Whereas Stalin ruled by terror..."
    assert data["version"] == outline.version == 2
    assert 'id="outline-status"' in data["status_html"]


def test_a_stale_autosave_gets_a_409_with_the_current_version_and_nothing_is_overwritten(
    client, outline, student
):
    client.force_login(student)
    save(client, outline, "thesis", "First tab", version=1)

    response = client.post(
        reverse("essays:save", args=[outline.pk]),
        {"field": "thesis", "value": "Second tab", "version": 1},
        headers=JSON,
    )

    outline.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert "not saved" in response.json()["detail"]
    assert outline.thesis == "First tab"


def test_a_refused_autosave_says_why_in_json(client, outline, student):
    client.force_login(student)
    url = reverse("essays:save", args=[outline.pk])

    too_long = client.post(
        url, {"field": "thesis", "value": "x" * 2001, "version": 1}, headers=JSON
    )
    unknown = client.post(url, {"field": "author", "value": "me", "version": 1}, headers=JSON)

    assert too_long.status_code == unknown.status_code == 400
    assert "2,000 characters" in too_long.json()["detail"]
    assert unknown.json()["detail"] == "Unknown field."


def test_without_javascript_a_field_form_posts_its_own_version(client, outline, student):
    client.force_login(student)
    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()
    assert '<input type="hidden" name="version" value="1">' in page

    response = save(client, outline, "thesis", "Saved without a script.", htmx=False)

    outline.refresh_from_db()
    assert response.status_code == 302
    assert outline.thesis == "Saved without a script."


def test_prompts_show_as_help_text_tied_to_their_fields(client, outline, student):
    client.force_login(student)
    section = outline.sections.filter(role="body").first()
    item = first_evidence(outline).exclude(prompt="").first()
    assert section.reasoning_prompt and item.prompt

    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    reasoning = f"section-{section.pk}-reasoning"
    commentary = f"evidence-{item.pk}-commentary"
    for field in (reasoning, commentary):
        assert f'id="{field}-help"' in page
        assert f'aria-describedby="{field}-help"' in page
    assert "placeholder=" not in page
    help_box = page[page.index(f'id="{reasoning}-help"') :][:1500]
    assert f"<p>{escape(section.reasoning_prompt)}</p>" in help_box
    # The reasoning frame sits beside the box as visible help, never inside it.
    assert "This shows ___ because ___." in help_box


def test_a_section_named_after_its_role_does_not_repeat_it(client, outline, student):
    client.force_login(student)

    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    assert "<h2>Introduction</h2>" in page
    assert '<span class="meta">Introduction</span>' not in page
    assert '<span class="meta">Body</span>' in page  # a dimension's section still says its role
