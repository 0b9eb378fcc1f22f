"""Query budgets the other test files do not pin yet: the essay builder page, which lists
every annotation the student may build from, with 10 and with 1,000 of them; and the pages
and endpoints that read notes, with small groups on (the same counts as without, or one more
for the list of groups a teacher filters by)."""

import pytest
from django.urls import reverse

from essays.views import TRAY_LIMIT
from tests.annotations.helpers import class_with_annotations

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [10, 1000])
def test_builder_page_query_count_does_not_grow_with_annotations(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    client.force_login(student)

    # session, user, assignment, my roles; the builder material: the comparison and its six
    # prefetches, the visible annotations, their subjects, the links between them; my
    # outlines for this assignment
    # + the navigation's unread count (notifications.context_processors)
    # (the navigation's moderation link costs a student nothing: they teach no class, which
    # their roles say; annotations.context_processors)
    with django_assert_num_queries(16):
        response = client.get(reverse("essays:builder", args=[assignment.pk]))

    assert response.status_code == 200
    assert response.context["tray_matched"] == count
    assert len(response.context["tray_annotations"]) == min(count, TRAY_LIMIT)


@pytest.mark.parametrize("count", [10, 1000])
def test_builder_preview_query_count_does_not_grow_with_annotations(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    dimensions = [d.pk for d in assignment.comparison.dimensions.all()]
    client.force_login(student)

    # as the page, less the navigation and my outlines (the preview shows neither)
    with django_assert_num_queries(14):
        client.get(
            reverse("essays:builder", args=[assignment.pk]),
            {"structure": "point_by_point", "stance": "differences", "dimensions": dimensions},
            headers={"HX-Request": "true", "HX-Target": "builder-preview"},
        )


@pytest.mark.parametrize("unread", [0, 1, 200])
def test_the_navigations_unread_count_is_one_query_however_many_are_unread(
    client, classroom, student, teacher, django_assert_num_queries, unread
):
    from notifications.models import Notification

    Notification.objects.bulk_create(
        [
            Notification(
                recipient=student,
                actor=teacher,
                classroom=classroom,
                kind=Notification.Kind.PROMPT,
                place="¶1 in A text",
                url="/",
            )
            for _ in range(unread)
        ]
    )
    client.force_login(student)

    # session, user; the dashboard: memberships with counts, my roles, assignments due,
    # invitations to teach; the navigation's unread count (its moderation link costs a
    # student nothing: their roles say they teach no class)
    with django_assert_num_queries(7):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    if unread:
        assert f"({unread} unread)" in response.content.decode()


# --- query counts with small groups on: the same as without, or one more (the group list) --


def grouped_class(assignment, classroom, student, count):
    """class_with_annotations, split into five groups of eight (the lecture mode's shape)."""
    from counterpoint.groups import groups_split

    class_with_annotations(assignment, classroom, student, count)
    groups_split(classroom=classroom, size=8, shuffle=False)


def _read(assignment):
    return reverse("comparisons:read", args=[assignment.pk])


def _poll(assignment):
    return reverse("annotations:poll", args=[assignment.pk])


HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("count", [10, 1000])
def test_a_grouped_students_reading_page_costs_what_an_ungrouped_one_does(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    grouped_class(assignment, classroom, student, count)
    client.force_login(student)

    # as tests/annotations/test_panel.py's pin (25, then 18): the group and the whole-class
    # choice come with my roles, and the rule is a subquery of the same queries
    with django_assert_num_queries(25):
        response = client.get(_read(assignment))
    with django_assert_num_queries(18):
        client.get(_read(assignment))

    assert response.status_code == 200
    assert 0 < len(response.context["cards"]) < count or count == 10


@pytest.mark.parametrize("count", [10, 1000])
def test_a_teachers_reading_page_with_groups_costs_one_more_query(
    client, assignment, classroom, student, teacher, django_assert_num_queries, count
):
    grouped_class(assignment, classroom, student, count)
    client.force_login(teacher)
    client.get(_read(assignment))  # the text is kept from here on

    # 18 as a student's next read less their reading-goal checklist, + the class's groups
    # (the filter's choices)
    with django_assert_num_queries(19):
        response = client.get(_read(assignment))

    # the teacher sees every group's notes (counted; the panel sends them in pages)
    assert response.context["total"] == count


@pytest.mark.parametrize("count", [10, 1000])
def test_a_grouped_students_polls_cost_what_an_ungrouped_ones_do(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    grouped_class(assignment, classroom, student, count)
    client.force_login(student)
    etag = client.get(_poll(assignment), headers=HTMX)["ETag"]

    # session, user, my access (role, group and whole-class choice, own notes), the
    # fingerprint: as without groups
    with django_assert_num_queries(4):
        response = client.get(_poll(assignment), headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 304

    # a changed poll, after the first (the text kept): 16, as without groups
    with django_assert_num_queries(16):
        client.get(_poll(assignment), headers=HTMX)


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("count", [10, 1000])
def test_a_grouped_students_api_list_costs_what_an_ungrouped_one_does(
    client, assignment, classroom, student, django_assert_num_queries, count, grouped
):
    (grouped_class if grouped else class_with_annotations)(assignment, classroom, student, count)
    client.force_login(student)

    # session, user, my roles (with my groups), the assignments where I must still think
    # first, the assignment filter's check, count, the page, subjects, tags
    with django_assert_num_queries(9):
        response = client.get("/api/v1/annotations/", {"assignment": assignment.pk})

    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 1000])
def test_a_grouped_students_builder_page_costs_what_an_ungrouped_one_does(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    grouped_class(assignment, classroom, student, count)
    client.force_login(student)

    # as test_builder_page_query_count_does_not_grow_with_annotations above
    with django_assert_num_queries(16):
        response = client.get(reverse("essays:builder", args=[assignment.pk]))

    assert response.status_code == 200
    assert response.context["tray_matched"] < count or count == 10


@pytest.mark.parametrize(("grouped", "queries"), [(False, 24), (True, 25)])
def test_the_class_dashboard_with_groups_costs_one_more_query(
    client, assignment, classroom, student, teacher, django_assert_num_queries, grouped, queries
):
    (grouped_class if grouped else class_with_annotations)(assignment, classroom, student, 100)
    client.force_login(teacher)
    group = classroom.groups.first()

    # as tests/essays/test_dashboard.py's pin, + the class's groups (the filter's choices)
    # when it has any; one group's figures cost the same as the whole class's
    with django_assert_num_queries(queries):
        response = client.get(
            reverse("insights:class_dashboard", args=[classroom.pk]),
            {"assignment": assignment.pk, **({"group": group.pk} if group else {})},
        )

    assert response.status_code == 200
    assert len(response.context["figures"].students) == (8 if grouped else 40)


@pytest.mark.parametrize(("grouped", "queries"), [(False, 9), (True, 10)])
def test_moderation_with_groups_costs_one_more_query(
    client, assignment, classroom, student, teacher, django_assert_num_queries, grouped, queries
):
    (grouped_class if grouped else class_with_annotations)(assignment, classroom, student, 100)
    client.force_login(teacher)

    # as tests/annotations/test_moderation_views.py's pin less the flags (none here), + the
    # class's groups
    with django_assert_num_queries(queries):
        response = client.get(reverse("annotations:moderation", args=[classroom.pk]))

    assert response.status_code == 200
