"""Writes that span several models."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from counterpoint.models import Classroom, Membership, User
from counterpoint.permissions import forget_roles


@transaction.atomic
def classroom_create(*, name: str, teacher: User) -> Classroom:
    classroom = Classroom.objects.create(name=name)
    Membership.objects.create(user=teacher, classroom=classroom, role=Membership.Role.TEACHER)
    forget_roles(teacher)
    return classroom


@transaction.atomic
def classroom_join(*, classroom: Classroom, student: User) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=student, classroom=classroom, defaults={"role": Membership.Role.STUDENT}
    )
    forget_roles(student)
    return membership


# --- leaving: a student removed from a class, or deleting their account --------------------


class AccountInUse(Exception):
    """The account cannot be deleted yet; the message says what to do first."""


def _annotations_leave(*, classroom: Classroom, author: User) -> None:
    """Apply the class's choice to what `author` wrote there. Private notes always go; their
    replies always go; a note that classmates replied to stays as an empty "deleted" stub, so
    the replies keep their thread. With "anonymise", the rest stays, credited to the
    "Former student" account. Helpful marks go; flags they raised stay (the moderation queue
    needs them), reported by "Former student"; the audit trail keeps its snapshot of the
    words but no longer names them."""
    from annotations.models import Annotation, Flag, Helpful, Link, ModerationAction, Tag

    written = Annotation.objects.filter(assignment__classroom=classroom, author=author)
    former = User.objects.former_student()
    removing = classroom.leaving_annotations == Classroom.LeavingAnnotations.REMOVE
    going = written if removing else written.filter(visibility=Annotation.Visibility.PRIVATE)
    going.filter(parent__isnull=False).delete()
    notes = going.filter(parent__isnull=True)
    replied_to = list(notes.filter(replies__isnull=False).values_list("pk", flat=True).distinct())
    Tag.objects.filter(annotation_id__in=replied_to).delete()
    Annotation.objects.filter(pk__in=replied_to).update(
        is_deleted=True, body="", author=former, updated_at=timezone.now()
    )
    notes.exclude(pk__in=replied_to).delete()
    links = Link.objects.filter(assignment__classroom=classroom, author=author)
    marks = Helpful.objects.filter(annotation__assignment__classroom=classroom, user=author)
    # Cards that change show it on classmates' live panels (annotations.live).
    now = timezone.now()
    linked = links.values_list("source_id", "target_id")
    Annotation.objects.filter(
        Q(pk__in=marks.values("annotation_id"))
        | Q(pk__in=[pk for pair in linked for pk in pair] if removing else [])
    ).update(updated_at=now)
    if removing:
        links.delete()
    else:
        written.update(author=former, updated_at=now)
        links.update(author=former)
    marks.delete()
    flags = Flag.objects.filter(annotation__assignment__classroom=classroom, reporter=author)
    flags.filter(annotation__flags__reporter=former).delete()  # one flag each per note
    flags.update(reporter=former)
    ModerationAction.objects.filter(classroom=classroom, annotation_author=author).update(
        annotation_author=None
    )


@transaction.atomic
def student_leave(*, classroom: Classroom, student: User) -> None:
    """A teacher removes a student from the class: the membership goes, and what they wrote
    is kept anonymised or removed, as the class is set. Their outlines stay with them."""
    _annotations_leave(classroom=classroom, author=student)
    Membership.objects.filter(classroom=classroom, user=student).delete()
    forget_roles(student)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete an account and what it wrote: annotations as each class is set, outlines,
    flags, links and marks, login records. Teachers hand their classes over first."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from comparisons.models import Comparison

    teaching = user.memberships.filter(role=Membership.Role.TEACHER).select_related("classroom")
    if teaching:
        names = ", ".join(m.classroom.name for m in teaching)
        raise AccountInUse(
            f"You teach {names}. Add a co-teacher to take it over and ask them to remove you, "
            "or ask the site's administrator, before deleting your account."
        )
    for classroom in Classroom.objects.filter(assignments__annotations__author=user).distinct():
        _annotations_leave(classroom=classroom, author=user)
    former = User.objects.former_student()
    # A comparison a class reads stays for that class; the author's other drafts go.
    mine = Comparison.objects.filter(author=user)
    mine.filter(assignments__isnull=False).update(author=former)
    mine.delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=user.email).delete()
    user.delete()
