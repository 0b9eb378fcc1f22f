"""The daily e-mail digest: off unless asked for, each notification e-mailed once, only
unread ones, and never a classmate's words."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from annotations.services import reply_create
from notifications.digests import MAX_ITEMS
from notifications.models import Notification, Preference
from tests.annotations.helpers import annotate
from tests.notifications.helpers import notification

pytestmark = pytest.mark.django_db


def wants_digest(user):
    Preference.objects.update_or_create(user=user, defaults={"daily_digest": True})


def run():
    call_command("send_digests", "--base-url", "https://counterpoint.example.org")


def test_nobody_gets_a_digest_unless_they_asked(classroom, student, classmate):
    notification(student, actor=classmate, classroom=classroom)

    run()

    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_a_digest_lists_what_is_new_with_links(classroom, student, classmate, teacher):
    wants_digest(student)
    reply = notification(student, actor=classmate, classroom=classroom)
    prompt = notification(student, actor=teacher, classroom=classroom, kind="prompt")

    run()

    [email] = mail.outbox
    assert email.to == ["sam@example.test"]
    assert email.subject == "Counterpoint: 2 new in your inbox"
    assert "Cleo Classmate replied to your note on ¶4 in The Thaw" in email.body
    assert "Ms Teacher posted a prompt on ¶4 in The Thaw" in email.body
    site = "https://counterpoint.example.org"
    assert f"{site}{reverse('notifications:open', args=[reply.pk])}" in email.body
    assert f"{site}{reverse('notifications:open', args=[prompt.pk])}" in email.body
    assert f"{site}{reverse('profile')}" in email.body  # how to stop it


def test_running_again_sends_nothing_twice(classroom, student, classmate):
    wants_digest(student)
    notification(student, actor=classmate, classroom=classroom, place="first")
    run()
    run()
    assert len(mail.outbox) == 1

    notification(student, actor=classmate, classroom=classroom, place="second")
    run()

    assert len(mail.outbox) == 2
    assert "second" in mail.outbox[1].body
    assert "first" not in mail.outbox[1].body
    assert Preference.objects.get(user=student).last_digest_at is not None


def test_read_notifications_are_not_e_mailed(classroom, student, classmate):
    wants_digest(student)
    notification(student, actor=classmate, classroom=classroom, read_at=timezone.now())

    run()

    assert mail.outbox == []


def test_a_long_digest_is_cut_and_says_how_many_more(classroom, student, classmate):
    wants_digest(student)
    for _ in range(MAX_ITEMS + 3):
        notification(student, actor=classmate, classroom=classroom)

    run()
    [email] = mail.outbox

    assert email.body.count("replied to your note") == MAX_ITEMS
    assert "…and 3 more in your inbox" in email.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3


def test_digests_contain_no_classmates_words(assignment, student, classmate, teacher):
    wants_digest(student)
    wants_digest(teacher)
    note = annotate(assignment, student, body="Sam's own note", visibility="class")
    reply_create(parent=note, author=classmate, body="Cleo thinks the thaw was a sham")
    reply_create(parent=note, author=teacher, body="Teacher's aside about the thaw")
    classmates_note = annotate(assignment, classmate, body="Cleo's flagged words")
    from annotations.services import flag_create

    flag_create(annotation=classmates_note, reporter=student, reason="inaccurate", details="x")

    run()

    bodies = {email.to[0]: email.body + email.subject for email in mail.outbox}
    assert set(bodies) == {"sam@example.test", "teacher@example.test"}
    for body in bodies.values():
        for words in ("thaw was a sham", "Teacher's aside", "Cleo's flagged words", "own note"):
            assert words not in body
    assert "Cleo Classmate replied to your note on ¶1" in bodies["sam@example.test"]
    assert "Sam Student flagged a note on ¶1" in bodies["teacher@example.test"]


def test_the_command_says_what_it_sent(classroom, student, classmate, capsys):
    wants_digest(student)
    notification(student, actor=classmate, classroom=classroom)

    run()

    assert "Sent 1 digest(s) with 1 notification(s)." in capsys.readouterr().out


# --- the setting on the account page ---------------------------------------------------


def test_the_account_page_offers_the_digest_off_by_default(client, student):
    client.force_login(student)

    response = client.get(reverse("profile"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="daily_digest"' in body
    assert "checked" not in body.split('name="daily_digest"')[1].split(">")[0]
    assert reverse("notifications:digest") in body


def test_turning_the_digest_on_and_off(client, student):
    client.force_login(student)

    response = client.post(reverse("notifications:digest"), {"daily_digest": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert Preference.objects.get(user=student).daily_digest is True
    page = client.get(reverse("profile")).content.decode()
    assert "checked" in page.split('name="daily_digest"')[1].split(">")[0]

    client.post(reverse("notifications:digest"), {})

    assert Preference.objects.get(user=student).daily_digest is False
