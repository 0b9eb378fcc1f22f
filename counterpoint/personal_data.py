"""Everything a person wrote here, as one JSON document they can download and keep.

Annotations, replies and comparison links are W3C Web Annotation items (the same JSON-LD as
an assignment's export), so another annotation tool can read them; the rest is plain JSON.
Only what this person wrote or chose is included: other people's words appear only where
they are part of the person's own outline (quoted evidence) or as the teacher comment their
answer replies to.
"""

from django.db.models import Prefetch
from django.utils import timezone

from annotations import w3c
from annotations.models import Annotation, Flag, Helpful, Link
from comparisons.models import Comparison
from counterpoint import extensions
from essays.feedback import snapshot
from essays.models import Evidence, FeedbackComment, Outline, OutlineSection

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _when(moment):
    return moment.isoformat() if moment else None


class _Iris:
    """W3C IRIs per assignment, made once each (see annotations.api._iris)."""

    def __init__(self, request):
        from annotations.api import _iris

        self.request, self.make, self.by_assignment = request, _iris, {}

    def __call__(self, assignment):
        if assignment.pk not in self.by_assignment:
            self.by_assignment[assignment.pk] = self.make(self.request, assignment)
        return self.by_assignment[assignment.pk]


def _outline(outline) -> dict:
    return {
        "assignment": outline.assignment_id,
        "kind": outline.kind,
        "title": outline.title,
        "structure": outline.structure,
        "stance": outline.stance,
        "thesis": outline.thesis,
        "status": outline.status,
        "created": _when(outline.created_at),
        "modified": _when(outline.updated_at),
        "sections": snapshot(outline)["sections"],
        "submitted_versions": [
            {"number": r.number, "submitted": _when(r.submitted_at), "outline": r.snapshot}
            for r in outline.revisions.all()
        ],
        "answers_to_feedback": [
            {"comment": c.body, "answer": c.state, "reply": c.student_reply}
            for c in outline.answered
        ],
    }


def personal_data(user, request) -> dict:
    """The document itself. `request` makes the W3C IRIs absolute."""
    iris = _Iris(request)
    written = (
        Annotation.objects.filter(author=user)
        .select_related("author", "dimension", "assignment__classroom")
        .prefetch_related("subjects", "tags")
        .order_by("created_at", "pk")
    )
    links = Link.objects.filter(author=user).select_related("author", "dimension", "assignment")
    outlines = (
        Outline.objects.filter(author=user)
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=OutlineSection.objects.prefetch_related(
                    Prefetch("evidence", queryset=Evidence.objects.order_by("order", "pk"))
                ),
            ),
            "revisions",
            Prefetch(
                "comments",
                queryset=FeedbackComment.objects.exclude(student_reply="", state="open"),
                to_attr="answered",
            ),
        )
        .order_by("created_at", "pk")
    )
    flags = Flag.objects.filter(reporter=user).select_related("annotation__assignment")
    marks = Helpful.objects.filter(user=user).select_related("annotation__assignment")
    comparisons = Comparison.objects.filter(author=user).prefetch_related(
        "subjects", "dimensions", "sections__passages"
    )
    return {
        "exported": _when(timezone.now()),
        "profile": {
            "display_name": user.display_name,
            "email": user.email,
            "joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "memberships": [
            {
                "class": m.classroom.name,
                "role": m.role,
                "joined": _when(m.joined_at),
                "group": m.group.name if m.group else None,
                "sees_whole_class": m.sees_whole_class,
            }
            for m in user.memberships.select_related("classroom", "group").order_by("joined_at")
        ],
        "annotations": {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "label": f"Annotations by {user.display_name}",
            "items": [
                w3c.annotation_item(a, iris(a.assignment)) for a in written if not a.is_reply
            ],
        },
        "replies": {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "label": f"Replies by {user.display_name}",
            "items": [w3c.annotation_item(a, iris(a.assignment)) for a in written if a.is_reply],
        },
        "comparison_links": {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "items": [w3c.link_item(link, iris(link.assignment)) for link in links],
        },
        "flags": [
            {
                "annotation": iris(f.annotation.assignment).annotation(f.annotation_id),
                "reason": f.reason,
                "details": f.details,
                "state": f.state,
                "created": _when(f.created_at),
            }
            for f in flags
        ],
        "marked_helpful": [
            iris(mark.annotation.assignment).annotation(mark.annotation_id) for mark in marks
        ],
        "outlines": [_outline(outline) for outline in outlines],
        "comparisons": [
            {
                "title": c.title,
                "question": c.question,
                "summary": c.summary,
                "subjects": [s.name for s in c.subjects.all()],
                "dimensions": [d.name for d in c.dimensions.all()],
                "sections": [
                    {"heading": s.heading, "paragraphs": [p.text for p in s.passages.all()]}
                    for s in c.sections.all()
                ],
            }
            for c in comparisons
        ],
        # What apps above add about the person (e.g. lti: what each LMS told us).
        **{
            key: data
            for section in extensions.personal_data_sections
            for key, data in section(user)
        },
    }
