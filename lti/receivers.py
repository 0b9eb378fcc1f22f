"""Listening to essays: a released score goes to the LMS; the submissions page shows how."""

import logging

from lti import services

log = logging.getLogger("counterpoint.lti")


def on_feedback_released(sender, assignment, outlines, **kwargs):
    """Queue the scores (once per release) and try each at once; failures wait for the
    retry loop (`manage.py lti_send_scores`)."""
    try:
        queued = services.queue_released_scores(assignment, outlines)
    except Exception:  # a grade book elsewhere must never break releasing feedback here
        log.exception("lti: queueing released scores failed")
        return
    for send in queued:
        try:
            services.send_locked(send.pk)
        except Exception:
            log.exception("lti: sending score %s failed", send.pk)


def score_notes(assignment, rows):
    services.score_notes(assignment, rows)


def class_card(classroom):
    """The class page's LMS card, for a class that is an LMS course."""
    from lti.models import CourseLink

    link = CourseLink.objects.select_related("context").filter(classroom=classroom).first()
    return {"template": "lti/_class_card.html", "link": link} if link else None


def forget_lms_identity(sender, instance, **kwargs):
    """An account that is deleted takes what the LMS told us about it along (name, e-mail,
    the platform's id for it, its course memberships); django-lti would only unlink it."""
    from lti_tool.models import LtiUser

    LtiUser.objects.filter(auth_user=instance).delete()


def personal_data(user, request):
    """For "Download my data": what each LMS told us about the person."""
    from lti_tool.models import LtiUser

    identities = LtiUser.objects.filter(auth_user=user).select_related("registration")
    yield (
        "lms",
        [
            {
                "lms": identity.registration.issuer,
                "id_in_lms": identity.sub,
                "name": identity.name,
                "given_name": identity.given_name,
                "family_name": identity.family_name,
                "email": identity.email,
                "courses": [c.title or c.id_on_platform for c in identity.contexts.all()],
            }
            for identity in identities.prefetch_related("contexts")
        ],
    )
