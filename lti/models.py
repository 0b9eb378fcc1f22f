"""What LTI adds on top of django-lti's records (registrations, deployments, contexts, users).

A course (LTI context) is one Counterpoint class; a resource link (the activity in the LMS)
opens one assignment; a score sent to the LMS is one row per outline and release.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from lti_tool.models import LtiContext, LtiResourceLink

from counterpoint.models import Assignment, Classroom


class CourseLink(models.Model):
    """The class that stands for an LMS course, found by the platform's ids only."""

    context = models.OneToOneField(LtiContext, on_delete=models.CASCADE, related_name="course")
    classroom = models.OneToOneField(Classroom, on_delete=models.CASCADE, related_name="lti")
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    roster_error = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.context} → {self.classroom}"


class ActivityLink(models.Model):
    """An LMS activity (resource link) and the assignment it opens; where its grades go."""

    resource_link = models.OneToOneField(
        LtiResourceLink, on_delete=models.CASCADE, related_name="activity"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="lti_activities"
    )
    lineitem_url = models.URLField(max_length=500, blank=True)
    site_url = models.URLField(
        blank=True, help_text="Counterpoint's own address as the LMS knows it, for links."
    )

    def __str__(self):
        return f"{self.resource_link} → {self.assignment}"


class ScoreSend(models.Model):
    """One released score on its way to one student's line item. `release_key` makes a
    release send once: a second release of the same score for the same outline is the
    same row."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    outline = models.ForeignKey("essays.Outline", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    activity = models.ForeignKey(ActivityLink, on_delete=models.CASCADE, related_name="sends")
    lti_user_sub = models.CharField(max_length=255)
    release_key = models.CharField(max_length=100)
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["outline", "activity", "release_key"], name="one_send_per_release"
            )
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.score_given}/{self.score_maximum} for {self.student} ({self.status})"
