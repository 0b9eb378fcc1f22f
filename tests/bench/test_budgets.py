"""Query budgets the other test files do not pin yet: the essay builder page, which lists
every annotation the student may build from, with 10 and with 1,000 of them."""

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
    # prefetches, the visible annotations, their subjects, the links between them; the
    # navigation's moderation link; my outlines for this assignment
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(17):
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
    # invitations to teach; the navigation: its moderation link and the unread count
    with django_assert_num_queries(8):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    if unread:
        assert f"({unread} unread)" in response.content.decode()
