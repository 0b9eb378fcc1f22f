"""The signals notifications listens to, connected in NotificationsConfig.ready(). Each
receiver hands its event to notifications.services."""

from notifications import services
from notifications.models import Notification, Preference

# Saving these fields can take a note away from someone who was told about it.
VISIBILITY_FIELDS = {"is_hidden", "visibility", "is_deleted"}


def annotation_posted(sender, annotation, **kwargs):
    services.on_annotation_posted(annotation)


def flag_raised(sender, flag, **kwargs):
    services.on_flag_raised(flag)


def work_moved(sender, outline, action, **kwargs):
    services.on_work_moved(outline, action)


def feedback_released(sender, assignment, outlines, **kwargs):
    services.on_feedback_released(outlines)


def comment_answered(sender, comment, **kwargs):
    services.on_comment_answered(comment)


def coteacher_invited(sender, invitation, **kwargs):
    services.on_coteacher_invited(invitation)


def invitation_saved(sender, instance, created, **kwargs):
    if not created and instance.state != instance.State.PENDING:
        services.on_invitation_answered(instance)


def annotation_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    if update_fields is None or VISIBILITY_FIELDS & set(update_fields):
        services.on_annotation_changed(instance)


def membership_deleted(sender, instance, **kwargs):
    services.on_left_class(instance)


def personal_data(user, request=None):
    """The "Download my data" section: what this person was told, when they read it, and
    their e-mail choice."""
    preference = Preference.objects.filter(user=user).first()
    yield (
        "notifications",
        {
            "daily_digest": bool(preference and preference.daily_digest),
            "items": [
                {
                    "kind": n.kind,
                    "message": n.message,
                    "url": n.url,
                    "created": n.created_at.isoformat(),
                    "read": n.read_at.isoformat() if n.read_at else None,
                    "emailed": n.emailed_at.isoformat() if n.emailed_at else None,
                }
                for n in Notification.objects.for_inbox(user)
            ],
        },
    )


def profile_card(user):
    """The account page's e-mail choice."""
    from notifications.forms import DigestForm

    preference = Preference.objects.filter(user=user).first() or Preference(user=user)
    return {"template": "notifications/_digest_card.html", "form": DigestForm(instance=preference)}
