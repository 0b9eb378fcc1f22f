"""With a class's worth of annotations, the builder's tray and the editor's "Add evidence"
menus list a shortlist (own and chosen first) instead of every note (essays.views)."""

import pytest
from django.db import connection
from django.urls import reverse

from counterpoint.lib import compiled
from essays import builder, views
from essays.services import builder_material, make_selection, outline_create, selection_record
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(assignment, student, classmate):
    theirs = [annotate(assignment, classmate, body=f"Theirs {i}") for i in range(3)]
    mine = annotate(assignment, student, body="Mine", quote="Paragraph 1.1")
    return {"theirs": theirs, "mine": mine}


def tray(client, assignment, **params):
    response = client.get(reverse("essays:builder", args=[assignment.pk]), params)
    return response.context


def test_the_tray_shortlists_own_notes_first_then_classmates_in_text_order(
    client, assignment, student, notes, monkeypatch
):
    monkeypatch.setattr(views, "TRAY_LIMIT", 2)
    client.force_login(student)

    context = tray(client, assignment)

    shown = {a.pk for a in context["tray_annotations"]}
    assert notes["mine"].pk in shown and len(shown) == 2
    assert context["tray_matched"] == 4


def test_a_student_with_many_notes_still_gets_a_shortlist(
    client, assignment, student, notes, monkeypatch
):
    monkeypatch.setattr(views, "TRAY_LIMIT", 1)
    client.force_login(student)
    annotate(assignment, student, body="Another of mine")

    context = tray(client, assignment)

    assert [a.author_id for a in context["tray_annotations"]] == [student.pk]


def test_asking_for_every_annotation_lists_them_all(
    client, assignment, student, notes, monkeypatch
):
    monkeypatch.setattr(views, "TRAY_LIMIT", 2)
    client.force_login(student)

    context = tray(client, assignment, tray_all="1")

    assert len(context["tray_annotations"]) == 4


def test_a_chosen_note_past_the_shortlist_stays_in_the_tray(
    client, assignment, student, notes, monkeypatch
):
    monkeypatch.setattr(views, "TRAY_LIMIT", 1)
    last = notes["theirs"][-1]
    client.force_login(student)

    context = tray(
        client,
        assignment,
        structure="point_by_point",
        stance="differences",
        evidence=[f"annotation:{last.pk}"],
    )

    assert last.pk in {a.pk for a in context["tray_annotations"]}


def _outline(assignment, student):
    material = builder_material(assignment, student)
    selection = make_selection(
        material,
        dimension_ids=[d.pk for d in material.dimensions],
        cell_ids=[],
        evidence_keys=[],
        structure="point_by_point",
        stance="differences",
    )
    return outline_create(
        assignment=assignment,
        author=student,
        draft=builder.build(selection),
        selection_data=selection_record(selection, []),
    )


def test_the_add_evidence_menu_is_a_shortlist_with_own_notes_first(
    client, assignment, student, notes, monkeypatch
):
    monkeypatch.setattr(views, "UNUSED_LIMIT", 2)
    outline = _outline(assignment, student)
    client.force_login(student)

    unused = client.get(reverse("essays:outline", args=[outline.pk])).context["unused"]

    assert [item.key for item in unused][0] == f"annotation:{notes['mine'].pk}"
    assert len(unused) == 2


def test_a_teacher_reviewing_gets_no_add_evidence_menu(client, assignment, student, teacher, notes):
    outline = _outline(assignment, student)
    client.force_login(teacher)

    assert client.get(reverse("essays:outline", args=[outline.pk])).context["unused"] == []


@pytest.mark.parametrize("limit", [1, 3, 6, 50])
def test_the_menus_read_only_their_first_notes_and_list_what_every_note_would(
    client, assignment, student, classmate, limit, monkeypatch
):
    """The editor loads only the first notes the menus can reach (essays.views._menu_rows):
    the same menu as from every note the student may see, whatever the outline already uses
    or its selection names (a link counts both its ends)."""
    from annotations.models import Link
    from essays.models import Outline

    monkeypatch.setattr(views, "UNUSED_LIMIT", limit)
    mine = [annotate(assignment, student, body=f"Mine {i}") for i in range(5)]
    theirs = [annotate(assignment, classmate, body=f"Theirs {i}") for i in range(5)]
    link = Link.objects.create(
        assignment=assignment,
        source=mine[3],
        target=theirs[2],
        relation="difference",
        author=student,
    )
    keys = [f"annotation:{mine[1].pk}", f"annotation:{theirs[0].pk}", f"link:{link.pk}"]
    material = builder_material(assignment, student)
    selection = make_selection(
        material,
        dimension_ids=[d.pk for d in material.dimensions],
        cell_ids=[],
        evidence_keys=keys,
        structure="point_by_point",
        stance="differences",
    )
    made = outline_create(
        assignment=assignment,
        author=student,
        draft=builder.build(selection),
        selection_data=selection_record(selection, keys[:1]),
    )
    outline = Outline.objects.for_editor().get(pk=made.pk)
    every = views._unused_evidence(outline, builder_material(assignment, student))
    client.force_login(student)

    unused = client.get(reverse("essays:outline", args=[outline.pk])).context["unused"]

    assert [item.key for item in unused] == [item.key for item in every]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_the_builders_visibility_queries_compile_on_postgresql(assignment, student, notes):
    everything = builder_material(assignment, student)
    named = builder_material(assignment, student, keys=[f"annotation:{notes['mine'].pk}"], menu=2)

    kept = {key[0]: ok for key, ok in compiled.kept_shapes().items()}
    assert all(kept[name] for name in ("builder:all", "builder:named", "builder:menu:25"))
    assert len(everything.annotations) == 4
    assert [a.pk for a in named.menu] == [notes["mine"].pk, notes["theirs"][0].pk]
