"""Who may read, change and review an outline or draft, registered with the platform's
permissions (EssaysConfig.ready), and the lookup helper views and the API use."""

from counterpoint import permissions
from counterpoint.roles import is_member, is_teacher
from essays.models import Outline


def reads(user, outline) -> bool:
    """Its author (while still in the class) and the class's teachers."""
    classroom_id = outline.assignment.classroom_id
    if outline.author_id == user.pk:
        return is_member(user, classroom_id)
    return is_teacher(user, classroom_id)


def authors(user, outline) -> bool:
    return outline.author_id == user.pk and is_member(user, outline.assignment.classroom_id)


def teaches(user, outline) -> bool:
    return is_teacher(user, outline.assignment.classroom_id)


def register() -> None:
    permissions.register(Outline, read=reads, write=authors, moderate=teaches)


def get_outline_for(user, pk: int, *, action: str = "read", queryset=None) -> Outline:
    """The outline, if `user` may do `action` to it (404 or 403 otherwise). When `user` is its
    author, `outline.author` is `user` itself, so the author's roles (read again for the
    author's material) come from the ones the check already loaded."""
    base = queryset if queryset is not None else Outline.objects.all()
    outline = permissions.fetch(
        base.select_related("assignment__classroom", "assignment__comparison"), pk
    )
    outline = permissions.check(user, outline, action=action)
    if outline.author_id == user.pk:
        outline.author = user
    return outline
