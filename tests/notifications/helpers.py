"""Notifications made directly, for the inbox, API and digest tests."""

from notifications.models import Notification


def notification(recipient, *, actor=None, classroom, kind=Notification.Kind.REPLY, **fields):
    defaults = {"place": "¶4 in The Thaw", "url": "/assignments/1/#annotation-1"}
    defaults.update(fields)
    return Notification.objects.create(
        recipient=recipient, actor=actor, classroom=classroom, kind=kind, **defaults
    )
