"""Who is what in which class: the role helpers every app asks. Imports only the platform's
models, so any module (models included) may use it without a cycle."""

from django.core.exceptions import PermissionDenied

from counterpoint.models import Membership

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


def teaching(user) -> list[int]:
    """The ids of the classes this user teaches."""
    return [pk for pk, role in roles_by_classroom(user).items() if role == TEACHER]


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
