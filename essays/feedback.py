"""Submitting, reviewing and grading outlines: the writes that span several rows, and the
rules for who sees feedback when. Views and the API both call these."""

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from counterpoint.lib.errors import NotAllowed
from essays import anchored, signals
from essays.models import (
    BankComment,
    Criterion,
    DueDates,
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
    return DueDates(assignment, student=student).of(student.pk)


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
        # Each comment on exact words follows them into this revision (or is orphaned).
        anchored.follow(full)
        Revision.objects.create(
            outline=outline,
            number=outline.revisions.count() + 1,
            snapshot=snapshot(full),
            is_late=timezone.now() > due_for(outline.assignment, outline.author),
        )
    outline.version += 1
    outline.save(update_fields=["status", "version", "updated_at"])
    signals.work_moved.send(sender=Outline, outline=outline, action=action)
    return outline


_UNREAD = object()


def feedback_released(outline: Outline, review=_UNREAD) -> bool:
    """Whether the author may see the feedback: released for the whole assignment, or this
    outline's review released. `review`: the outline's Review (or None) when the caller has
    already loaded it."""
    if outline.assignment.feedback_released:
        return True
    if review is _UNREAD:
        review = Review.objects.filter(outline=outline).first()
    return bool(review and review.released_at)


def level_for(outline: Outline, level_id: int | None, criterion_id: int | None = None) -> Level:
    """A level of this assignment's rubric (of `criterion_id`, when named) to score with;
    NotAllowed for any other."""
    levels = Level.objects.select_related("criterion").filter(
        criterion__rubric__assignment_id=outline.assignment_id
    )
    if criterion_id is not None:
        levels = levels.filter(criterion_id=criterion_id)
    level = levels.filter(pk=level_id).first() if level_id else None
    if level is None:
        raise NotAllowed(
            "Choose one of this criterion's levels in this assignment's rubric.", field="level"
        )
    return level


def released_comment(outline: Outline, comment_id) -> FeedbackComment:
    """A comment the author may answer: one of this outline's, once its feedback is released
    to them (404 before, as if there were none)."""
    if not feedback_released(outline):
        raise Http404
    return get_object_or_404(outline.comments.select_related("author", "revision"), pk=comment_id)


NOTHING_TO_RELEASE = "There is no feedback on this work yet: comment on it or score it first."


@transaction.atomic
def review_release(*, outline: Outline, released: bool = True) -> Review:
    """Let the author see this work's feedback (or hide it again). There must be some
    feedback to see: a comment, a score or an overall comment. The review page and the
    submissions page's bulk release both come here, one outline at a time."""
    review, _ = Review.objects.get_or_create(outline=outline)
    if released and not (
        review.overall_comment.strip() or outline.comments.exists() or outline.scores.exists()
    ):
        raise NotAllowed(NOTHING_TO_RELEASE)
    review.released_at = timezone.now() if released else None
    review.save(update_fields=["released_at", "updated_at"])
    if released:
        # Tell the apps above (e.g. LTI grade passback) once the release is committed.
        transaction.on_commit(
            lambda: signals.feedback_released.send(
                sender=type(outline.assignment), assignment=outline.assignment, outlines=[outline]
            )
        )
    return review


@transaction.atomic
def score_set(*, outline: Outline, level: Level) -> Score:
    # The rubric's row lock: a rubric change (essays.rubrics) and a first score cannot
    # interleave, so no score lands on a level that is being removed.
    Rubric.objects.select_for_update().filter(pk=level.criterion.rubric_id).first()
    score, _ = Score.objects.update_or_create(
        outline=outline,
        criterion=level.criterion,
        defaults={"level": level, "points": level.points},
    )
    return score


def comment_place(outline: Outline, section_key: str, evidence_key: str) -> tuple[str, str]:
    """Where a comment goes: the whole outline (no keys), a section, or one piece of evidence,
    which is filed under its section too (an evidence key alone finds its section). Refuses a
    key the outline does not have. `outline` has its sections and evidence loaded."""
    sections = {s.key: {e.key for e in s.evidence.all()} for s in outline.sections.all()}
    if section_key and section_key not in sections:
        raise NotAllowed("That section is not part of this outline.", field="section_key")
    if evidence_key:
        holders = [key for key, items in sections.items() if evidence_key in items]
        if not holders:
            raise NotAllowed("That evidence is not part of this outline.", field="evidence_key")
        if section_key and section_key not in holders:
            raise NotAllowed("That evidence is in another section.", field="evidence_key")
        section_key = section_key or holders[0]
    return section_key, evidence_key


@transaction.atomic
def comment_add(
    *, outline, author, body, section_key="", evidence_key="", bank_id=None, target=None
):
    """A teacher's comment on the outline, a section or a piece of evidence, placed by
    `comment_place` (NotAllowed for a key the outline does not have), or on exactly some words
    (`target`, an `anchored.Target` from `anchored.parse_target`), on the latest revision; a
    comment from the bank counts as one more use."""
    if target is None:
        section_key, evidence_key = comment_place(outline, section_key, evidence_key)
    if bank_id:
        BankComment.objects.filter(pk=bank_id, teacher=author).update(uses=F("uses") + 1)
    latest = outline.revisions.order_by("-number").first()
    comment = FeedbackComment(
        outline=outline,
        revision=latest,
        author=author,
        body=body,
        section_key=section_key,
        evidence_key=evidence_key,
    )
    if target is not None:
        anchored.apply(comment, target)
        comment.evidence_key = ""
    comment.save()
    return comment


@transaction.atomic
def comment_answer(*, comment: FeedbackComment, state: str, reply: str) -> FeedbackComment:
    """The student answers a released comment (addressed or won't fix, with a reason); the
    teacher confirms it again afterwards. Raises NotAllowed for any other state."""
    comment.answer(state, reply)
    signals.comment_answered.send(sender=FeedbackComment, comment=comment)
    return comment


def from_earlier_reviews(comments, latest_revision_id) -> list[FeedbackComment]:
    """The comments written on an earlier revision than the one under review: the ones the
    student could have seen and answered. A comment written in this review (on the latest
    revision) is this review's own, shown beside its section, not "still open"."""
    return [
        c for c in comments if c.revision_id is not None and c.revision_id != latest_revision_id
    ]
