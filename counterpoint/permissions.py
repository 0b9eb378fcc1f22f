"""Who may read, write or moderate what: the one place these rules live.

Every rule is answered from the user's memberships. Views and the API ask through
`can_read`, `can_write` and `can_moderate`, or fetch objects through the `get_*_for`
helpers, which raise 404 for people outside the class (so outsiders cannot even learn
that an object exists) and 403 for members whose role does not allow the action.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from annotations.models import Annotation
from comparisons.models import Comparison
from counterpoint.models import Assignment, Classroom, CoTeacherInvitation, Membership
from essays.models import Outline

TEACHER = Membership.Role.TEACHER
STUDENT = Membership.Role.STUDENT


def _access(user) -> dict[int, tuple[str, int | None, bool]]:
    """{classroom id: (role, reading scope, has groups)}, loaded once per user object (one
    query)."""
    cached = getattr(user, "_counterpoint_access", None)
    if cached is None:
        cached = Membership.objects.access_of(user)
        user._counterpoint_access = cached
    return cached


def roles_by_classroom(user) -> dict[int, str]:
    """{classroom id: role} for this user, loaded once per user object (one query)."""
    if not user.is_authenticated:
        return {}
    return {pk: entry[0] for pk, entry in _access(user).items()}


def reading_scope(user, classroom_id: int):
    """Whose notes this member reads in the class (counterpoint.models.reading_scope):
    WHOLE_CLASS (None), their group's id, or NO_GROUP; from the same query as their roles."""
    if not user.is_authenticated:
        return None
    entry = _access(user).get(classroom_id)
    return entry[1] if entry else None


def has_groups(user, classroom_id: int) -> bool:
    """Whether the class is split into groups, for one of its members (no query of its own)."""
    if not user.is_authenticated:
        return False
    entry = _access(user).get(classroom_id)
    return bool(entry and entry[2])


def forget_roles(user) -> None:
    """Call after changing this user's memberships (or their group) within the same request."""
    user.__dict__.pop("_counterpoint_access", None)


def role_in(user, classroom_id: int) -> str | None:
    return roles_by_classroom(user).get(classroom_id)


def is_member(user, classroom_id: int) -> bool:
    return role_in(user, classroom_id) is not None


def is_teacher(user, classroom_id: int) -> bool:
    return role_in(user, classroom_id) == TEACHER


def teaches_any_class(user) -> bool:
    return TEACHER in roles_by_classroom(user).values()


def may_author(user) -> bool:
    """Who may write, import and publish comparisons: people who teach a class, and staff.
    Students read what their teachers assign; they never author the text a class reads."""
    return user.is_authenticated and (user.is_staff or teaches_any_class(user))


def require_author(user) -> None:
    """For the authoring pages that are not about one comparison (the list, new, import)."""
    if not may_author(user):
        raise PermissionDenied("Only teachers write and import comparisons.")


# --- rules per kind of object -------------------------------------------------
# Each rule takes (user, obj) and returns a bool. Objects that belong to a class
# name it through `classroom_id`; other kinds register their own rules below.


def _classroom_id(obj) -> int:
    if isinstance(obj, Classroom):
        return obj.pk
    return obj.classroom_id


def _member_reads(user, obj) -> bool:
    return is_member(user, _classroom_id(obj))


def _teacher_only(user, obj) -> bool:
    return is_teacher(user, _classroom_id(obj))


def _comparison_reads(user, comparison) -> bool:
    """Its author; members of a class it is assigned to (even if it was unpublished
    since, so a class never loses its reading); any teacher once it is published."""
    if comparison.author_id == user.pk:
        return True
    if comparison.is_published and teaches_any_class(user):
        return True
    classes = roles_by_classroom(user)
    return comparison.assignments.filter(classroom_id__in=list(classes)).exists()


def _comparison_author(user, comparison) -> bool:
    """Its author, while they may author, and only if every class that reads it is one they
    teach: assigning someone else's comparison assigns a copy (comparisons.services), so this
    holds from then on; it also shuts out an author who has left a class that reads their
    text, and any assignment made before copies existed."""
    if comparison.author_id != user.pk or not may_author(user):
        return False
    teaching = [pk for pk, role in roles_by_classroom(user).items() if role == TEACHER]
    return not comparison.assignments.exclude(classroom_id__in=teaching).exists()


def _annotation_reads(user, annotation) -> bool:
    """Membership of the class, then the annotation's visibility (see visible_to)."""
    role = role_in(user, annotation.assignment.classroom_id)
    if role is None:
        return False
    return (
        Annotation.objects.visible_to(user, annotation.assignment, is_teacher=role == TEACHER)
        .filter(pk=annotation.pk)
        .exists()
    )


def _annotation_author(user, annotation) -> bool:
    return annotation.author_id == user.pk and is_member(user, annotation.assignment.classroom_id)


def _annotation_teacher(user, annotation) -> bool:
    return is_teacher(user, annotation.assignment.classroom_id)


def _outline_reads(user, outline) -> bool:
    """Its author (while still in the class) and the class's teachers."""
    classroom_id = outline.assignment.classroom_id
    if outline.author_id == user.pk:
        return is_member(user, classroom_id)
    return is_teacher(user, classroom_id)


def _outline_author(user, outline) -> bool:
    return outline.author_id == user.pk and is_member(user, outline.assignment.classroom_id)


READ_RULES = {
    Classroom: _member_reads,
    Assignment: _member_reads,
    Comparison: _comparison_reads,
    Annotation: _annotation_reads,
    Outline: _outline_reads,
}
WRITE_RULES = {
    Classroom: _teacher_only,
    Assignment: _teacher_only,
    Comparison: _comparison_author,
    Annotation: _annotation_author,
    Outline: _outline_author,
}
MODERATE_RULES = {
    Classroom: _teacher_only,
    Assignment: _teacher_only,
    Comparison: _comparison_author,
    Annotation: _annotation_teacher,
    Outline: lambda user, outline: is_teacher(user, outline.assignment.classroom_id),
}


def _rule(table, obj):
    for cls in type(obj).__mro__:
        if cls in table:
            return table[cls]
    raise LookupError(f"No permission rule for {type(obj).__name__}")


def can_read(user, obj) -> bool:
    return user.is_authenticated and _rule(READ_RULES, obj)(user, obj)


def can_write(user, obj) -> bool:
    return user.is_authenticated and _rule(WRITE_RULES, obj)(user, obj)


def can_moderate(user, obj) -> bool:
    return user.is_authenticated and _rule(MODERATE_RULES, obj)(user, obj)


# --- lookup helpers for views and the API --------------------------------------


def check(user, obj, *, action: str = "read"):
    """Return obj if the user may do `action` to it; 404 if they may not even read it."""
    if not can_read(user, obj):
        raise Http404
    allowed = {"read": can_read, "write": can_write, "moderate": can_moderate}[action]
    if not allowed(user, obj):
        raise PermissionDenied
    return obj


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def get_classroom_for(user, pk: int, *, action: str = "read") -> Classroom:
    return check(user, _get(Classroom.objects.all(), pk), action=action)


def get_assignment_for(user, pk: int, *, action: str = "read") -> Assignment:
    assignment = _get(Assignment.objects.select_related("classroom", "comparison"), pk)
    return check(user, assignment, action=action)


def get_comparison_for(user, pk: int, *, action: str = "read", queryset=None) -> Comparison:
    comparison = _get(queryset if queryset is not None else Comparison.objects.all(), pk)
    return check(user, comparison, action=action)


def get_annotation_for(user, pk: int, *, action: str = "read") -> Annotation:
    annotation = _get(
        Annotation.objects.select_related("assignment__classroom", "assignment__comparison"), pk
    )
    return check(user, annotation, action=action)


def get_outline_for(user, pk: int, *, action: str = "read", queryset=None) -> Outline:
    base = queryset if queryset is not None else Outline.objects.all()
    outline = _get(base.select_related("assignment__classroom", "assignment__comparison"), pk)
    return check(user, outline, action=action)


def get_invitation_for(user, pk: int) -> CoTeacherInvitation:
    """An open co-teacher invitation addressed to this user; 404 for anyone else, so nobody
    learns which invitations exist."""
    return _get(CoTeacherInvitation.objects.for_invitee(user), pk)


def get_sent_invitation_for(user, classroom_pk: int, pk: int) -> CoTeacherInvitation:
    """An open invitation to a class this user teaches (to withdraw it)."""
    classroom = get_classroom_for(user, classroom_pk, action="write")
    invitation = _get(classroom.coteacher_invitations.open(), pk)
    invitation.classroom = classroom
    return invitation
