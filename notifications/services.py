"""Who hears about what. Each function here turns one event the lower apps announce into
notifications for the people it concerns: never the person who did it, and, for anything
about a note, only those who may see that note (annotations' one visibility rule)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Flag, People
from comparisons.reading import reading_for
from counterpoint.models import Membership
from essays.models import FeedbackComment, Outline
from notifications.models import Notification

Kind = Notification.Kind
PLACE_MAX = Notification._meta.get_field("place").max_length


def notify(*, recipients, actor, kind: str, classroom_id: int, place: str, url: str, **about):
    """One notification per recipient, leaving out the actor (nobody is told what they did
    themselves) and accounts that cannot sign in (the "Former student")."""
    return Notification.objects.bulk_create(
        _notifications(
            recipients=recipients,
            actor=actor,
            kind=kind,
            classroom_id=classroom_id,
            place=place,
            url=url,
            **about,
        )
    )


def _notifications(*, recipients, actor, kind, classroom_id, place, url, **about):
    """The unsaved rows `notify` writes (for a caller that writes several kinds at once)."""
    actor_id = actor.pk if actor is not None else None
    return [
        Notification(
            recipient=person,
            actor_id=actor_id,
            kind=kind,
            classroom_id=classroom_id,
            place=place[:PLACE_MAX],
            url=url,
            **about,
        )
        for person in {p.pk: p for p in recipients}.values()
        if person.pk != actor_id and person.is_active
    ]


def who_may_see(people, annotation: Annotation) -> list:
    """Those of `people` (users, a queryset of them, or People) who may see `annotation`
    now, by the rule the reading page uses (hidden, private, "my teacher", private replies, small
    groups, think first): two queries for all of them (Annotation.objects.seen_by)."""
    return Annotation.objects.seen_by(annotation, people)


def _members(classroom_id, role):
    return get_user_model().objects.filter(
        memberships__classroom_id=classroom_id, memberships__role=role
    )


def _note_place(annotation: Annotation) -> str:
    """ "¶4 in <title>": the paragraph's number and the text's title; never the quote."""
    comparison = annotation.assignment.comparison
    passage_id = annotation.passage_id
    number = reading_for(comparison).numbers.get(passage_id) if passage_id else None
    return f"¶{number} in {comparison.title}" if number else comparison.title


def _card_url(annotation: Annotation) -> str:
    # Replies sit inside their thread's card; the card is what the page always has.
    card = annotation.parent_id or annotation.pk
    return f"{reverse('comparisons:read', args=[annotation.assignment_id])}#annotation-{card}"


def on_annotation_posted(annotation: Annotation) -> None:
    if annotation.parent_id is not None:
        _reply_posted(annotation)
    elif annotation.is_prompt:
        _prompt_posted(annotation)


def _thread_people(*, parent, parent_author, replier):
    """A note's author and those who replied to it (not deleted), but for `replier`."""
    earlier = Annotation.objects.filter(parent_id=parent, is_deleted=False).values("author_id")
    return (
        get_user_model()
        .objects.filter(Q(pk=parent_author) | Q(pk__in=earlier), is_active=True)
        .exclude(pk=replier)
    )


def _reply_posted(reply: Annotation) -> None:
    """The note's author hears "replied to your note"; everyone who replied earlier in the
    thread hears "replied after you". Each only if they may see the new reply."""
    parent = reply.parent
    # Who might hear of it: the note's author and those who replied before, not the one
    # replying (loaded with what decides what they see, in one query compiled once).
    people = People(
        ("thread_people",),
        _thread_people,
        {"parent": parent.pk, "parent_author": parent.author_id, "replier": reply.author_id},
    )
    told = who_may_see(people, reply)
    if not told:
        return
    common = {
        "actor": reply.author,
        "classroom_id": reply.assignment.classroom_id,
        "place": _note_place(reply),
        "url": _card_url(reply),
        "annotation": reply,
    }
    author = [p for p in told if p.pk == parent.author_id and not parent.is_deleted]
    others = [p for p in told if p.pk != parent.author_id]
    Notification.objects.bulk_create(
        _notifications(recipients=author, kind=Kind.REPLY, **common)
        + _notifications(recipients=others, kind=Kind.THREAD_REPLY, **common)
    )


def _prompt_posted(prompt: Annotation) -> None:
    students = _members(prompt.assignment.classroom_id, Membership.Role.STUDENT)
    notify(
        recipients=who_may_see(students, prompt),
        actor=prompt.author,
        kind=Kind.PROMPT,
        classroom_id=prompt.assignment.classroom_id,
        place=_note_place(prompt),
        url=_card_url(prompt),
        annotation=prompt,
    )


def on_flag_raised(flag: Flag) -> None:
    annotation = flag.annotation
    classroom_id = annotation.assignment.classroom_id
    teachers = _members(classroom_id, Membership.Role.TEACHER)
    notify(
        recipients=who_may_see(teachers, annotation),
        actor=flag.reporter,
        kind=Kind.FLAG,
        classroom_id=classroom_id,
        place=_note_place(annotation),
        detail=flag.get_reason_display(),
        url=reverse("annotations:moderation", args=[classroom_id]),
        annotation=annotation,
    )


def _work_place(outline: Outline) -> str:
    return outline.assignment.comparison.title


def _work_url(outline: Outline) -> str:
    name = "essays:draft" if outline.kind == Outline.Kind.DRAFT else "essays:outline"
    return reverse(name, args=[outline.pk])


def _work(outline: Outline) -> str:
    return outline.get_kind_display().lower()


def on_work_moved(outline: Outline, action: str) -> None:
    """Submitting tells the class's teachers; returning and accepting tell the author."""
    common = {
        "classroom_id": outline.assignment.classroom_id,
        "place": _work_place(outline),
        "detail": _work(outline),
        "outline": outline,
    }
    if action in ("submit", "resubmit"):
        notify(
            recipients=_members(outline.assignment.classroom_id, Membership.Role.TEACHER),
            actor=outline.author,
            kind=Kind.SUBMITTED if action == "submit" else Kind.RESUBMITTED,
            url=reverse("essays:review", args=[outline.pk]),
            **common,
        )
    elif action in ("return", "accept"):
        notify(
            recipients=[outline.author],
            actor=None,  # the transition does not say which teacher; the class knows
            kind=Kind.RETURNED if action == "return" else Kind.ACCEPTED,
            url=_work_url(outline),
            **common,
        )


def on_feedback_released(outlines) -> None:
    """Each author whose handed-in work has feedback to read, once per submitted version:
    saving the overall comment again after releasing says nothing new."""
    for outline in outlines:
        if outline.status == Outline.Status.DRAFT:
            continue  # never handed in: nothing was reviewed
        latest = outline.revisions.order_by("-number").values_list("submitted_at", flat=True)
        since = latest.first()
        told = Notification.objects.filter(
            recipient_id=outline.author_id, kind=Kind.FEEDBACK_RELEASED, outline=outline
        )
        if since is not None:
            told = told.filter(created_at__gte=since)
        if told.exists():
            continue
        notify(
            recipients=[outline.author],
            actor=None,
            kind=Kind.FEEDBACK_RELEASED,
            classroom_id=outline.assignment.classroom_id,
            place=_work_place(outline),
            detail=_work(outline),
            url=f"{_work_url(outline)}#feedback-heading",
            outline=outline,
        )


def on_comment_answered(comment: FeedbackComment) -> None:
    """The teacher who wrote the comment, while they teach the class; otherwise its
    teachers."""
    outline = comment.outline
    classroom_id = outline.assignment.classroom_id
    teachers = _members(classroom_id, Membership.Role.TEACHER)
    writer = teachers.filter(pk=comment.author_id)
    notify(
        recipients=writer if writer.exists() else teachers,
        actor=outline.author,
        kind=Kind.ANSWERED,
        classroom_id=classroom_id,
        place=_work_place(outline),
        detail=_work(outline),
        url=f"{reverse('essays:review', args=[outline.pk])}#comment-{comment.pk}",
        outline=outline,
        comment=comment,
    )


def on_coteacher_invited(invitation) -> None:
    """The invited address's account, if there is one (the sender is told nothing either
    way: counterpoint.services.coteacher_invite)."""
    invitee = get_user_model().objects.filter(email__iexact=invitation.email)
    notify(
        recipients=invitee,
        actor=invitation.invited_by,
        kind=Kind.INVITATION,
        classroom_id=invitation.classroom_id,
        place=invitation.classroom.name,
        url=f"{reverse('dashboard')}#invitation-{invitation.pk}",
        invitation=invitation,
    )


def on_invitation_answered(invitation) -> None:
    """Accepted, declined or withdrawn: nothing is left to act on."""
    invitation.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def on_annotation_changed(annotation: Annotation) -> None:
    """After a note was hidden, made private or deleted to a stub: take back what told
    someone about it, or a reply in its thread, who may no longer see it."""
    about = Notification.objects.filter(
        Q(annotation=annotation) | Q(annotation__parent=annotation)
    ).select_related("recipient", "annotation__assignment")
    by_annotation = {}
    for notification in about:
        by_annotation.setdefault(notification.annotation_id, []).append(notification)
    gone = []
    for told in by_annotation.values():
        seeing = {user.pk for user in who_may_see([n.recipient for n in told], told[0].annotation)}
        gone += [n.pk for n in told if n.recipient_id not in seeing]
    if gone:
        Notification.objects.filter(pk__in=gone).delete()


def on_left_class(membership) -> None:
    """A person who leaves a class (or is removed) is no longer told about it, and what they
    were told about it goes: its links lead nowhere for them now."""
    Notification.objects.filter(
        recipient_id=membership.user_id, classroom_id=membership.classroom_id
    ).exclude(kind=Kind.INVITATION).delete()
