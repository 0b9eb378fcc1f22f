"""Submitting, reviewing and grading outlines: the writes that span several rows, and the
rules for who sees feedback when. Views and the API both call these."""

import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from essays.models import (
    BankComment,
    Criterion,
    FeedbackComment,
    Level,
    Outline,
    Review,
    Revision,
    Rubric,
    Score,
    next_status,
)

# The default compare-and-contrast rubric: (criterion, description, four levels from best).
DEFAULT_RUBRIC = [
    (
        "Thesis and claims",
        "A clear comparative thesis; each section makes a claim that serves it.",
        [
            (
                "Excellent",
                "The thesis takes a position on how the subjects differ or agree, and why "
                "it matters; every claim advances it.",
                4,
            ),
            ("Good", "A clear comparative thesis; most claims support it.", 3),
            ("Developing", "The thesis names the subjects but takes no real position.", 2),
            ("Beginning", "No comparative thesis yet.", 1),
        ],
    ),
    (
        "Evidence from both subjects",
        "Each point is backed by evidence about each subject.",
        [
            ("Excellent", "Well-chosen evidence for both subjects on every dimension, cited.", 4),
            ("Good", "Evidence for both subjects on most dimensions.", 3),
            ("Developing", "Evidence mostly about one subject, or missing citations.", 2),
            ("Beginning", "Little evidence from the text.", 1),
        ],
    ),
    (
        "Analysis and reasoning",
        "Explains what the evidence shows and why the contrast matters.",
        [
            (
                "Excellent",
                "Explains each piece of evidence in the student's own words and draws out "
                "why the difference or similarity matters.",
                4,
            ),
            ("Good", "Explains most evidence; some reasoning about why it matters.", 3),
            ("Developing", "Mostly describes; little explanation.", 2),
            ("Beginning", "Evidence is listed without comment.", 1),
        ],
    ),
    (
        "Organisation of the comparison",
        "A structure that makes the comparison easy to follow.",
        [
            (
                "Excellent",
                "A consistent structure with the same order throughout and clear transitions.",
                4,
            ),
            ("Good", "A clear structure with minor lapses.", 3),
            ("Developing", "The structure wavers; points repeat or jump.", 2),
            ("Beginning", "No recognisable structure.", 1),
        ],
    ),
    (
        "Counterargument or complexity",
        "Acknowledges similarities, exceptions or limits.",
        [
            ("Excellent", "Weighs a real counterargument and answers it.", 4),
            ("Good", "Names a counterargument or exception.", 3),
            ("Developing", "Mentions complexity in passing.", 2),
            ("Beginning", "The comparison is entirely one-sided.", 1),
        ],
    ),
]


def rubric_for(assignment) -> Rubric:
    """The assignment's rubric, made from the default the first time it is needed."""
    existing = Rubric.objects.filter(assignment=assignment).first()
    return existing or _default_rubric(assignment)


@transaction.atomic
def _default_rubric(assignment) -> Rubric:
    rubric, created = Rubric.objects.get_or_create(assignment=assignment)
    if created:
        for order, (name, description, levels) in enumerate(DEFAULT_RUBRIC):
            criterion = Criterion.objects.create(
                rubric=rubric, name=name, description=description, order=order
            )
            Level.objects.bulk_create(
                [
                    Level(criterion=criterion, name=level, description=text, points=points, order=i)
                    for i, (level, text, points) in enumerate(levels)
                ]
            )
    return rubric


def grading_started(assignment) -> bool:
    return Score.objects.filter(criterion__rubric__assignment=assignment).exists()


def due_for(assignment, student):
    extension = assignment.extensions.filter(student=student).first()
    return extension.due_at if extension else assignment.due_at


def snapshot(outline: Outline) -> dict:
    """Everything a revision freezes: plain data, so later edits cannot reach it."""
    return {
        "title": outline.title,
        "thesis": outline.thesis,
        "structure": outline.structure,
        "stance": outline.stance,
        # The student's judgements are part of what they handed in.
        "judgements": list(outline.judgements or []),
        "sections": [
            {
                "key": s.key,
                "heading": s.heading,
                "role": s.role,
                "claim": s.claim,
                "reasoning": s.reasoning,
                "paragraph": s.paragraph,
                "evidence": [
                    {
                        "key": e.key,
                        "quote": e.quote,
                        "note": e.note,
                        "citation": e.citation,
                        "commentary": e.commentary,
                        "relation": e.relation,
                        "form": e.form,
                        "source": e.source,
                    }
                    for e in s.evidence.all()
                ],
            }
            for s in outline.sections.all()
        ],
    }


@transaction.atomic
def outline_transition(*, outline: Outline, action: str) -> Outline:
    """Move an outline through its statuses; raises InvalidTransition with a plain message.
    Submitting (or resubmitting) freezes a revision."""
    outline = Outline.objects.select_for_update().get(pk=outline.pk)
    if action == "submit" and outline.status == Outline.Status.RETURNED:
        action = "resubmit"
    outline.status = next_status(outline.status, action)
    if action in ("submit", "resubmit"):
        full = Outline.objects.for_editor().get(pk=outline.pk)
        Revision.objects.create(
            outline=outline,
            number=outline.revisions.count() + 1,
            snapshot=snapshot(full),
            is_late=timezone.now() > due_for(outline.assignment, outline.author),
        )
    outline.version += 1
    outline.save(update_fields=["status", "version", "updated_at"])
    return outline


def feedback_released(outline: Outline) -> bool:
    if outline.assignment.feedback_released:
        return True
    review = Review.objects.filter(outline=outline).first()
    return bool(review and review.released_at)


def score_set(*, outline: Outline, level: Level) -> Score:
    score, _ = Score.objects.update_or_create(
        outline=outline,
        criterion=level.criterion,
        defaults={"level": level, "points": level.points},
    )
    return score


def comment_add(*, outline, author, body, section_key="", evidence_key="", bank_id=None):
    if bank_id:
        BankComment.objects.filter(pk=bank_id, teacher=author).update(uses=F("uses") + 1)
    latest = outline.revisions.order_by("-number").first()
    return FeedbackComment.objects.create(
        outline=outline,
        revision=latest,
        author=author,
        body=body,
        section_key=section_key,
        evidence_key=evidence_key,
    )


def from_earlier_reviews(comments, latest_revision_id) -> list[FeedbackComment]:
    """The comments written on an earlier revision than the one under review: the ones the
    student could have seen and answered. A comment written in this review (on the latest
    revision) is this review's own, shown beside its section, not "still open"."""
    return [
        c for c in comments if c.revision_id is not None and c.revision_id != latest_revision_id
    ]


# A draft's citation, "§2 ¶5" or "¶5"; the paragraph number runs through the whole text.
CITED_PARAGRAPH = re.compile(r"(?:§\s*\d+\s*)?¶\s*(\d+)")


def cited_html(text: str, reading_url: str) -> SafeString:
    """A draft's paragraph as HTML: escaped, line breaks kept, and each citation a link to
    its paragraph on the reading page (`#p<number>`, the reading page's anchors)."""

    def link(match):
        return f'<a class="cited" href="{reading_url}#p{match.group(1)}">{match.group(0)}</a>'

    escaped = str(escape(text))
    return mark_safe(CITED_PARAGRAPH.sub(link, escaped).replace("\n", "<br>"))  # noqa: S308
