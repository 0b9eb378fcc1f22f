"""The daily e-mail digest: for each person who asked for one, the notifications that are
still unread and were never e-mailed, as one plain-text e-mail of sentences and links.

Notifications hold no one's words (notifications.models.Notification), so neither does the
digest. Each notification is e-mailed at most once: it is marked `emailed_at` in the same
transaction that picks it, with its row locked, so a second run (or two at once) finds
nothing left to send."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import Notification, Preference

# At most this many lines in one e-mail; the rest wait in the inbox (the e-mail says so).
MAX_ITEMS = 50


def digest_for(preference: Preference, *, site_url: str) -> int:
    """Send one person's digest; returns how many notifications it carried (0: no e-mail)."""
    user = preference.user
    with transaction.atomic():
        pending = Notification.objects.for_inbox(user).filter(
            read_at__isnull=True, emailed_at__isnull=True
        )
        # Lock what goes in this e-mail; a run at the same time skips these rows.
        chosen = list(pending.select_for_update(of=("self",), skip_locked=True)[:MAX_ITEMS])
        if not chosen:
            return 0
        more = pending.count() - len(chosen)
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in chosen]).update(emailed_at=now)
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
        context = {"user": user, "items": chosen, "more": more, "site_url": site_url}
        # Sent inside the transaction: if sending fails, nothing is marked as e-mailed and the
        # next run tries again.
        send_mail(
            subject=render_to_string("notifications/digest_subject.txt", context).strip(),
            message=render_to_string("notifications/digest_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    return len(chosen)


def send_digests(*, site_url: str | None = None) -> tuple[int, int]:
    """Every digest due now; returns (e-mails sent, notifications in them)."""
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    emails = items = 0
    due = Preference.objects.filter(daily_digest=True, user__is_active=True).select_related("user")
    for preference in due:
        sent = digest_for(preference, site_url=site_url)
        if sent:
            emails, items = emails + 1, items + sent
    return emails, items
