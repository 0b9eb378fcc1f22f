"""Who may read, change and moderate an annotation, registered with the platform's
permissions (AnnotationsConfig.ready), and the lookup helper views and the API use."""

from annotations.models import Annotation, ViewerRule
from counterpoint import permissions
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


def get_annotation_for(user, pk: int, *, action: str = "read") -> Annotation:
    annotation = permissions.fetch(
        Annotation.objects.select_related("assignment__classroom", "assignment__comparison"), pk
    )
    return permissions.check(user, annotation, action=action)


def get_thread_for(user, pk: int) -> Annotation:
    """The annotation a reply goes under: a reply to a reply joins the thread of its
    top-level annotation."""
    annotation = get_annotation_for(user, pk)
    if annotation.parent_id:
        annotation = get_annotation_for(user, annotation.parent_id)
    return annotation
