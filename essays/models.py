from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
)
from django.http import Http404
from django.utils import timezone

from annotations.models import Annotation
from comparisons.models import Contrast, Dimension, Subject
from counterpoint.lib.errors import NotAllowed, VersionConflict
from counterpoint.models import Assignment


class OutlineQuerySet(models.QuerySet):
    def waiting_count_in(self, classroom):
        """How many outlines or drafts wait for review in a class, as a subquery (`classroom`
        an OuterRef): the teacher's dashboard adds it to each class (extensions.class_counts)."""
        return Subquery(
            self.filter(
                assignment__classroom=classroom,
                status__in=[Outline.Status.SUBMITTED, Outline.Status.RESUBMITTED],
            )
            .order_by()
            .values("assignment__classroom")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        )

    def latest_status_of(self, assignment, user):
        """The status of `user`'s latest outline or draft in an assignment, as a subquery
        (`assignment` an OuterRef), for the student's dashboard
        (extensions.assignment_progress)."""
        return Subquery(
            self.filter(assignment=assignment, author=user)
            .order_by("-updated_at")
            .values("status")[:1]
        )

    def for_editor(self):
        """The outline with its sections and their evidence, in three queries."""
        return self.select_related(
            "assignment__comparison", "assignment__classroom", "author"
        ).prefetch_related(
            Prefetch(
                "sections",
                queryset=OutlineSection.objects.prefetch_related(
                    Prefetch(
                        "evidence",
                        queryset=Evidence.objects.select_related("annotation"),
                    )
                ),
            )
        )

    def for_page(self):
        """`for_editor()` with what the outline page shows beside it, in the same query: its
        review (`outline.review`, None-safe with getattr), `has_revisions`, and
        `latest_draft_id` (its newest essay draft's, or None)."""
        return (
            self.for_editor()
            .select_related("review")
            .annotate(
                has_revisions=Exists(Revision.objects.filter(outline=OuterRef("pk"))),
                latest_draft_id=Subquery(
                    Outline.objects.filter(source=OuterRef("pk"))
                    .order_by("-updated_at", "-pk")
                    .values("pk")[:1]
                ),
            )
        )

    def with_submission_times(self):
        """`first_submitted` and `last_submitted`: when its first and latest revisions were
        handed in (None before the first), each a subquery."""
        revisions = Revision.objects.filter(outline=OuterRef("pk"))
        return self.annotate(
            first_submitted=Subquery(revisions.order_by("number").values("submitted_at")[:1]),
            last_submitted=Subquery(revisions.order_by("-number").values("submitted_at")[:1]),
        )

    def with_score_total(self):
        """Each outline's rubric total as `score_total` (None before the first score).

        The one place a total is computed: the submissions page, the review page, the class
        dashboard, the gradebook and the API all read it. It is summed in a subquery, so a
        query that also joins revisions or comments cannot count a score once per joined row
        (a resubmitted outline once showed 30/20)."""
        return self.annotate(
            score_total=Subquery(
                Score.objects.filter(outline=OuterRef("pk"))
                .order_by()
                .values("outline")
                .annotate(total=Sum("points"))
                .values("total"),
                output_field=IntegerField(),
            )
        )


NOT_EDITABLE = (
    "This outline is with your teacher. You can change it again once it is returned to you."
)
DRAFT_NOT_EDITABLE = "This draft is with your teacher."
NOT_A_DRAFT = "A submitted outline cannot be deleted."


class Outline(models.Model):
    """A student's thesis-and-evidence outline for one assignment. Several drafts may exist;
    one is submitted. `version` goes up with every save, so two tabs cannot silently
    overwrite each other (a save from an older version is refused)."""

    class Structure(models.TextChoices):
        POINT_BY_POINT = "point_by_point", "Point by point"
        SUBJECT_BY_SUBJECT = "subject_by_subject", "Subject by subject"
        BLOCK_SYNTHESIS = "block_synthesis", "Blocks, then a synthesis"

    class Stance(models.TextChoices):
        DIFFERENCES = "differences", "Mainly differences"
        SIMILARITIES = "similarities", "Mainly similarities"
        DEGREE = "degree", "Different in degree, not in kind"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        RESUBMITTED = "resubmitted", "Resubmitted"
        ACCEPTED = "accepted", "Accepted"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="outlines")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outlines"
    )
    title = models.CharField(max_length=200)
    structure = models.CharField(
        max_length=20, choices=Structure.choices, default=Structure.POINT_BY_POINT
    )
    # An optional overall view ("" for none). It never decides an evidence relation; the
    # per-dimension judgements decide the sections.
    stance = models.CharField(max_length=12, choices=Stance.choices, blank=True, default="")
    thesis = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    # What the student chose in the builder, so a section can be regenerated or the
    # structure switched later: {"subjects": [ids], "dimensions": [ids], "cells": [ids],
    # "evidence": ["annotation:12", "contrast:5", ...]}.
    selection = models.JSONField(default=dict)
    # The student's judgement per chosen dimension (see essays.builder.Judgement):
    # [{"dimension": id, "kind": "kind"|"degree"|"alike"|"changed"|"continued"|None,
    #   "sentence": "", "most_significant": bool, "why": ""}]. Kept on the row (not a table of
    # its own) so the editor, checks and revisions read them without another query.
    judgements = models.JSONField(default=list, blank=True)
    # What the builder offers beside the student's boxes and is not their text: the essay
    # question shown above the thesis, thesis frames and because/but/so prompts, and whether
    # the student has attempted a thesis yet (for examples "after a first attempt").
    scaffold = models.JSONField(default=dict, blank=True)

    # A draft is the essay written from an outline: the same sections, each with a paragraph.
    # Being an Outline row, it goes through the same statuses, revisions, comments and rubric.
    class Kind(models.TextChoices):
        OUTLINE = "outline", "Outline"
        DRAFT = "draft", "Essay draft"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OUTLINE)
    source = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafts",
        help_text="For a draft: the outline it was written from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutlineQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.author})"

    @property
    def is_editable(self) -> bool:
        """A submitted or accepted outline waits for the teacher; a returned one is revised."""
        return self.status in (Outline.Status.DRAFT, Outline.Status.RETURNED)

    def evidence_sources(self) -> dict[str, int]:
        """Whose thinking the evidence is, for the teacher: how many pieces come from the
        student's own notes, classmates' notes and the summary table. Reads the prefetched
        sections of `for_editor()`, so it costs no query there."""
        counts = dict.fromkeys(Evidence.Source.values, 0)
        for section in self.sections.all():
            for item in section.evidence.all():
                counts[item.source] = counts.get(item.source, 0) + 1
        return counts

    @property
    def judgements_made(self) -> list[dict]:
        """The judgements the student has actually made (a kind chosen or a sentence written)."""
        return [
            row
            for row in self.judgements or []
            if isinstance(row, dict) and (row.get("kind") or str(row.get("sentence", "")).strip())
        ]

    def bump(self, seen_version: int, **changes) -> bool:
        """Claim the next version if nobody saved since `seen_version`, writing `changes`
        (field name: value) in the same UPDATE; one UPDATE, so two simultaneous saves cannot
        both win."""
        now = timezone.now()  # every edit is a save, whatever else it writes
        won = Outline.objects.filter(pk=self.pk, version=seen_version).update(
            version=F("version") + 1, updated_at=now, **changes
        )
        if won:
            self.version, self.updated_at = seen_version + 1, now
            for name, value in changes.items():
                setattr(self, name, value)
        return bool(won)

    def claim_version(self, seen_version: int | None, **changes) -> None:
        """Every edit's first step, on the page and in the API: claim the next version (with
        the outline's own `changes`, written in the same UPDATE and set on this instance), or
        raise VersionConflict with the current one (404 if the outline was deleted)."""
        if seen_version is not None and self.bump(seen_version, **changes):
            return
        current = Outline.objects.filter(pk=self.pk).values_list("version", flat=True).first()
        if current is None:
            raise Http404
        raise VersionConflict(current)

    def ensure_editable(self) -> None:
        """Refuse an edit while the work is with the teacher."""
        if not self.is_editable:
            raise NotAllowed(
                DRAFT_NOT_EDITABLE if self.kind == Outline.Kind.DRAFT else NOT_EDITABLE
            )

    def discard(self) -> None:
        """Delete the outline: only a draft, never one that was handed in."""
        if self.status != Outline.Status.DRAFT:
            raise NotAllowed(NOT_A_DRAFT)
        self.delete()


class OutlineSection(models.Model):
    class Role(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        BODY = "body", "Body"
        SYNTHESIS = "synthesis", "Synthesis"
        COUNTERARGUMENT = "counterargument", "Counterargument"
        COMPLEXITY = "complexity", "Going further"
        CONCLUSION = "conclusion", "Conclusion"

    outline = models.ForeignKey(Outline, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=60)
    order = models.PositiveIntegerField(default=0)
    role = models.CharField(max_length=16, choices=Role.choices)
    heading = models.CharField(max_length=200)
    claim = models.TextField(blank=True, max_length=2000)
    reasoning = models.TextField(blank=True, max_length=2000)
    # The builder's question for the student, shown as help text beside the boxes.
    reasoning_prompt = models.CharField(max_length=500, blank=True)
    # Sentence frames (each with a "___" blank) shown beside the claim and reasoning boxes.
    frames = models.JSONField(default=list, blank=True)
    transition = models.CharField(max_length=200, blank=True)
    paragraph = models.TextField(blank=True, max_length=20000, help_text="A draft's paragraph.")
    dimension = models.ForeignKey(Dimension, null=True, blank=True, on_delete=models.SET_NULL)
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.heading

    @property
    def role_note(self) -> str:
        """The role, to show beside the heading, or "" when the heading already says it
        ("Introduction Introduction")."""
        role = self.get_role_display()
        return "" if role.casefold() == self.heading.strip().casefold() else role


class Evidence(models.Model):
    """One piece of evidence in a section. The quote and citation are copied in, so later
    edits, hiding or deletion of the annotation never break the outline."""

    class Relation(models.TextChoices):
        DIFFERENCE = "difference", "Shows a difference"
        SIMILARITY = "similarity", "Shows a similarity"
        DEGREE = "degree", "Shows a difference of degree"

    class Source(models.TextChoices):
        OWN = "own", "My own note"
        CLASSMATE = "classmate", "A classmate's note"
        TABLE = "table", "From the summary table"

    class Form(models.TextChoices):
        QUOTE = "quote", "Quote"
        PARAPHRASE = "paraphrase", "In my own words"

    section = models.ForeignKey(OutlineSection, on_delete=models.CASCADE, related_name="evidence")
    order = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=40)
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contrast = models.ForeignKey(
        Contrast, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.SET_NULL)
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)
    citation = models.CharField(max_length=60, blank=True)
    # What this evidence shows, as the student (or a comparison link's author) said; None
    # until then. The builder never infers it from the outline's stance.
    relation = models.CharField(max_length=10, choices=Relation.choices, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.OWN)
    form = models.CharField(max_length=10, choices=Form.choices, default=Form.QUOTE)
    # The student's reasoning on this card ("This shows … because …"); called `reasoning` in
    # the API and the builder. `note` above is the annotation's body when it was picked.
    commentary = models.TextField(blank=True, max_length=2000)
    # The builder's question beside the reasoning box, shown as help text.
    prompt = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.quote[:50] or self.note[:50]

    @property
    def reasoning(self) -> str:
        return self.commentary

    @property
    def is_from_table(self) -> bool:
        return self.source == Evidence.Source.TABLE

    @property
    def source_hidden(self):
        """The annotation it came from was hidden or deleted since (the snapshot remains)."""
        if self.annotation_id is None:
            return self.key.startswith("annotation:")
        return self.annotation.is_hidden or self.annotation.is_deleted

    @property
    def from_private_note(self):
        """It came from a private ("only me") note: the note stays private, but this copy
        of its words is part of the outline, which the class's teachers read."""
        return (
            self.annotation_id is not None
            and self.annotation.visibility == Annotation.Visibility.PRIVATE
        )


# --- submission and feedback -----------------------------------------------------------


class InvalidTransition(NotAllowed):
    """An outline cannot move to that status from the one it is in; the message says why."""


TRANSITIONS = {
    # action: (allowed from, to)
    "submit": ({Outline.Status.DRAFT}, Outline.Status.SUBMITTED),
    "resubmit": ({Outline.Status.RETURNED}, Outline.Status.RESUBMITTED),
    "return": ({Outline.Status.SUBMITTED, Outline.Status.RESUBMITTED}, Outline.Status.RETURNED),
    "accept": ({Outline.Status.SUBMITTED, Outline.Status.RESUBMITTED}, Outline.Status.ACCEPTED),
}

REFUSALS = {
    "submit": "Only a draft can be submitted. A returned outline is resubmitted instead.",
    "resubmit": "Only an outline your teacher returned can be resubmitted.",
    "return": "Only a submitted outline can be returned for revision.",
    "accept": "Only a submitted outline can be accepted.",
}


def next_status(current: str, action: str) -> str:
    """The status machine: draft → submitted → returned → resubmitted → … → accepted."""
    if action not in TRANSITIONS:
        raise InvalidTransition(f"Unknown action {action!r}.")
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        raise InvalidTransition(REFUSALS[action])
    return target


class Revision(models.Model):
    """A frozen copy of an outline at one submission. Never changed after it is made."""

    outline = models.ForeignKey(Outline, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    is_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["outline", "number"], name="one_revision_number")
        ]

    def __str__(self):
        return f"{self.outline} revision {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise InvalidTransition("A submitted revision is frozen and cannot be changed.")
        super().save(*args, **kwargs)


class FeedbackComment(models.Model):
    """A teacher's comment on the outline, one section or one piece of evidence. Anchored by
    the section's and evidence's keys, so it follows them through revisions."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ADDRESSED = "addressed", "Addressed"
        WONT_FIX = "wont_fix", "Won't fix"

    outline = models.ForeignKey(Outline, on_delete=models.CASCADE, related_name="comments")
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    section_key = models.CharField(max_length=60, blank=True)
    evidence_key = models.CharField(max_length=40, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=3000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    student_reply = models.TextField(blank=True, max_length=2000)
    confirmed = models.BooleanField(
        default=False, help_text="The teacher agreed with the student's answer."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # A comment on exactly some words (essays/anchored.py): which text they are in (the
    # outline's thesis, or `section_key`'s claim, reasoning or paragraph) and where, as the
    # W3C selectors reading annotations store. Blank `anchor_field`: a section comment.
    class AnchorField(models.TextChoices):
        THESIS = "thesis", "Thesis"
        CLAIM = "claim", "Claim"
        REASONING = "reasoning", "Reasoning"
        PARAGRAPH = "paragraph", "Paragraph"

    anchor_field = models.CharField(max_length=10, choices=AnchorField.choices, blank=True)
    exact = models.TextField(blank=True)
    prefix = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=100, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    orphaned = models.BooleanField(
        default=False, help_text="The words it was about were changed in a later revision."
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:50]

    def answer(self, state: str, reply: str) -> None:
        """The author's answer: addressed, or won't fix (with why); the teacher confirms it."""
        if state not in (FeedbackComment.State.ADDRESSED, FeedbackComment.State.WONT_FIX):
            raise NotAllowed("Choose addressed or won't fix.", field="state")
        self.state, self.student_reply, self.confirmed = state, reply, False
        self.save(update_fields=["state", "student_reply", "confirmed"])

    def confirm(self) -> None:
        """The teacher agrees with the author's answer; there must be one."""
        if self.state == FeedbackComment.State.OPEN:
            raise NotAllowed(NOTHING_TO_CONFIRM)
        self.confirmed = True
        self.save(update_fields=["confirmed"])

    def reopen(self) -> None:
        self.state, self.confirmed = FeedbackComment.State.OPEN, False
        self.save(update_fields=["state", "confirmed"])


NOTHING_TO_CONFIRM = (
    "The student has not answered this comment yet, so there is nothing to confirm."
)


class Rubric(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="rubric")

    def __str__(self):
        return f"Rubric for {self.assignment}"

    @property
    def max_points(self):
        return max_points(self.criteria.all())


def max_points(criteria) -> int:
    """The highest total a rubric allows: each criterion's best level, added up."""
    return sum(max((lv.points for lv in c.levels.all()), default=0) for c in criteria)


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    # How much this criterion counts in the weighted total (essays.rubrics.weighted_total):
    # a criterion with weight 2 counts twice as much as one with weight 1.
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class Level(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    points = models.PositiveIntegerField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.name} ({self.points})"


class Score(models.Model):
    outline = models.ForeignKey(Outline, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outline", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class Review(models.Model):
    """A teacher's overall verdict on one outline, and whether the student may see it."""

    outline = models.OneToOneField(Outline, on_delete=models.CASCADE, related_name="review")
    overall_comment = models.TextField(blank=True, max_length=3000)
    released_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Review of {self.outline}"


class Extension(models.Model):
    """A later due date for one student on one assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="one_extension")
        ]

    def __str__(self):
        return f"{self.student} until {self.due_at}"


class DueDates:
    """Each student's due date for one assignment: their extension's, else the class's. The
    one place that rule is written; one query for the whole class (or one student)."""

    def __init__(self, assignment, *, student=None, extensions=None):
        if extensions is None:  # else the caller's, already loaded
            extensions = Extension.objects.filter(assignment=assignment)
            if student is not None:
                extensions = extensions.filter(student=student)
        self.default = assignment.due_at
        self.extended = {e.student_id: e.due_at for e in extensions}

    def of(self, student_id):
        return self.extended.get(student_id, self.default)


def due_dates(assignment) -> DueDates:
    return DueDates(assignment)


def lateness(outline: "Outline | None", due_at, now) -> str:
    """The one definition of late, for the submissions page, the dashboard and the gradebook:
    "yes" if first submitted after the student's due date as it stands now (an extension
    granted afterwards excuses it), "no" if on time, "overdue" if not submitted and the due
    date has passed, "" if not submitted and not yet due. `outline.first_submitted` comes
    from `Outline.objects.with_submission_times()`.

    A revision's own `is_late` is different on purpose: the record of that hand-in against
    the due date of that moment, shown in its history."""
    submitted = outline.first_submitted if outline is not None else None
    if submitted is not None:
        return "yes" if submitted > due_at else "no"
    return "overdue" if now > due_at else ""


class BankComment(models.Model):
    """A teacher's reusable comment, filed under a rubric criterion's name so it can be used
    in any assignment whose rubric has that criterion."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    criterion_name = models.CharField(max_length=100, blank=True)
    body = models.TextField(max_length=3000)
    uses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uses", "body"]

    def __str__(self):
        return self.body[:50]


class RubricTemplate(models.Model):
    """A rubric a teacher saved to start other assignments' rubrics from. A copy, as plain
    data (essays.rubrics.rubric_shape), so editing or deleting the rubric it came from
    never changes it. Its teacher uses it, and so do the other teachers of `classroom`."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    classroom = models.ForeignKey(
        "counterpoint.Classroom",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The class whose rubric it was saved from: its teachers may use it too.",
    )
    name = models.CharField(max_length=100)
    criteria = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name
