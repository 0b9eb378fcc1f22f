"""Who may read and change a comparison, registered with the platform's permissions
(ComparisonsConfig.ready), and the lookup helper views use."""

from comparisons.models import Comparison
from counterpoint import permissions
from counterpoint.roles import TEACHER, may_author, roles_by_classroom, teaches_any_class


def reads(user, comparison) -> bool:
    """Its author; members of a class it is assigned to (even if it was unpublished
    since, so a class never loses its reading); any teacher once it is published."""
    if comparison.author_id == user.pk:
        return True
    if comparison.is_published and teaches_any_class(user):
        return True
    classes = roles_by_classroom(user)
    return comparison.assignments.filter(classroom_id__in=list(classes)).exists()


def authors(user, comparison) -> bool:
    """Its author, while they may author, and only if every class that reads it is one they
    teach: assigning someone else's comparison assigns a copy (comparisons.services), so this
    holds from then on; it also shuts out an author who has left a class that reads their
    text, and any assignment made before copies existed."""
    if comparison.author_id != user.pk or not may_author(user):
        return False
    teaching = [pk for pk, role in roles_by_classroom(user).items() if role == TEACHER]
    return not comparison.assignments.exclude(classroom_id__in=teaching).exists()


def register() -> None:
    permissions.register(Comparison, read=reads, write=authors, moderate=authors)


def get_comparison_for(user, pk: int, *, action: str = "read", queryset=None) -> Comparison:
    comparison = permissions.fetch(
        queryset if queryset is not None else Comparison.objects.all(), pk
    )
    return permissions.check(user, comparison, action=action)
