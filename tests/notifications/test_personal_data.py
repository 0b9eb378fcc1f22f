"""Notifications in "Download my data", and gone with the account."""

import json

import pytest
from django.urls import reverse

from notifications.models import Notification, Preference
from tests.factories import PASSWORD
from tests.notifications.helpers import notification

pytestmark = pytest.mark.django_db


def test_the_download_holds_my_notifications_and_my_e_mail_choice(
    client, classroom, student, classmate
):
    notification(student, actor=classmate, classroom=classroom)
    notification(classmate, actor=student, classroom=classroom, place="not mine")
    Preference.objects.create(user=student, daily_digest=True)
    client.force_login(student)

    response = client.get(reverse("account_export"))

    assert response.status_code == 200
    data = json.loads(response.content)["notifications"]
    assert data["daily_digest"] is True
    [item] = data["items"]
    assert item["message"] == "Cleo Classmate replied to your note on ¶4 in The Thaw"
    assert item["kind"] == "reply"
    assert item["read"] is None


def test_deleting_my_account_deletes_what_i_was_told_and_keeps_what_others_were(
    client, classroom, student, classmate
):
    notification(student, actor=classmate, classroom=classroom)
    theirs = notification(classmate, actor=student, classroom=classroom)
    Preference.objects.create(user=student, daily_digest=True)
    client.force_login(student)

    response = client.post(
        reverse("account_delete"), {"email": "sam@example.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert list(Notification.objects.all()) == [theirs]
    theirs.refresh_from_db()
    assert theirs.actor is None
    assert theirs.message.startswith("Someone replied")
    assert not Preference.objects.exists()
