"""/api/v1/outlines/: building an outline from a selection, who reads and changes it, two
tabs saving at once, exports, and query counts that do not grow with the outline."""

import io

import pytest
from docx import Document
from rest_framework.test import APIClient

from annotations.models import Link
from essays.models import Evidence, Outline, OutlineSection
from tests.annotations.helpers import annotate
from tests.factories import AssignmentFactory, comparison_with_content

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/outlines/"


def detail_url(outline):
    return f"{LIST_URL}{outline.pk}/"


def export_url(outline, fmt):
    return f"{detail_url(outline)}export/?format={fmt}"


def api_client(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def evidence(assignment, student, classmate, cast):
    """The student's own evidence on both subjects, linked; a classmate's shared and
    private annotations."""
    leadership = cast["leadership"]
    fear = annotate(
        assignment, student, body="Fear", subjects=[cast["stalin"]], dimension=leadership
    )
    thaw = annotate(
        assignment,
        student,
        body="Thaw",
        subjects=[cast["khrushchev"]],
        dimension=leadership,
        passage=cast["passages"][1],
    )
    link = Link.objects.create(
        assignment=assignment,
        source=fear,
        target=thaw,
        relation=Link.Relation.DIFFERENCE,
        dimension=leadership,
        explanation="Terror against persuasion.",
        author=student,
    )
    shared = annotate(
        assignment,
        classmate,
        body="Shared note",
        subjects=[cast["khrushchev"]],
        dimension=cast["foreign"],
        passage=cast["passages"][2],
    )
    private = annotate(
        assignment,
        classmate,
        body="Classmate's private secret",
        subjects=[cast["stalin"]],
        dimension=cast["foreign"],
        passage=cast["passages"][3],
        visibility="private",
    )
    return {"fear": fear, "thaw": thaw, "link": link, "shared": shared, "private": private}


def selection(assignment, cast, evidence_keys, **extra):
    return {
        "assignment": assignment.pk,
        "structure": "point_by_point",
        "stance": "differences",
        "dimensions": [cast["leadership"].pk, cast["foreign"].pk],
        "cells": [],
        "evidence": evidence_keys,
        **extra,
    }


def create(user, data):
    return api_client(user).post(LIST_URL, data, format="json")


@pytest.fixture
def outline(assignment, student, cast, evidence):
    response = create(
        student,
        selection(assignment, cast, [f"link:{evidence['link'].pk}"]),
    )
    assert response.status_code == 201, response.json()
    return Outline.objects.get(pk=response.json()["id"])


def evidence_keys(outline):
    return set(Evidence.objects.filter(section__outline=outline).values_list("key", flat=True))


# --- create ------------------------------------------------------------------------


def test_student_creates_an_outline_from_a_selection(assignment, student, cast, evidence):
    cell = cast["foreign"].contrasts.get(subject=cast["stalin"])
    keys = [
        f"link:{evidence['link'].pk}",
        f"annotation:{evidence['shared'].pk}",
        f"contrast:{cell.pk}",
    ]

    response = create(student, selection(assignment, cast, keys))

    assert response.status_code == 201, response.json()
    body = response.json()
    outline = Outline.objects.get(pk=body["id"])
    assert (outline.author, outline.assignment, outline.version) == (student, assignment, 1)
    assert body["status"] == "draft" and body["version"] == 1
    # The builder scaffolds; the student writes: no thesis, claim or reasoning is made up.
    assert outline.thesis == body["thesis"] == ""
    assert all(s["claim"] == "" and s["reasoning"] == "" for s in body["sections"])
    assert all(e["reasoning"] == "" for s in body["sections"] for e in s["evidence"])
    assert body["question"] == assignment.essay_prompt
    assert body["judgements"] == []
    section_keys = list(outline.sections.values_list("key", flat=True))
    assert f"body:dimension:{cast['leadership'].pk}" in section_keys
    assert f"body:dimension:{cast['foreign'].pk}" in section_keys
    assert [s["key"] for s in body["sections"]] == section_keys
    assert evidence_keys(outline) == {
        f"annotation:{evidence['fear'].pk}",
        f"annotation:{evidence['thaw'].pk}",
        f"annotation:{evidence['shared'].pk}",
        f"contrast:{cell.pk}",
    }
    fear = Evidence.objects.get(key=f"annotation:{evidence['fear'].pk}")
    assert (fear.annotation, fear.quote, fear.citation) == (evidence["fear"], "Paragraph", "§1 ¶1")
    returned = [e for s in body["sections"] for e in s["evidence"]]
    assert {e["key"] for e in returned} == evidence_keys(outline)
    assert {"quote", "note", "citation", "reasoning", "relation", "form", "source"} <= set(
        returned[0]
    )
    cell_card = next(e for e in returned if e["key"] == f"contrast:{cell.pk}")
    assert cell_card["source"] == "table" and cell_card["relation"] is None
    assert outline.selection["evidence"] == keys
    assert {"code", "ok", "level", "message", "target", "spans"} == set(body["checks"][0])
    written = next(c for c in body["checks"] if c["code"] == "thesis_written")
    assert (written["ok"], written["level"], written["target"]) == (False, "problem", "thesis")


def test_a_classmates_private_annotation_cannot_be_pulled_in(assignment, student, cast, evidence):
    private, shared = evidence["private"], evidence["shared"]
    keys = [f"annotation:{private.pk}", f"annotation:{shared.pk}", "annotation:999999"]

    response = create(student, selection(assignment, cast, keys))

    assert response.status_code == 201, response.json()
    outline = Outline.objects.get(pk=response.json()["id"])
    assert evidence_keys(outline) == {f"annotation:{shared.pk}"}
    assert outline.selection["evidence"] == [f"annotation:{shared.pk}"]
    assert "private secret" not in response.content.decode()
    assert not Evidence.objects.filter(annotation=private).exists()


def test_without_dimensions_every_dimension_is_used(assignment, student, cast, evidence):
    data = selection(assignment, cast, [])
    del data["dimensions"]

    response = create(student, data)

    assert response.status_code == 201
    assert response.json()["selection"]["dimensions"] == [
        cast["leadership"].pk,
        cast["foreign"].pk,
    ]


def test_an_assignment_of_another_class_is_no_such_assignment(
    assignment, student, other_classroom, outsider_teacher, cast
):
    theirs = AssignmentFactory(
        classroom=other_classroom, comparison=comparison_with_content(outsider_teacher)
    )

    for pk in (theirs.pk, 999999):
        response = create(student, {**selection(assignment, cast, []), "assignment": pk})

        assert response.status_code == 400
        assert response.json() == {"assignment": ["No such assignment."]}
    assert not Outline.objects.exists()


def test_bad_choices_get_field_messages(assignment, student, teacher, cast):
    elsewhere = comparison_with_content(teacher).dimensions.first()

    response = create(
        student,
        selection(
            assignment,
            cast,
            ["annotation:1", "passage:4", "<script>"],
            structure="essay",
            stance="neither",
            dimensions=[elsewhere.pk],
        ),
    )

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"structure", "stance", "evidence"}
    assert errors["structure"] == ['"essay" is not a valid choice.']
    assert errors["evidence"] == [
        "“passage:4” is not evidence: use annotation:<id>, link:<id> or contrast:<id>.",
        "“<script>” is not evidence: use annotation:<id>, link:<id> or contrast:<id>.",
    ]

    response = create(student, selection(assignment, cast, [], dimensions=[elsewhere.pk]))

    assert response.status_code == 400
    assert response.json() == {
        "dimensions": [f"Dimension {elsewhere.pk} is not part of this comparison."]
    }
    assert not Outline.objects.exists()


# --- who reads and changes what ----------------------------------------------------

ROLES = ["author", "classmate", "teacher", "outsider_student", "outsider_teacher", "anonymous"]
# retrieve, export, PATCH, DELETE
EXPECTED = {
    "author": (200, 200, 200, 204),
    "classmate": (404, 404, 404, 404),
    "teacher": (200, 200, 403, 403),
    "outsider_student": (404, 404, 404, 404),
    "outsider_teacher": (404, 404, 404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_author_changes_an_outline_and_the_teacher_reads_it(
    request, outline, student, outsider_student, outsider_teacher, role
):
    user = (
        None
        if role == "anonymous"
        else request.getfixturevalue("student" if role == "author" else role)
    )
    client = api_client(user)

    statuses = (
        client.get(detail_url(outline)).status_code,
        client.get(export_url(outline, "md")).status_code,
        client.patch(
            detail_url(outline), {"version": 1, "thesis": "Mine now."}, format="json"
        ).status_code,
        client.delete(detail_url(outline)).status_code,
    )

    if role == "anonymous":
        assert set(statuses) <= {401, 403}
    else:
        assert statuses == EXPECTED[role]
    outline_left = Outline.objects.filter(pk=outline.pk).first()
    assert (outline_left is None) is (role == "author")
    if outline_left is not None:
        assert outline_left.thesis != "Mine now."
        assert outline_left.version == 1


def test_the_list_shows_mine_and_to_teachers_their_classes(
    assignment, outline, student, classmate, teacher, outsider_teacher, cast
):
    theirs = Outline.objects.create(assignment=assignment, author=classmate, title="Cleo's")
    other_assignment = AssignmentFactory(
        classroom=assignment.classroom, comparison=assignment.comparison
    )
    later = Outline.objects.create(assignment=other_assignment, author=student, title="Later")

    def listed(user, query=""):
        response = api_client(user).get(f"{LIST_URL}{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert listed(student) == {outline.pk, later.pk}
    assert listed(classmate) == {theirs.pk}
    assert listed(teacher) == {outline.pk, theirs.pk, later.pk}
    assert listed(outsider_teacher) == set()
    assert listed(teacher, f"?assignment={assignment.pk}") == {outline.pk, theirs.pk}
    assert listed(student, f"?assignment={other_assignment.pk}") == {later.pk}
    row = api_client(student).get(LIST_URL).json()["results"][0]
    assert row["author"] == {"id": student.pk, "display_name": "Sam Student"}
    assert api_client(student).get(f"{LIST_URL}?assignment=x").status_code == 400


def test_a_former_member_no_longer_sees_their_outline(outline, student):
    student.memberships.all().delete()

    client = api_client(student)

    assert client.get(LIST_URL).json()["results"] == []
    assert client.get(detail_url(outline)).status_code == 404


def test_a_submitted_outline_cannot_be_deleted(outline, student):
    Outline.objects.filter(pk=outline.pk).update(status=Outline.Status.SUBMITTED)

    response = api_client(student).delete(detail_url(outline))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["A submitted outline cannot be deleted."]}
    assert Outline.objects.filter(pk=outline.pk).exists()


def test_writes_need_the_csrf_token(outline, student):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.patch(detail_url(outline), {"version": 1, "thesis": "x"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- editing -------------------------------------------------------------------------


def test_author_edits_the_thesis_sections_and_evidence(outline, student):
    section = outline.sections.filter(role="body").first()
    item = Evidence.objects.filter(section__outline=outline).first()

    response = api_client(student).patch(
        detail_url(outline),
        {
            "version": 1,
            "title": "Terror and thaw",
            "thesis": "Whereas Stalin ruled by fear, Khrushchev persuaded.",
            "sections": [
                {"id": section.pk, "claim": "Fear against persuasion.", "heading": "Rule"}
            ],
            "evidence": [
                {"id": item.pk, "commentary": "Shows the method.", "relation": "similarity"}
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2
    assert body["title"] == "Terror and thaw"
    assert body["thesis"] == "Whereas Stalin ruled by fear, Khrushchev persuaded."
    shown = next(s for s in body["sections"] if s["id"] == section.pk)
    assert (shown["heading"], shown["claim"]) == ("Rule", "Fear against persuasion.")
    assert shown["reasoning"] == section.reasoning  # not sent, not changed
    item.refresh_from_db()
    assert (item.commentary, item.relation, item.form) == (
        "Shows the method.",
        "similarity",
        "quote",
    )
    outline.refresh_from_db()
    assert (outline.version, outline.title) == (2, "Terror and thaw")


def test_sections_and_evidence_of_another_outline_are_refused(
    assignment, outline, student, classmate
):
    theirs = Outline.objects.create(assignment=assignment, author=classmate, title="Cleo's")
    foreign = OutlineSection.objects.create(
        outline=theirs, key="introduction", role="introduction", heading="Intro"
    )

    response = api_client(student).patch(
        detail_url(outline),
        {"version": 1, "sections": [{"id": foreign.pk, "claim": "Taken over."}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"sections": [f"Section {foreign.pk} is not part of this outline."]}
    foreign.refresh_from_db()
    assert foreign.claim == ""
    outline.refresh_from_db()
    assert outline.version == 1


def test_an_edit_without_a_version_is_refused(outline, student):
    response = api_client(student).patch(
        detail_url(outline), {"thesis": "No version."}, format="json"
    )

    assert response.status_code == 400
    assert "version" in response.json()
    outline.refresh_from_db()
    assert outline.thesis != "No version."


def test_a_submitted_outline_cannot_be_edited_through_the_api(outline, student):
    Outline.objects.filter(pk=outline.pk).update(status=Outline.Status.SUBMITTED)

    response = api_client(student).patch(
        detail_url(outline),
        {"thesis": "Changed behind the teacher's back.", "version": 1},
        format="json",
    )

    assert response.status_code == 400
    assert "with your teacher" in response.json()["non_field_errors"][0]
    outline.refresh_from_db()
    assert outline.thesis != "Changed behind the teacher's back."


def test_bad_values_get_field_messages(outline, student):
    item = Evidence.objects.filter(section__outline=outline).first()

    response = api_client(student).patch(
        detail_url(outline),
        {
            "version": 1,
            "title": "",
            "thesis": "x" * 2001,
            "evidence": [{"id": item.pk, "relation": "sideways"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"title", "thesis", "evidence"}


def test_two_tabs_saving_from_the_same_version_cannot_overwrite_each_other(outline, student):
    first_tab, second_tab = api_client(student), api_client(student)

    first = first_tab.patch(
        detail_url(outline), {"version": 1, "thesis": "From the first tab."}, format="json"
    )
    second = second_tab.patch(
        detail_url(outline), {"version": 1, "thesis": "From the second tab."}, format="json"
    )

    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert second.status_code == 409
    assert second.json() == {
        "detail": "This outline was changed elsewhere. Reload it to get version 2, "
        "then make your change again.",
        "version": 2,
    }
    outline.refresh_from_db()
    assert (outline.thesis, outline.version) == ("From the first tab.", 2)

    reloaded = second_tab.get(detail_url(outline)).json()
    retried = second_tab.patch(
        detail_url(outline),
        {"version": reloaded["version"], "thesis": "From the second tab."},
        format="json",
    )

    assert retried.status_code == 200
    assert retried.json()["version"] == 3
    outline.refresh_from_db()
    assert (outline.thesis, outline.version) == ("From the second tab.", 3)


def test_a_stale_edit_writes_nothing(outline, student):
    section = outline.sections.first()
    Outline.objects.filter(pk=outline.pk).update(version=5)

    response = api_client(student).patch(
        detail_url(outline),
        {"version": 4, "sections": [{"id": section.pk, "claim": "Stale."}]},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["version"] == 5
    section.refresh_from_db()
    assert section.claim != "Stale."


# --- export --------------------------------------------------------------------------


def test_export_markdown_names_the_file_after_the_student_and_assignment(outline, student):
    response = api_client(student).get(export_url(outline, "md"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="sam-student_how-was-khrushchev-different-from-stalin_outline.md"'
    )
    text = response.content.decode()
    assert text.startswith(f"# {outline.title}\n")
    assert "> “Paragraph” (§1 ¶1)" in text


def test_the_teacher_exports_a_students_outline_as_word(outline, teacher):
    response = api_client(teacher).get(export_url(outline, "docx"))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].endswith('_outline.docx"')
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == outline.title
    assert document.core_properties.author == "Sam Student"
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert "“Paragraph” (§1 ¶1)" in quotes


@pytest.mark.parametrize("query", ["?format=pdf", "?format=json", ""])
def test_an_unknown_export_format_is_a_400(outline, student, query):
    response = api_client(student).get(f"{detail_url(outline)}export/{query}")

    assert response.status_code == 400
    assert response.json() == {"format": ["Choose md or docx."]}


# --- query counts ----------------------------------------------------------------------


def outline_with(assignment, author, cast, count):
    """An outline whose one body section holds `count` pieces of evidence, each from an
    annotation of its own, all in the outline's selection."""
    annotations = [
        annotate(
            assignment,
            author,
            subjects=[cast["stalin"] if i % 2 else cast["khrushchev"]],
            dimension=cast["leadership"],
            passage=cast["passages"][i % 4],
        )
        for i in range(count)
    ]
    keys = [f"annotation:{a.pk}" for a in annotations]
    outline = Outline.objects.create(
        assignment=assignment,
        author=author,
        title="Counted",
        selection={"dimensions": [cast["leadership"].pk], "cells": [], "evidence": keys},
    )
    section = OutlineSection.objects.create(
        outline=outline, key=f"body:dimension:{cast['leadership'].pk}", role="body", heading="B"
    )
    Evidence.objects.bulk_create(
        Evidence(section=section, order=i, key=key, annotation=a, quote=a.exact)
        for i, (key, a) in enumerate(zip(keys, annotations, strict=True))
    )
    return outline


@pytest.mark.parametrize("count", [5, 40])
def test_retrieve_query_count_does_not_grow(
    django_assert_num_queries, assignment, student, cast, count
):
    outline = outline_with(assignment, student, cast, count)
    client = api_client(student)

    # session, user, the outline (assignment, class, comparison and author joined), its
    # sections, their evidence (annotations joined), my roles (the author's too: the same
    # user); then the author's material for the checks: the comparison (author joined),
    # subjects, dimensions, cells, sections, passages, passage dimensions, the annotations
    # the outline's selection names, their subjects (no comparison link is named)
    with django_assert_num_queries(15):
        response = client.get(detail_url(outline))
        body = response.json()

    assert len(body["sections"][0]["evidence"]) == count
    assert all(not item["source_hidden"] for item in body["sections"][0]["evidence"])


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count_does_not_grow(
    django_assert_num_queries, assignment, student, classmate, teacher, count
):
    for i in range(count):
        Outline.objects.create(
            assignment=assignment, author=student if i % 2 else classmate, title=f"{i}"
        )
    client = api_client(teacher)

    # session, user, my roles, count, the page (author joined)
    with django_assert_num_queries(5):
        rows = client.get(LIST_URL).json()["results"]

    assert len(rows) == count
    assert {row["author"]["display_name"] for row in rows} == {"Sam Student", "Cleo Classmate"}


def test_the_browsable_api_shows_an_outline_and_its_edit_form(outline, student):
    client = api_client(student)

    listed = client.get(LIST_URL, HTTP_ACCEPT="text/html")
    shown = client.get(detail_url(outline), HTTP_ACCEPT="text/html")

    assert listed.status_code == 200
    assert shown.status_code == 200
    assert "&quot;version&quot;: 1" in shown.content.decode()  # the PATCH form's template
