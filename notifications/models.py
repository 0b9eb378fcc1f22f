from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_inbox(self, user):
        """A person's notifications, newest first, with what their sentences name (the
        actor's display name): the inbox page, the API and the digest read these."""
        return self.filter(recipient=user).select_related("actor").order_by("-created_at", "-pk")

    def mark_read(self, user, *, pk=None) -> int:
        """Mark one of this person's notifications read (or, without `pk`, all of them).
        Returns how many changed; a notification already read keeps its first read time."""
        mine = self.filter(recipient=user, read_at__isnull=True)
        if pk is not None:
            mine = mine.filter(pk=pk)
        return mine.update(read_at=timezone.now())


class Notification(models.Model):
    """One thing that happened which one person should hear about. It holds no words anyone
    wrote (no note, reply or comment text): only who did what, where, and the link there, so
    that neither the inbox nor an e-mail can carry a classmate's words."""

    class Kind(models.TextChoices):
        # for students
        REPLY = "reply", "A reply to your note"
        THREAD_REPLY = "thread_reply", "A reply after yours"
        PROMPT = "prompt", "A teacher's prompt"
        FEEDBACK_RELEASED = "feedback_released", "Feedback released"
        RETURNED = "returned", "Work returned"
        ACCEPTED = "accepted", "Work accepted"
        # for teachers
        INVITATION = "invitation", "An invitation to teach"
        FLAG = "flag", "A new flag"
        SUBMITTED = "submitted", "A submission"
        RESUBMITTED = "resubmitted", "A resubmission"
        ANSWERED = "answered", "An answer to a comment"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Who did it; kept when they leave (SET_NULL), then shown as "Someone".
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    classroom = models.ForeignKey(
        "counterpoint.Classroom", on_delete=models.CASCADE, related_name="notifications"
    )
    # What it is about; deleting that deletes the notification (there is nothing left to see).
    annotation = models.ForeignKey(
        "annotations.Annotation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    outline = models.ForeignKey(
        "essays.Outline",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    comment = models.ForeignKey(
        "essays.FeedbackComment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    invitation = models.ForeignKey(
        "counterpoint.CoTeacherInvitation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Where, in words made from titles and numbers only: "¶4 in Khrushchev and Stalin".
    place = models.CharField(max_length=200)
    # A label chosen from a list, never free text: the flag's reason, "outline" or "draft".
    detail = models.CharField(max_length=40, blank=True)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The navigation's unread count, on every page.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            # The inbox, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def message(self) -> str:
        """The sentence shown in the inbox and the digest. Made of a display name, titles,
        numbers and labels; never of anything a person wrote about the text."""
        who = self.actor.display_name if self.actor else "Someone"
        Kind = self.Kind
        work = self.detail or "outline"
        sentences = {
            Kind.REPLY: f"{who} replied to your note on {self.place}",
            Kind.THREAD_REPLY: f"{who} replied after you on {self.place}",
            Kind.PROMPT: f"{who} posted a prompt on {self.place}",
            Kind.FEEDBACK_RELEASED: f"Feedback on your {work} for {self.place} is ready",
            Kind.RETURNED: f"Your {work} for {self.place} was returned for revision",
            Kind.ACCEPTED: f"Your {work} for {self.place} was accepted",
            Kind.INVITATION: f"{who} invited you to teach {self.place}",
            Kind.FLAG: f"{who} flagged a note on {self.place}"
            + (f" as {self.detail.lower()}" if self.detail else ""),
            Kind.SUBMITTED: f"{who} submitted their {work} for {self.place}",
            Kind.RESUBMITTED: f"{who} resubmitted their {work} for {self.place}",
            Kind.ANSWERED: f"{who} answered your comment on their {work} for {self.place}",
        }
        return sentences[self.kind]


class Preference(models.Model):
    """A person's choice about e-mail; no row means the default (no e-mail)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    daily_digest = models.BooleanField(
        "e-mail me a daily digest",
        default=False,
        help_text="Once a day, if anything new is unread: one e-mail with what happened and "
        "links to it, never anyone's notes.",
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user}: digest {'on' if self.daily_digest else 'off'}"
