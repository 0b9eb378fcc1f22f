"""The inbox page, marking read, and the navigation's unread count."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.notifications.helpers import notification

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_my_notifications_newest_first(client, classroom, student, classmate):
    older = notification(student, actor=classmate, classroom=classroom, place="¶1 in A")
    newer = notification(student, actor=classmate, classroom=classroom, place="¶2 in A")
    notification(classmate, actor=student, classroom=classroom, place="¶9 in Theirs")
    client.force_login(student)

    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
    assert list(response.context["notifications"]) == [newer, older]
    body = response.content.decode()
    assert body.index("¶2 in A") < body.index("¶1 in A")
    assert "¶9 in Theirs" not in body
    assert reverse("notifications:open", args=[newer.pk]) in body
    assert "2 unread" in body


def test_the_navigation_announces_the_unread_count(client, classroom, student, classmate):
    for _ in range(3):
        notification(student, actor=classmate, classroom=classroom)
    notification(student, actor=classmate, classroom=classroom, read_at=timezone.now())
    client.force_login(student)

    body = client.get(reverse("dashboard")).content.decode()

    assert '<span class="badge" aria-hidden="true">3</span>' in body
    assert '<span class="visually-hidden"> (3 unread)</span>' in body


def test_no_badge_when_nothing_is_unread(client, student):
    client.force_login(student)

    body = client.get(reverse("dashboard")).content.decode()

    assert ">Inbox</a>" in body
    assert "unread)" not in body


def test_following_a_notification_marks_it_read_and_goes_to_its_place(
    client, classroom, student, classmate
):
    told = notification(student, actor=classmate, classroom=classroom, url="/assignments/7/#x")
    client.force_login(student)

    response = client.get(reverse("notifications:open", args=[told.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/assignments/7/#x"
    told.refresh_from_db()
    assert told.is_read


def test_nobody_opens_or_marks_another_persons_notification(
    client, classroom, student, classmate, teacher
):
    theirs = notification(classmate, actor=teacher, classroom=classroom)
    client.force_login(student)

    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_one_read_without_javascript(client, classroom, student, classmate):
    one = notification(student, actor=classmate, classroom=classroom)
    other = notification(student, actor=classmate, classroom=classroom)
    client.force_login(student)

    response = client.post(reverse("notifications:read", args=[one.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")
    assert set(Notification.objects.unread().values_list("pk", flat=True)) == {other.pk}


def test_mark_one_read_in_place_updates_the_count_in_the_navigation(
    client, classroom, student, classmate
):
    one = notification(student, actor=classmate, classroom=classroom)
    notification(student, actor=classmate, classroom=classroom)
    client.force_login(student)

    response = client.post(
        reverse("notifications:read", args=[one.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="inbox"')
    assert 'id="nav-inbox" hx-swap-oob="true"' in body
    assert "(1 unread)" in body
    assert "Marked as read." in response["HX-Trigger"]


def test_mark_all_read(client, classroom, student, classmate):
    for _ in range(3):
        notification(student, actor=classmate, classroom=classroom)
    theirs = notification(classmate, actor=student, classroom=classroom)
    client.force_login(student)

    response = client.post(reverse("notifications:all_read"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "Marked 3 as read." in response["HX-Trigger"]
    assert not Notification.objects.filter(recipient=student).unread().exists()
    theirs.refresh_from_db()
    assert not theirs.is_read
    assert "Nothing unread" in response.content.decode()


def test_marking_read_keeps_the_first_read_time(classroom, student, classmate):
    told = notification(student, actor=classmate, classroom=classroom)
    Notification.objects.mark_read(student, pk=told.pk)
    first = Notification.objects.get(pk=told.pk).read_at

    assert Notification.objects.mark_read(student) == 0
    assert Notification.objects.get(pk=told.pk).read_at == first


def test_marking_read_needs_the_csrf_token(classroom, student, classmate):
    told = notification(student, actor=classmate, classroom=classroom)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)

    assert browser.post(reverse("notifications:read", args=[told.pk])).status_code == 403
    assert browser.post(reverse("notifications:all_read")).status_code == 403
    assert not Notification.objects.get(pk=told.pk).is_read


def test_marking_read_is_post_only(client, classroom, student, classmate):
    told = notification(student, actor=classmate, classroom=classroom)
    client.force_login(student)

    assert client.get(reverse("notifications:read", args=[told.pk])).status_code == 405
    assert client.get(reverse("notifications:all_read")).status_code == 405


def test_an_empty_inbox_says_what_will_come(client, student):
    client.force_login(student)

    body = client.get(reverse("notifications:inbox")).content.decode()

    assert "Nothing yet." in body
    assert "Nothing unread" in body


def test_the_inbox_shows_what_happened_not_what_anyone_wrote(
    client, assignment, student, classmate
):
    from annotations.services import reply_create
    from tests.annotations.helpers import annotate

    note = annotate(assignment, student, visibility="class")
    reply_create(parent=note, author=classmate, body="Words only Cleo wrote")
    client.force_login(student)

    body = client.get(reverse("notifications:inbox")).content.decode()

    assert "Cleo Classmate replied to your note on ¶1" in body
    assert "Words only Cleo wrote" not in body


def test_a_stored_link_elsewhere_is_never_followed(client, classroom, student):
    told = notification(student, classroom=classroom, url="https://evil.example/")
    client.force_login(student)

    response = client.get(reverse("notifications:open", args=[told.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")


def test_the_inbox_is_paged(client, classroom, student, classmate):
    from notifications.views import PAGE_SIZE

    for _ in range(PAGE_SIZE + 2):
        notification(student, actor=classmate, classroom=classroom)
    client.force_login(student)

    first = client.get(reverse("notifications:inbox"))
    second = client.get(reverse("notifications:inbox"), {"page": 2})

    assert len(first.context["notifications"]) == PAGE_SIZE
    assert len(second.context["notifications"]) == 2
    assert "Older</a>" in first.content.decode()


@pytest.mark.parametrize("count", [1, 40])
def test_inbox_page_query_count(
    client, classroom, student, classmate, django_assert_num_queries, count
):
    for _ in range(count):
        notification(student, actor=classmate, classroom=classroom)
    client.force_login(student)

    # session, user; the pager's count; the navigation: my roles (the Comparisons link, and
    # the moderation link's answer for someone who teaches no class), the unread count
    # (asked once for the navigation and the inbox's heading); the page's notifications
    # with their actors
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
