"""A person's outlines and drafts, for their "Download my data" document
(counterpoint.personal_data): each with its sections, quoted evidence, submitted versions
and their answers to feedback."""

from django.db.models import Prefetch

from counterpoint.personal_data import when
from essays.feedback import snapshot
from essays.models import Evidence, FeedbackComment, Outline, OutlineSection


def _outline(outline) -> dict:
    return {
        "assignment": outline.assignment_id,
        "kind": outline.kind,
        "title": outline.title,
        "structure": outline.structure,
        "stance": outline.stance,
        "thesis": outline.thesis,
        "status": outline.status,
        "created": when(outline.created_at),
        "modified": when(outline.updated_at),
        "sections": snapshot(outline)["sections"],
        "submitted_versions": [
            {"number": r.number, "submitted": when(r.submitted_at), "outline": r.snapshot}
            for r in outline.revisions.all()
        ],
        "answers_to_feedback": [
            {"comment": c.body, "answer": c.state, "reply": c.student_reply}
            for c in outline.answered
        ],
    }


def sections(user, request):
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
    yield ("outlines", [_outline(outline) for outline in outlines])
