"""Pages and autosaves that read a number from a query string or a form field answer a
number no row could have (past 2**63, or a digit `int()` refuses, like "²") as they answer
any other id they do not know: never a 500. `counterpoint.lib.safejson.parse_id` and
`parse_number` are the one place those are read."""

import pytest
from django.test import Client
from django.urls import reverse

HUGE = str(2**70)


def client_for(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", [HUGE, "²"])
def test_pages_with_an_impossible_number_in_the_query_string_do_not_fail(world, db, value):
    student = client_for(world.student)
    teacher = client_for(world.teacher)
    checks = [
        (student, reverse("essays:revisions", args=[world.outline.pk]), {"a": value, "b": value}),
        (
            teacher,
            reverse("insights:class_dashboard", args=[world.classroom.pk]),
            {"assignment": value},
        ),
        (
            student,
            reverse("annotations:poll", args=[world.assignment.pk]),
            {"open": f"{value},{world.annotation.pk}"},
        ),
        (student, reverse("comparisons:read", args=[world.assignment.pk]), {"subject": value}),
    ]
    for client, url, query in checks:
        response = client.get(url, query)
        assert response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize("value", [HUGE, "²"])
def test_autosaves_with_an_impossible_version_or_id_are_refused_not_a_500(world, db, value):
    student = client_for(world.student)
    outline_save = reverse("essays:save", args=[world.outline.pk])
    for data, status in (
        # A version no outline could have is a stale one; an unknown box is refused.
        ({"field": "thesis", "value": "New thesis", "version": value}, 409),
        ({"field": f"section-{value}-claim", "value": "A claim", "version": "1"}, 400),
    ):
        response = student.post(outline_save, data)
        assert response.status_code == status, (data, response.status_code)
    draft_save = reverse("essays:draft_save", args=[world.draft.pk])
    section = world.draft.sections.first()
    for data, status in (
        ({"section": str(section.pk), "text": "Words", "version": value}, 409),
        ({"section": value, "text": "Words", "version": "1"}, 400),
    ):
        response = student.post(draft_save, data)
        assert response.status_code == status, (data, response.status_code)
        assert "detail" in response.json()


def test_a_teacher_comment_naming_an_impossible_bank_comment_is_not_a_500(world, db):
    teacher = client_for(world.teacher)
    response = teacher.post(
        reverse("essays:review_comment", args=[world.outline.pk]), {"body": "Good", "bank": HUGE}
    )
    assert response.status_code < 500


@pytest.mark.parametrize("value", [HUGE, "²"])
def test_assigning_an_impossible_comparison_is_a_form_error_not_a_500(world, db, value):
    teacher = client_for(world.teacher)
    url = reverse("comparisons:assign", args=[world.classroom.pk])
    assert teacher.get(url, {"comparison": value}).status_code == 200
    response = teacher.post(url, {"comparison": value, "due_at": "2030-01-01T09:00"})
    assert response.status_code < 500
