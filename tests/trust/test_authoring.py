"""Who may author the text a class reads, and what an edit may never do (issue 15, finding 1).

Only people who teach a class (and staff) write, import and publish comparisons. Assigning a
comparison someone else wrote assigns your own copy of it, so no one else can change the text
a class reads. And no edit, from the editor, the admin or the shell, deletes an annotation:
removing a passage leaves its annotations orphaned, kept and shown as such.
"""

import json

import pytest
from django.db.models import ProtectedError
from django.test import override_settings
from django.urls import reverse

from annotations.models import Annotation
from comparisons import services
from comparisons.models import Comparison, Contrast, Passage, Section
from counterpoint.models import Assignment
from tests.annotations.helpers import annotate
from tests.comparisons.test_assign import assignment_data
from tests.comparisons.test_import_view import ARTICLE
from tests.factories import AssignmentFactory, UserFactory, comparison_with_content

pytestmark = pytest.mark.django_db


def passage_delete_url(comparison, passage):
    return reverse("comparisons:item_delete", args=[comparison.pk, "passage", passage.pk])


def section_delete_url(comparison, section):
    return reverse("comparisons:item_delete", args=[comparison.pk, "section", section.pk])


def note_url(annotation):
    return reverse("annotation-detail", args=[annotation.pk])


# --- who may author ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["comparisons:list", "comparisons:new", "comparisons:import"])
def test_a_student_is_refused_the_authoring_pages(client, student, name):
    client.force_login(student)

    assert client.get(reverse(name)).status_code == 403


def test_a_student_cannot_create_a_comparison(client, student):
    client.force_login(student)

    response = client.post(
        reverse("comparisons:new"), {"title": "Mine", "question": "Why?", "summary": ""}
    )

    assert response.status_code == 403
    assert not Comparison.objects.exists()


def test_a_student_cannot_import_a_comparison(client, student):
    client.force_login(student)

    response = client.post(reverse("comparisons:import"), {"markdown": ARTICLE, "create": "1"})

    assert response.status_code == 403
    assert not Comparison.objects.exists()


def test_a_student_who_wrote_a_comparison_before_can_neither_edit_nor_publish_it(client, student):
    theirs = comparison_with_content(student)
    theirs.unpublish()
    client.force_login(student)

    assert client.get(reverse("comparisons:edit", args=[theirs.pk])).status_code == 403
    response = client.post(reverse("comparisons:publish", args=[theirs.pk]))

    assert response.status_code == 403
    theirs.refresh_from_db()
    assert not theirs.is_published


def test_a_person_in_no_class_may_not_author_but_staff_may(client):
    nobody = UserFactory()
    staff = UserFactory(is_staff=True)

    client.force_login(nobody)
    assert client.get(reverse("comparisons:new")).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("comparisons:new")).status_code == 200


def test_students_do_not_see_the_comparisons_link_and_teachers_do(client, student, teacher):
    link = f'href="{reverse("comparisons:list")}"'

    client.force_login(student)
    assert link not in client.get(reverse("dashboard")).content.decode()
    client.force_login(teacher)
    assert link in client.get(reverse("dashboard")).content.decode()


# --- assigning someone else's comparison assigns your own copy ---------------------------


def test_the_attack_in_the_issue_leaves_the_class_and_its_notes_untouched(
    client, classroom, teacher, student, outsider_teacher
):
    """Another teacher writes and publishes a comparison; our teacher assigns it; its author
    then edits and deletes its passages. The class's text and the student's note stay."""
    theirs = comparison_with_content(outsider_teacher)
    client.force_login(teacher)
    client.post(reverse("comparisons:assign", args=[classroom.pk]), assignment_data(theirs))
    assignment = Assignment.objects.get()
    note = annotate(assignment, student, body="Terror")
    texts = list(
        Passage.objects.filter(section__comparison=assignment.comparison).values_list("text")
    )

    client.force_login(outsider_teacher)
    for passage in Passage.objects.filter(section__comparison=theirs):
        client.post(passage_delete_url(theirs, passage))
    # Their own comparison is theirs to change; the class's copy is out of their reach.
    copied_passage = Passage.objects.filter(section__comparison=assignment.comparison).first()
    assert client.post(passage_delete_url(assignment.comparison, copied_passage)).status_code == (
        404
    )

    client.force_login(student)
    assert client.get(note_url(note)).status_code == 200
    after = list(
        Passage.objects.filter(section__comparison=assignment.comparison).values_list("text")
    )
    assert after == texts
    note.refresh_from_db()
    assert note.passage_id is not None and not note.is_orphaned


def test_a_copy_holds_the_whole_text_and_remembers_where_it_came_from(teacher, outsider_teacher):
    theirs = comparison_with_content(outsider_teacher, sections=2, passages_per_section=3)
    first = Passage.objects.filter(section__comparison=theirs).first()
    tagged = list(first.dimensions.values_list("name", flat=True))

    copy = services.comparison_copy(comparison=theirs, author=teacher)

    assert (copy.author, copy.based_on, copy.is_published) == (teacher, theirs, False)
    assert (copy.title, copy.question, copy.summary) == (
        theirs.title,
        theirs.question,
        theirs.summary,
    )

    def shape(comparison):
        return {
            "subjects": list(comparison.subjects.values_list("name", "colour", "order")),
            "dimensions": list(comparison.dimensions.values_list("name", "order")),
            "cells": sorted(
                Contrast.objects.filter(dimension__comparison=comparison).values_list(
                    "dimension__name", "subject__name", "statement"
                )
            ),
            "sections": list(comparison.sections.values_list("heading", "order")),
            "passages": list(
                Passage.objects.filter(section__comparison=comparison).values_list(
                    "section__heading", "text", "order"
                )
            ),
            "tags": sorted(
                Passage.dimensions.through.objects.filter(
                    passage__section__comparison=comparison
                ).values_list("passage__text", "dimension__name")
            ),
        }

    assert shape(copy) == shape(theirs)
    assert shape(copy)["cells"] and shape(copy)["tags"]
    # New rows, none shared with the original.
    assert not copy.subjects.filter(pk__in=theirs.subjects.all()).exists()
    assert not Passage.objects.filter(
        section__comparison=copy, pk__in=Passage.objects.filter(section__comparison=theirs)
    ).exists()
    copied_first = Passage.objects.filter(section__comparison=copy).first()
    assert list(copied_first.dimensions.values_list("name", flat=True)) == tagged
    assert set(copied_first.dimensions.values_list("comparison", flat=True)) <= {copy.pk}


def test_assigning_your_own_comparison_assigns_it_as_it_is(client, classroom, teacher, comparison):
    client.force_login(teacher)

    client.post(reverse("comparisons:assign", args=[classroom.pk]), assignment_data(comparison))

    assert Assignment.objects.get().comparison == comparison
    assert Comparison.objects.count() == 1


def test_the_reading_page_and_the_editor_credit_the_original(
    client, classroom, teacher, student, outsider_teacher
):
    theirs = comparison_with_content(outsider_teacher)
    client.force_login(teacher)
    client.post(reverse("comparisons:assign", args=[classroom.pk]), assignment_data(theirs))
    assignment = Assignment.objects.get()
    credit = f"Based on “{theirs.title}” by {outsider_teacher.display_name}"

    editor = client.get(reverse("comparisons:edit", args=[assignment.comparison.pk]))
    assert credit in editor.content.decode()
    assert "Your copy" in editor.content.decode()
    client.force_login(student)
    assert credit in client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()
    api = client.get(reverse("comparison-detail", args=[assignment.comparison.pk])).json()
    assert api["based_on"] == {"title": theirs.title, "author": outsider_teacher.display_name}


def test_the_teacher_edits_their_copy_and_the_class_notes_follow(
    client, classroom, teacher, student, outsider_teacher
):
    theirs = comparison_with_content(outsider_teacher)
    client.force_login(teacher)
    client.post(reverse("comparisons:assign", args=[classroom.pk]), assignment_data(theirs))
    assignment = Assignment.objects.get()
    passage = Passage.objects.filter(section__comparison=assignment.comparison).first()
    note = annotate(assignment, student, passage=passage)

    response = client.post(
        reverse("comparisons:item_update", args=[assignment.comparison.pk, "passage", passage.pk]),
        {f"passage-{passage.pk}-text": "A new first sentence. " + passage.text},
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert not note.is_orphaned
    assert note.start == len("A new first sentence. ")


def test_an_author_who_no_longer_teaches_a_class_that_reads_their_text_cannot_change_it(
    client, classroom, teacher, outsider_teacher
):
    """An assignment made before copies existed (or a co-teacher who has left the class)."""
    theirs = comparison_with_content(outsider_teacher)
    AssignmentFactory(classroom=classroom, comparison=theirs)
    passage = Passage.objects.filter(section__comparison=theirs).first()
    client.force_login(outsider_teacher)

    assert client.post(passage_delete_url(theirs, passage)).status_code == 403
    assert Passage.objects.filter(pk=passage.pk).exists()


# --- no edit deletes an annotation ------------------------------------------------------


@pytest.fixture
def orphan(client, assignment, teacher, student):
    """A student's note (with a reply) whose paragraph the teacher removed in the editor."""
    passage = Passage.objects.filter(section__comparison=assignment.comparison).first()
    note = annotate(assignment, student, passage=passage, body="About terror")
    Annotation.objects.create(
        assignment=assignment,
        passage=passage,
        author=teacher,
        parent=note,
        body="Good start",
        visibility=note.visibility,
    )
    client.force_login(teacher)
    response = client.post(passage_delete_url(assignment.comparison, passage))
    assert response.status_code == 302
    assert not Passage.objects.filter(pk=passage.pk).exists()
    note.refresh_from_db()
    return note


def test_removing_a_passage_orphans_its_annotations_and_their_replies_stay(orphan):
    assert orphan.passage_id is None
    assert orphan.is_orphaned
    assert orphan.exact  # the last known quote is kept
    assert orphan.replies.get().passage_id is None


def test_an_orphan_is_still_the_students_to_read_and_is_marked_on_the_reading_page(
    client, orphan, assignment, student
):
    client.force_login(student)

    assert client.get(note_url(orphan)).status_code == 200
    page = client.get(reverse("comparisons:read", args=[assignment.pk]), {"all": "1"})
    card = client.get(
        reverse("annotations:card", args=[orphan.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    assert page.status_code == 200
    assert f'id="annotation-{orphan.pk}"' in page.content.decode()
    assert "no longer in the text" in card
    assert 'data-orphaned="true"' in card


def test_an_orphan_can_still_be_replied_to(client, orphan, classmate):
    client.force_login(classmate)

    response = client.post(reverse("annotations:reply", args=[orphan.pk]), {"body": "Me too"})

    assert response.status_code == 302
    assert orphan.replies.filter(body="Me too", passage__isnull=True).exists()


def test_an_orphan_is_exported_with_its_quote_and_the_reading_page_as_source(
    client, orphan, assignment, teacher
):
    client.force_login(teacher)

    response = client.get(reverse("annotation-collection", args=[assignment.pk]))

    items = {item["id"]: item for item in json.loads(response.content)["first"]["items"]}
    item = next(i for key, i in items.items() if key.endswith(f"/annotations/{orphan.pk}/"))
    assert response.status_code == 200
    assert item["target"]["source"].endswith(reverse("comparisons:read", args=[assignment.pk]))
    # No selector (a client must not find the words elsewhere); the last quote is a body.
    assert "selector" not in item["target"]
    assert (item["body"][0]["value"], item["body"][0]["purpose"]) == (orphan.exact, "describing")


def test_the_annotations_csv_says_an_orphan_is_no_longer_in_the_text(
    client, orphan, assignment, teacher
):
    client.force_login(teacher)

    response = client.get(reverse("insights:annotations", args=[assignment.pk]))

    row = next(
        line for line in response.content.decode("utf-8-sig").splitlines() if "About terror" in line
    )
    assert "orphaned: no longer in the text" in row


def test_the_dashboard_counts_orphans_apart_from_the_heat_map(
    client, orphan, classroom, assignment, teacher
):
    client.force_login(teacher)

    response = client.get(
        reverse("insights:class_dashboard", args=[classroom.pk]), {"assignment": assignment.pk}
    )

    assert response.status_code == 200
    assert "1 annotation orphaned: its paragraph is no longer in the text." in (
        response.content.decode()
    )


def test_the_builder_offers_an_orphan_with_a_note_for_its_citation(
    client, orphan, assignment, student
):
    from essays.services import builder_material

    material = builder_material(assignment, student)
    (evidence,) = material.evidence_for(f"annotation:{orphan.pk}")
    client.force_login(student)

    assert evidence.citation == "no longer in the text"
    assert client.get(reverse("essays:builder", args=[assignment.pk])).status_code == 200


def test_the_students_personal_data_export_keeps_the_orphan(client, orphan, student):
    client.force_login(student)

    response = client.get(reverse("account_export"))

    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert response.status_code == 200
    bodies = [item["body"] for item in data["annotations"]["items"]]
    assert [[b["value"] for b in body if b["purpose"] == "commenting"] for body in bodies] == [
        ["About terror"]
    ]


def test_removing_a_section_orphans_the_annotations_on_its_passages(
    client, assignment, teacher, student
):
    section = assignment.comparison.sections.order_by("order").first()
    note = annotate(assignment, student, passage=section.passages.first())
    client.force_login(teacher)

    client.post(section_delete_url(assignment.comparison, section))

    note.refresh_from_db()
    assert not Section.objects.filter(pk=section.pk).exists()
    assert (note.passage_id, note.is_orphaned) == (None, True)


def test_deleting_a_passage_in_the_shell_orphans_too(assignment, student):
    note = annotate(assignment, student)

    note.passage.delete()

    note.refresh_from_db()
    assert (note.passage_id, note.is_orphaned) == (None, True)


def test_deleting_a_passage_in_the_admin_orphans_too(admin_client, assignment, student):
    note = annotate(assignment, student)
    passage = note.passage
    url = reverse("admin:comparisons_passage_delete", args=[passage.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.passage_id, note.is_orphaned) == (None, True)


def test_an_assigned_comparison_cannot_be_deleted_in_the_shell(assignment, student):
    annotate(assignment, student)

    with pytest.raises(ProtectedError):
        assignment.comparison.delete()

    assert Annotation.objects.count() == 1


def test_the_admin_refuses_to_delete_an_assigned_comparison(admin_client, assignment, student):
    annotate(assignment, student)
    url = reverse("admin:comparisons_comparison_delete", args=[assignment.comparison.pk])

    page = admin_client.get(url).content.decode()
    admin_client.post(url, {"post": "yes"})

    assert "Cannot delete comparison" in page or "would require deleting" in page
    assert Comparison.objects.filter(pk=assignment.comparison.pk).exists()
    assert Annotation.objects.count() == 1


def test_an_unassigned_comparison_can_be_deleted_and_its_copies_keep_their_text(
    teacher, outsider_teacher
):
    theirs = comparison_with_content(outsider_teacher)
    copy = services.comparison_copy(comparison=theirs, author=teacher)

    theirs.delete()

    copy.refresh_from_db()
    assert copy.based_on is None
    assert Passage.objects.filter(section__comparison=copy).exists()


# --- creating is rate limited per person -----------------------------------------------


@override_settings(COMPARISON_RATE_LIMIT=2)
def test_writing_comparisons_quickly_is_slowed_down_keeping_what_was_typed(client, teacher):
    client.force_login(teacher)
    data = {"title": "One more", "question": "Why, again?", "summary": ""}

    for _ in range(2):
        assert client.post(reverse("comparisons:new"), data).status_code == 302
    response = client.post(reverse("comparisons:new"), data)

    assert response.status_code == 429
    assert "creating comparisons very quickly" in response.content.decode()
    assert "Why, again?" in response.content.decode()
    assert Comparison.objects.count() == 2


@override_settings(COMPARISON_RATE_LIMIT=1)
def test_importing_counts_against_the_same_limit(client, teacher):
    client.force_login(teacher)

    client.post(reverse("comparisons:new"), {"title": "First", "question": "Why?", "summary": ""})
    response = client.post(reverse("comparisons:import"), {"markdown": ARTICLE, "create": "1"})

    assert response.status_code == 429
    assert "creating comparisons very quickly" in response.content.decode()
    assert Comparison.objects.count() == 1


@override_settings(COMPARISON_RATE_LIMIT=1)
def test_the_limit_is_per_person(client, teacher, outsider_teacher):
    data = {"title": "Mine", "question": "Why?", "summary": ""}
    client.force_login(teacher)
    client.post(reverse("comparisons:new"), data)

    client.force_login(outsider_teacher)

    assert client.post(reverse("comparisons:new"), data).status_code == 302
