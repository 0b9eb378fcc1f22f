from functools import cache

from notifications.models import Notification


def inbox(request):
    """The navigation's unread count. A callable, so its one query runs only where it is
    shown (never for htmx fragments that leave it out) and only for signed-in people; kept
    once asked, so a page that shows it twice (the inbox) still asks once."""

    @cache
    def unread():
        user = request.user
        if not user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient=user).unread().count()

    return {"unread_notifications": unread}
