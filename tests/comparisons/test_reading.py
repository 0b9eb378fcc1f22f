"""The reading page of an assignment, and the author's preview of a comparison."""

import pytest
from django.urls import reverse

from comparisons.models import Comparison, Section
from comparisons.reading import reading_for
from tests.factories import (
    AssignmentFactory,
    ComparisonFactory,
    PassageFactory,
    SectionFactory,
    comparison_with_content,
)

pytestmark = pytest.mark.django_db


def read_url(assignment):
    return reverse("comparisons:read", args=[assignment.pk])


def preview_url(comparison):
    return reverse("comparisons:preview", args=[comparison.pk])


# What a student reads


def test_student_reads_the_question_and_section_headings(client, student, assignment):
    client.force_login(student)

    response = client.get(read_url(assignment))

    assert response.status_code == 200
    page = response.content.decode()
    assert assignment.comparison.question in page
    assert "Part 1" in page
    assert "Part 2" in page


def test_passages_are_numbered_through_the_whole_text(client, student, assignment):
    client.force_login(student)

    page = client.get(read_url(assignment)).content.decode()

    for number, text in enumerate(
        ["Paragraph 1.1", "Paragraph 1.2", "Paragraph 2.1", "Paragraph 2.2"], start=1
    ):
        assert f'id="p{number}"' in page
        assert text in page
    assert 'id="p5"' not in page


def test_kept_text_numbers_paragraphs_through_the_sections_in_their_order(assignment):
    # The second section moved in front of the first: its paragraphs come first.
    first, second = Section.objects.filter(comparison_id=assignment.comparison_id).order_by("order")
    Section.objects.filter(pk=first.pk).update(order=second.order + 1)
    text = reading_for(Comparison.objects.get(pk=assignment.comparison_id))

    by_text = {
        passage.text: text.numbers[passage.pk]
        for section in text.layout["sections"]
        for passage in section.numbered_passages
    }

    assert by_text == {
        "Paragraph 2.1": 1,
        "Paragraph 2.2": 2,
        "Paragraph 1.1": 3,
        "Paragraph 1.2": 4,
    }


def test_matrix_is_a_table_with_a_column_per_subject_and_a_row_per_dimension(
    client, student, assignment
):
    client.force_login(student)

    page = client.get(read_url(assignment)).content.decode()

    assert '<table class="matrix">' in page
    # The "Dimension" column header, then one per subject.
    assert page.count('<th scope="col"') == 3
    assert page.count('<th scope="row"') == 2
    assert "Stalin on leadership style" in page
    assert "Khrushchev on foreign policy" in page


def test_subjects_carry_their_colour_classes(client, student, assignment):
    client.force_login(student)

    page = client.get(read_url(assignment)).content.decode()

    assert '<th scope="col" class="subject-red">' in page
    assert '<th scope="col" class="subject-blue">' in page
    assert 'class="subject-red matrix-cell"' in page


def test_matrix_row_links_to_the_passages_tagged_with_its_dimension(client, student, assignment):
    client.force_login(student)

    page = client.get(read_url(assignment)).content.decode()

    # comparison_with_content tags the first passage of each section with "Leadership style"
    # (paragraphs 1 and 3) and the second with "Foreign policy" (paragraphs 2 and 4).
    leadership_row = page.split("Leadership style", 1)[1].split("</th>", 1)[0]
    foreign_row = page.split("Foreign policy", 1)[1].split("</th>", 1)[0]
    assert 'href="#p1"' in leadership_row
    assert 'href="#p3"' in leadership_row
    assert 'href="#p2"' not in leadership_row
    assert 'href="#p2"' in foreign_row
    assert 'href="#p4"' in foreign_row


def test_teachers_instructions_and_essay_question_are_shown(client, student, classroom, teacher):
    assignment = AssignmentFactory(
        classroom=classroom,
        comparison=comparison_with_content(teacher),
        instructions="Read it twice.",
        essay_prompt="Was Khrushchev a reformer?",
    )
    client.force_login(student)

    page = client.get(read_url(assignment)).content.decode()

    assert "Read it twice." in page
    assert "Was Khrushchev a reformer?" in page


def test_user_text_is_escaped(client, student, classroom, teacher):
    comparison = ComparisonFactory(author=teacher, question="<b>Why?</b>")
    section = SectionFactory(comparison=comparison, heading="<i>Part</i>")
    PassageFactory(section=section, text="<script>alert(1)</script>")
    assignment = AssignmentFactory(
        classroom=classroom, comparison=comparison, instructions="<script>alert(2)</script>"
    )
    client.force_login(student)

    page = client.get(read_url(assignment)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "<script>alert(2)</script>" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Why?</b>" not in page
    assert "<i>Part</i>" not in page


# Who may read it


def test_teacher_of_the_class_reads_it(client, teacher, assignment):
    client.force_login(teacher)

    assert client.get(read_url(assignment)).status_code == 200


def test_student_of_another_class_gets_404(client, outsider_student, assignment):
    client.force_login(outsider_student)

    assert client.get(read_url(assignment)).status_code == 404


def test_teacher_of_another_class_gets_404(client, outsider_teacher, assignment):
    client.force_login(outsider_teacher)

    assert client.get(read_url(assignment)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, assignment):
    response = client.get(read_url(assignment))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_assignment_is_404(client, student):
    client.force_login(student)

    assert client.get(reverse("comparisons:read", args=[999_999])).status_code == 404


# Query counts


@pytest.mark.parametrize(("sections", "passages"), [(1, 1), (8, 10)])
def test_reading_page_takes_a_fixed_number_of_queries(
    client, django_assert_num_queries, classroom, teacher, student, sections, passages
):
    comparison = comparison_with_content(teacher, sections=sections, passages_per_section=passages)
    assignment = AssignmentFactory(classroom=classroom, comparison=comparison)
    client.force_login(student)

    # session, user, assignment with class and comparison, my roles, comparison with author,
    # subjects, dimensions, their contrasts, sections, their passages, the passages' dimensions;
    # then the (empty) annotation panel: the authors for its filter, the first page's ids
    # (none, so no rows to load), the class's teachers, the facet counts (one query), the
    # live poll's fingerprint
    # + the navigation's unread count (notifications.context_processors)
    # + the reading goal (none set: one query)
    # (the navigation's moderation link costs a student nothing: they teach no class, which
    # their roles say; annotations.context_processors)
    with django_assert_num_queries(18):
        response = client.get(read_url(assignment))

    assert response.content.decode().count('class="passage"') == sections * passages


# The author's preview


def test_author_previews_a_draft(client, teacher):
    comparison = comparison_with_content(teacher)
    comparison.unpublish()
    client.force_login(teacher)

    response = client.get(preview_url(comparison))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview" in page
    assert comparison.question in page
    assert reverse("comparisons:edit", args=[comparison.pk]) in page


def test_draft_is_404_to_another_teacher(client, teacher, outsider_teacher):
    comparison = comparison_with_content(teacher)
    comparison.unpublish()
    client.force_login(outsider_teacher)

    assert client.get(preview_url(comparison)).status_code == 404


def test_another_teacher_previews_a_published_comparison_without_an_edit_link(
    client, comparison, outsider_teacher
):
    client.force_login(outsider_teacher)

    response = client.get(preview_url(comparison))

    assert response.status_code == 200
    assert reverse("comparisons:edit", args=[comparison.pk]) not in response.content.decode()


def test_student_previews_a_published_comparison_assigned_to_their_class(
    client, student, assignment
):
    client.force_login(student)

    response = client.get(preview_url(assignment.comparison))

    assert response.status_code == 200
    assert reverse("comparisons:edit", args=[assignment.comparison.pk]) not in (
        response.content.decode()
    )


def test_student_cannot_preview_a_comparison_not_assigned_to_their_class(
    client, outsider_student, assignment
):
    client.force_login(outsider_student)

    assert client.get(preview_url(assignment.comparison)).status_code == 404


@pytest.mark.parametrize(("sections", "passages"), [(1, 1), (8, 10)])
def test_preview_takes_a_fixed_number_of_queries(
    client, django_assert_num_queries, teacher, sections, passages
):
    comparison = comparison_with_content(teacher, sections=sections, passages_per_section=passages)
    client.force_login(teacher)

    # session, user, the comparison; its text, not kept yet (comparisons.reading): the
    # comparison with author, subjects, dimensions, their contrasts, sections, their passages,
    # the passages' dimensions; may they edit it (the user's memberships, kept for the
    # navigation; whether a class they do not teach reads it); the navigation's moderation link
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(14):
        client.get(preview_url(comparison))

    # the text kept: session, user, the comparison, may they edit it (two), the moderation link
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(7):
        client.get(preview_url(comparison))
