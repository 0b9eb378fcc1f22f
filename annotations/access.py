"""Who may read, change and moderate an annotation, registered with the platform's
permissions (AnnotationsConfig.ready), and the lookup helper views and the API use."""

from django.http import Http404

from annotations.models import Annotation, ViewerRule
from comparisons.models import Comparison
from counterpoint import permissions
from counterpoint.lib import compiled
from counterpoint.lib.safejson import parse_id
from counterpoint.models import Assignment, Classroom
from counterpoint.roles import TEACHER, is_member, is_teacher, role_in


def reads(user, annotation) -> bool:
    """Membership of the class, then the annotation's visibility (visibility_condition, as
    visible_to has it), asked through the viewer's rule compiled once per shape."""
    role = role_in(user, annotation.assignment.classroom_id)
    if role is None:
        return False
    rule = ViewerRule.for_viewer(user, annotation.assignment, is_teacher=role == TEACHER)
    return annotation.pk in rule.among([annotation.pk])


def authors(user, annotation) -> bool:
    return annotation.author_id == user.pk and is_member(user, annotation.assignment.classroom_id)


def teaches(user, annotation) -> bool:
    return is_teacher(user, annotation.assignment.classroom_id)


def register() -> None:
    permissions.register(Annotation, read=reads, write=authors, moderate=teaches)


# The rows an annotation is read with, as select_related("assignment__classroom",
# "assignment__comparison") gives them: (path from the annotation, model).
_WITH = (
    ("", Annotation),
    ("assignment__", Assignment),
    ("assignment__classroom__", Classroom),
    ("assignment__comparison__", Comparison),
)


def _fetch(pk) -> Annotation:
    """The annotation with its assignment, class and comparison, by a query compiled once
    (counterpoint.lib.compiled), as permissions.fetch reads it with select_related; 404 when
    there is none (or the id is no id)."""
    pk = parse_id(str(pk))
    if pk is None:
        raise Http404

    def build(*, pk):
        return (
            Annotation.objects.filter(pk=pk)
            .order_by()
            .values_list(*compiled.related_columns(_WITH))
        )

    found = compiled.rows(("annotation_for",), build, pk=pk)
    if not found:
        raise Http404
    (annotation, assignment, classroom, comparison), _ = compiled.related_instances(found[0], _WITH)
    assignment.classroom, assignment.comparison = classroom, comparison
    annotation.assignment = assignment
    return annotation


def get_annotation_for(user, pk: int, *, action: str = "read") -> Annotation:
    return permissions.check(user, _fetch(pk), action=action)


def get_thread_for(user, pk: int) -> Annotation:
    """The annotation a reply goes under: a reply to a reply joins the thread of its
    top-level annotation."""
    annotation = get_annotation_for(user, pk)
    if annotation.parent_id:
        annotation = get_annotation_for(user, annotation.parent_id)
    return annotation
