"""/api/v1/notifications/: only my own, paginated like the other lists; the unread count;
marking one or all read."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.notifications.helpers import notification

pytestmark = pytest.mark.django_db
LIST = "/api/v1/notifications/"


@pytest.fixture
def api(student):
    client = APIClient()
    client.force_authenticate(student)
    return client


def test_the_list_holds_only_my_notifications_newest_first(
    api, classroom, student, classmate, teacher
):
    older = notification(student, actor=classmate, classroom=classroom)
    newer = notification(student, actor=teacher, classroom=classroom, kind="prompt")
    notification(classmate, actor=student, classroom=classroom)

    response = api.get(LIST)

    assert response.status_code == 200
    assert response.data["count"] == 2
    assert [n["id"] for n in response.data["results"]] == [newer.pk, older.pk]
    first = response.data["results"][0]
    assert first["kind"] == "prompt"
    assert first["actor"] == "Ms Teacher"
    assert first["message"] == "Ms Teacher posted a prompt on ¶4 in The Thaw"
    assert first["url"] == "http://testserver/assignments/1/#annotation-1"
    assert first["read"] is False
    assert first["read_at"] is None


def test_the_list_is_paginated_like_the_others(api, classroom, student, classmate):
    Notification.objects.bulk_create(
        [
            Notification(recipient=student, classroom=classroom, kind="reply", place="p", url="/")
            for _ in range(55)
        ]
    )

    response = api.get(LIST)

    assert response.status_code == 200
    assert response.data["count"] == 55
    assert len(response.data["results"]) == 50
    assert response.data["next"].endswith("?page=2")


def test_the_list_filters_unread(api, classroom, student, classmate):
    unread = notification(student, actor=classmate, classroom=classroom)
    read = notification(student, actor=classmate, classroom=classroom, read_at=timezone.now())

    assert [n["id"] for n in api.get(LIST, {"unread": "true"}).data["results"]] == [unread.pk]
    assert [n["id"] for n in api.get(LIST, {"unread": "false"}).data["results"]] == [read.pk]


def test_unread_count(api, classroom, student, classmate):
    notification(student, actor=classmate, classroom=classroom)
    notification(student, actor=classmate, classroom=classroom, read_at=timezone.now())
    notification(classmate, actor=student, classroom=classroom)

    response = api.get(f"{LIST}unread-count/")

    assert response.status_code == 200
    assert response.data == {"unread": 1}


def test_mark_one_read(api, classroom, student, classmate):
    told = notification(student, actor=classmate, classroom=classroom)

    response = api.post(f"{LIST}{told.pk}/read/")

    assert response.status_code == 200
    assert response.data["read"] is True
    told.refresh_from_db()
    assert told.is_read


def test_mark_all_read(api, classroom, student, classmate):
    for _ in range(2):
        notification(student, actor=classmate, classroom=classroom)
    theirs = notification(classmate, actor=student, classroom=classroom)

    response = api.post(f"{LIST}read/")

    assert response.status_code == 200
    assert response.data == {"marked": 2}
    assert api.get(f"{LIST}unread-count/").data == {"unread": 0}
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_another_persons_notification_is_a_404(api, classroom, classmate, student):
    theirs = notification(classmate, actor=student, classroom=classroom)

    assert api.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert api.post(f"{LIST}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_anonymous_gets_403(classroom, student):
    notification(student, classroom=classroom)
    client = APIClient()

    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}unread-count/").status_code == 403
    assert client.post(f"{LIST}read/").status_code == 403


def test_marking_read_with_a_session_needs_the_csrf_token(classroom, student):
    told = notification(student, classroom=classroom)
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    assert client.post(f"{LIST}{told.pk}/read/").status_code == 403
    assert client.post(f"{LIST}read/").status_code == 403
    assert not Notification.objects.get(pk=told.pk).is_read


def test_the_list_never_carries_anyones_words(api, assignment, student, classmate):
    from annotations.services import reply_create
    from tests.annotations.helpers import annotate

    note = annotate(assignment, student, visibility="class")
    reply_create(parent=note, author=classmate, body="Cleo's very own sentence")

    response = api.get(LIST)

    assert response.status_code == 200
    assert "Cleo's very own sentence" not in response.content.decode()
    assert response.data["results"][0]["message"].startswith("Cleo Classmate replied")


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_count(api, classroom, student, classmate, django_assert_num_queries, count):
    for _ in range(count):
        notification(student, actor=classmate, classroom=classroom)

    # the page's count, the notifications with their actors
    with django_assert_num_queries(2):
        response = api.get(LIST)

    assert len(response.data["results"]) == count


def test_the_schema_describes_the_notifications_api(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/v1/notifications/:",
        "/api/v1/notifications/{id}/read/:",
        "/api/v1/notifications/read/:",
        "/api/v1/notifications/unread-count/:",
    ):
        assert path in schema
