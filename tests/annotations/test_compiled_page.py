# ruff: noqa: F811 - the fixture `notes` comes from test_compiled_rule
"""The reading page's first page and its counts with authors, compiled once per shape
(ViewerRule.first_ids, ViewerRule.facet_counts_and_authors), give exactly what the same rule
gives through the ORM (panel.page_entries, AnnotationQuerySet.facet_counts_and_authors), for
every shape of the rule. On PostgreSQL the compiled SQL runs; elsewhere the ORM does."""

import pytest
from django.db import connection

from annotations import panel
from annotations.models import Annotation, ViewerRule, _facet_counters, _facet_names
from comparisons.reading import reading_for
from counterpoint.lib import compiled
from tests.annotations.test_compiled_rule import SHAPES, notes, viewers  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("limit", [2, 40])
def test_the_compiled_first_page_gives_what_the_orm_gives(
    assignment,
    classroom,
    teacher,
    student,
    classmate,
    notes,
    shape,
    limit,
):
    user, is_teacher, gated, scope = viewers(
        assignment, classroom, teacher, student, classmate, notes, shape
    )
    numbers = reading_for(assignment.comparison).numbers
    top = Annotation.objects.visible_to(
        user, assignment, is_teacher=is_teacher, gated=gated, top_level_only=True
    )
    rule = ViewerRule(user.pk, assignment.pk, is_teacher, gated, scope)

    expected = panel.page_entries(top, numbers, limit=limit)
    assert panel.first_page(rule, numbers, limit=limit) == expected
    assert expected[0]  # every shape sees some notes


@pytest.mark.parametrize("shape", SHAPES)
def test_the_compiled_counts_with_authors_give_what_the_orm_gives(
    assignment,
    classroom,
    teacher,
    student,
    classmate,
    notes,
    shape,
):
    user, is_teacher, gated, scope = viewers(
        assignment, classroom, teacher, student, classmate, notes, shape
    )
    top = Annotation.objects.visible_to(
        user, assignment, is_teacher=is_teacher, gated=gated, top_level_only=True
    )
    subjects = list(assignment.comparison.subjects.all())
    dimensions = list(assignment.comparison.dimensions.all())
    rule = ViewerRule(user.pk, assignment.pk, is_teacher, gated, scope)

    counts, authors = rule.facet_counts_and_authors(subjects=subjects, dimensions=dimensions)
    expected_counts, expected_authors = top.facet_counts_and_authors(
        subjects=subjects, dimensions=dimensions
    )
    assert counts == expected_counts
    assert sorted(authors) == sorted(expected_authors)
    assert authors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_the_first_page_and_its_counts_compile_on_postgresql(
    assignment,
    classroom,
    teacher,
    student,
    notes,
):
    numbers = reading_for(assignment.comparison).numbers
    subjects = list(assignment.comparison.subjects.all())
    for shape in SHAPES:
        user, is_teacher, gated, scope = viewers(
            assignment, classroom, teacher, student, student, notes, shape
        )
        rule = ViewerRule(user.pk, assignment.pk, is_teacher, gated, scope)
        panel.first_page(rule, numbers)
        rule.facet_counts_and_authors(subjects=subjects, dimensions=[])
    kept = compiled.kept_shapes()
    names = {key[0] for key in kept}
    assert {("first_ids", panel._whens(numbers), panel.PAGE_SIZE + 1)} <= names
    assert any(isinstance(name, tuple) and name[0] == "facets_authors" for name in names)
    # Every shape kept so far compiled, but the one a test here makes uncompilable on purpose
    # (a slice: test_values_that_django_writes_into_the_sql_are_run_through_the_orm), which
    # this worker may have run first.
    assert [key for key, ok in kept.items() if not ok and key[0] != "sliced"] == []


def test_the_compiled_teacher_ids_are_the_class_teachers(assignment, classroom, teacher):
    assert panel.teacher_ids(assignment) == set(classroom.teachers().values_list("pk", flat=True))
    assert teacher.pk in panel.teacher_ids(assignment)
    if connection.vendor == "postgresql":
        assert compiled.kept_shapes()[("teacher_ids",)]


def test_the_facet_names_are_those_of_the_counters(assignment):
    subjects = list(assignment.comparison.subjects.all())
    dimensions = list(assignment.comparison.dimensions.all())
    assert subjects and dimensions
    assert _facet_names(subjects, dimensions) == list(_facet_counters(subjects, dimensions))


def test_a_moderation_rows_urls_are_those_the_template_reversed(assignment, notes):
    from django.urls import reverse

    from annotations.views import _with_urls

    (row,) = _with_urls([notes["shared"]])
    assert row.moderate_url == reverse("annotations:moderate", args=[row.pk])
    assert row.read_url == reverse("comparisons:read", args=[assignment.pk])
