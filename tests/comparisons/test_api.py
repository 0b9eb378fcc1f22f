"""/api/v1/comparisons/: the comparisons I may read, and one of them in full."""

import pytest
from rest_framework.test import APIClient

from tests.factories import (
    AssignmentFactory,
    ComparisonFactory,
    comparison_with_content,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/comparisons/"


def detail_url(comparison):
    return f"/api/v1/comparisons/{comparison.pk}/"


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def titles(response):
    return sorted(result["title"] for result in response.json()["results"])


# The list


def test_student_lists_only_comparisons_assigned_to_their_classes(
    classroom, other_classroom, teacher, outsider_teacher, student
):
    AssignmentFactory(
        classroom=classroom, comparison=ComparisonFactory(author=teacher, title="Ours")
    )
    AssignmentFactory(
        classroom=other_classroom,
        comparison=ComparisonFactory(author=outsider_teacher, title="Theirs"),
    )
    ComparisonFactory(author=teacher, title="Published, not assigned")
    ComparisonFactory(author=teacher, title="Draft", is_published=False)

    response = api_client(student).get(LIST_URL)

    assert response.status_code == 200
    assert titles(response) == ["Ours"]


def test_student_does_not_see_an_assigned_comparison_twice(classroom, teacher, student):
    comparison = ComparisonFactory(author=teacher, title="Set twice")
    AssignmentFactory(classroom=classroom, comparison=comparison)
    AssignmentFactory(classroom=classroom, comparison=comparison)

    response = api_client(student).get(LIST_URL)

    assert titles(response) == ["Set twice"]


def test_teacher_lists_their_drafts_and_every_published_comparison(teacher, outsider_teacher):
    ComparisonFactory(author=teacher, title="My draft", is_published=False)
    ComparisonFactory(author=teacher, title="Mine, published")
    ComparisonFactory(author=outsider_teacher, title="Theirs, published")
    ComparisonFactory(author=outsider_teacher, title="Their draft", is_published=False)

    response = api_client(teacher).get(LIST_URL)

    assert titles(response) == ["Mine, published", "My draft", "Theirs, published"]


def test_list_entries_are_summaries(teacher, comparison):
    response = api_client(teacher).get(LIST_URL)

    [entry] = response.json()["results"]
    assert entry == {
        "id": comparison.pk,
        "title": comparison.title,
        "question": comparison.question,
        "summary": comparison.summary,
        "author": "Ms Teacher",
        "is_published": True,
        "published_at": None,
    }


def test_anonymous_request_is_refused(comparison):
    client = APIClient()

    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(comparison)).status_code == 403


def test_the_api_is_read_only(teacher, comparison):
    client = APIClient()
    client.force_authenticate(teacher)

    assert client.post(LIST_URL, {"title": "New"}).status_code == 405
    assert client.delete(detail_url(comparison)).status_code == 405


@pytest.mark.parametrize("count", [1, 12])
def test_list_takes_a_fixed_number_of_queries(
    django_assert_num_queries, classroom, teacher, student, count
):
    for _ in range(count):
        AssignmentFactory(classroom=classroom, comparison=comparison_with_content(teacher))
    client = api_client(student)

    # session, user, my roles, page count, the page of comparisons with their authors
    with django_assert_num_queries(5):
        response = client.get(LIST_URL)

    assert len(response.json()["results"]) == count


# The detail


def test_detail_nests_subjects_dimensions_matrix_and_sections(student, assignment):
    comparison = assignment.comparison

    data = api_client(student).get(detail_url(comparison)).json()

    assert data["question"] == comparison.question
    assert [s["name"] for s in data["subjects"]] == ["Stalin", "Khrushchev"]
    assert [s["colour"] for s in data["subjects"]] == ["red", "blue"]
    assert [d["name"] for d in data["dimensions"]] == ["Leadership style", "Foreign policy"]
    stalin, khrushchev = comparison.subjects.all()
    leadership, foreign = comparison.dimensions.all()
    cells = {(c["dimension"], c["subject"]): c["statement"] for c in data["matrix"]}
    assert cells == {
        (leadership.pk, stalin.pk): "Stalin on leadership style",
        (leadership.pk, khrushchev.pk): "Khrushchev on leadership style",
        (foreign.pk, stalin.pk): "Stalin on foreign policy",
        (foreign.pk, khrushchev.pk): "Khrushchev on foreign policy",
    }
    assert [s["heading"] for s in data["sections"]] == ["Part 1", "Part 2"]
    first, second = data["sections"][0]["passages"]
    assert (first["text"], first["dimensions"]) == ("Paragraph 1.1", [leadership.pk])
    assert (second["text"], second["dimensions"]) == ("Paragraph 1.2", [foreign.pk])


def test_student_of_another_class_gets_404_on_the_detail(outsider_student, assignment):
    response = api_client(outsider_student).get(detail_url(assignment.comparison))

    assert response.status_code == 404


def test_another_teachers_draft_is_404(teacher, outsider_teacher):
    draft = ComparisonFactory(author=outsider_teacher, is_published=False)

    assert api_client(teacher).get(detail_url(draft)).status_code == 404


def test_author_reads_their_own_draft(teacher):
    draft = comparison_with_content(teacher)
    draft.unpublish()

    response = api_client(teacher).get(detail_url(draft))

    assert response.status_code == 200
    assert response.json()["is_published"] is False


@pytest.mark.parametrize(("sections", "passages"), [(1, 1), (8, 10)])
def test_detail_takes_a_fixed_number_of_queries(
    django_assert_num_queries, classroom, teacher, student, sections, passages
):
    comparison = comparison_with_content(teacher, sections=sections, passages_per_section=passages)
    AssignmentFactory(classroom=classroom, comparison=comparison)
    client = api_client(student)

    # session, user, my roles, the comparison with its author, subjects, dimensions, their
    # contrasts, sections, their passages, the passages' dimensions
    with django_assert_num_queries(10):
        response = client.get(detail_url(comparison))

    assert sum(len(s["passages"]) for s in response.json()["sections"]) == sections * passages
