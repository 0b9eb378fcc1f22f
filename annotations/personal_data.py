"""What a person wrote in annotations, for their "Download my data" document
(counterpoint.personal_data): annotations, replies and comparison links as W3C Web
Annotation items (the same JSON-LD as an assignment's export), their flags and helpful
marks."""

from annotations import w3c
from annotations.models import Annotation, Flag, Helpful, Link
from counterpoint.personal_data import when

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


class _Iris:
    """W3C IRIs per assignment, made once each."""

    def __init__(self, request):
        self.request, self.by_assignment = request, {}

    def __call__(self, assignment):
        if assignment.pk not in self.by_assignment:
            self.by_assignment[assignment.pk] = w3c.iris_for(self.request, assignment)
        return self.by_assignment[assignment.pk]


def sections(user, request):
    iris = _Iris(request)
    written = (
        Annotation.objects.filter(author=user)
        .select_related("author", "dimension", "assignment__classroom")
        .prefetch_related("subjects", "tags")
        .order_by("created_at", "pk")
    )
    links = Link.objects.filter(author=user).select_related("author", "dimension", "assignment")
    flags = Flag.objects.filter(reporter=user).select_related("annotation__assignment")
    marks = Helpful.objects.filter(user=user).select_related("annotation__assignment")
    yield (
        "annotations",
        {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "label": f"Annotations by {user.display_name}",
            "items": [
                w3c.annotation_item(a, iris(a.assignment)) for a in written if not a.is_reply
            ],
        },
    )
    yield (
        "replies",
        {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "label": f"Replies by {user.display_name}",
            "items": [w3c.annotation_item(a, iris(a.assignment)) for a in written if a.is_reply],
        },
    )
    yield (
        "comparison_links",
        {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "items": [w3c.link_item(link, iris(link.assignment)) for link in links],
        },
    )
    yield (
        "flags",
        [
            {
                "annotation": iris(f.annotation.assignment).annotation(f.annotation_id),
                "reason": f.reason,
                "details": f.details,
                "state": f.state,
                "created": when(f.created_at),
            }
            for f in flags
        ],
    )
    yield (
        "marked_helpful",
        [iris(mark.annotation.assignment).annotation(mark.annotation_id) for mark in marks],
    )
