"""Who may read, write or moderate what, answered from the user's memberships.

Views and the API ask through `can_read`, `can_write` and `can_moderate`, or fetch objects
through `get_*_for` helpers, which raise 404 for people outside the class (so outsiders
cannot even learn that an object exists) and 403 for members whose role does not allow the
action. The platform holds the rules for its own models (classes, assignments); each app
above registers the rules for its models from its `AppConfig.ready()` with `register`, and
keeps its own `get_<thing>_for` helper (`comparisons.access`, `annotations.access`,
`essays.access`) built on `fetch` and `check`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from counterpoint.lib import compiled
from counterpoint.lib.safejson import parse_id
from counterpoint.models import Assignment, Classroom, CoTeacherInvitation
from counterpoint.roles import (  # noqa: F401  (the names views and the API ask through here)
    STUDENT,
    TEACHER,
    forget_roles,
    has_groups,
    is_member,
    is_teacher,
    may_author,
    reading_scope,
    require_author,
    role_in,
    roles_by_classroom,
    teaches_any_class,
    teaching,
)

Rule = Callable[[object, object], bool]


@dataclass(frozen=True)
class Rules:
    """Each rule takes (user, obj) and returns a bool."""

    read: Rule
    write: Rule
    moderate: Rule


# model class -> Rules; the platform's own here, the apps' added by `register`.
_rules: dict[type, Rules] = {}


def register(model: type, *, read: Rule, write: Rule, moderate: Rule) -> None:
    """An app's access rules for one of its models (call from AppConfig.ready())."""
    _rules[model] = Rules(read=read, write=write, moderate=moderate)


def _classroom_id(obj) -> int:
    if isinstance(obj, Classroom):
        return obj.pk
    return obj.classroom_id


def _member_reads(user, obj) -> bool:
    return is_member(user, _classroom_id(obj))


def _teacher_only(user, obj) -> bool:
    return is_teacher(user, _classroom_id(obj))


register(Classroom, read=_member_reads, write=_teacher_only, moderate=_teacher_only)
register(Assignment, read=_member_reads, write=_teacher_only, moderate=_teacher_only)


def _rules_for(obj) -> Rules:
    for cls in type(obj).__mro__:
        if cls in _rules:
            return _rules[cls]
    raise LookupError(f"No permission rule for {type(obj).__name__}")


def can_read(user, obj) -> bool:
    return user.is_authenticated and _rules_for(obj).read(user, obj)


def can_write(user, obj) -> bool:
    return user.is_authenticated and _rules_for(obj).write(user, obj)


def can_moderate(user, obj) -> bool:
    return user.is_authenticated and _rules_for(obj).moderate(user, obj)


# --- lookup helpers for views and the API --------------------------------------


def check(user, obj, *, action: str = "read"):
    """Return obj if the user may do `action` to it; 404 if they may not even read it."""
    if not can_read(user, obj):
        raise Http404
    if action == "read":  # asked and answered: a rule may cost a query
        return obj
    allowed = {"write": can_write, "moderate": can_moderate}[action]
    if not allowed(user, obj):
        raise PermissionDenied
    return obj


def fetch(queryset, pk):
    """One row by primary key, or 404 (never DoesNotExist and a 500)."""
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def get_classroom_for(user, pk: int, *, action: str = "read") -> Classroom:
    return check(user, fetch(Classroom.objects.all(), pk), action=action)


def get_assignment_for(user, pk: int, *, action: str = "read", related=()) -> Assignment:
    """The assignment with its class and comparison, and the `related` rows a page asks for
    along with them (a one-to-one of an app above, by name)."""
    if related:
        queryset = Assignment.objects.select_related("classroom", "comparison", *related)
        return check(user, fetch(queryset, pk), action=action)
    return check(user, _assignment(pk), action=action)


def _assignment(pk) -> Assignment:
    """The assignment with its class and comparison, as select_related gives them, by a
    query compiled once (counterpoint.lib.compiled); 404 when there is none (or the id is
    no id)."""
    pk = parse_id(str(pk))
    if pk is None:
        raise Http404
    comparison_model = Assignment._meta.get_field("comparison").related_model
    paths = (("", Assignment), ("classroom__", Classroom), ("comparison__", comparison_model))

    def build(*, pk):
        return (
            Assignment.objects.filter(pk=pk)
            .order_by()
            .values_list(*compiled.related_columns(paths))
        )

    found = compiled.rows(("assignment_for",), build, pk=pk)
    if not found:
        raise Http404
    (assignment, classroom, comparison), _ = compiled.related_instances(found[0], paths)
    assignment.classroom, assignment.comparison = classroom, comparison
    return assignment


def get_invitation_for(user, pk: int) -> CoTeacherInvitation:
    """An open co-teacher invitation addressed to this user; 404 for anyone else, so nobody
    learns which invitations exist."""
    return fetch(CoTeacherInvitation.objects.for_invitee(user), pk)


def get_sent_invitation_for(user, classroom_pk: int, pk: int) -> CoTeacherInvitation:
    """An open invitation to a class this user teaches (to withdraw it)."""
    classroom = get_classroom_for(user, classroom_pk, action="write")
    invitation = fetch(classroom.coteacher_invitations.open(), pk)
    invitation.classroom = classroom
    return invitation
