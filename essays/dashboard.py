"""The class dashboard's figures for one assignment: per student, per paragraph and per matrix
cell, plus the two lists a teacher asks for first (who has not started, who is stuck).

Everything is computed from a fixed number of queries, whatever the size of the class (pinned
in tests/essays/test_dashboard.py), counted the way the teacher sees the class: top-level
annotations and replies by the class's current students that the one visibility rule lets a
teacher see, never private ones and never deleted stubs. Hidden annotations count (the student
did the work; the moderation page says why it is hidden).

"Not started": no annotation, no reply and no outline.

"Stuck" (`STUCK_*` below), either of:
- annotations (or replies) but no outline, and the student's due date (with their
  extension) is less than `STUCK_NO_OUTLINE_DAYS` days away or past;
- their most advanced outline was returned, its feedback is released to them, and a comment
  has been open for more than `STUCK_OPEN_COMMENT_DAYS` days since they could see it (since it
  was written, or since the teacher released their feedback, whichever is later).
A submitted outline waiting for the teacher is never "stuck": the next move is the teacher's.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from annotations.models import Annotation, visibility_condition
from comparisons.models import Comparison, reading_layout
from counterpoint.models import Membership, User
from essays.models import (
    Evidence,
    FeedbackComment,
    Level,
    Outline,
    due_dates,
    lateness,
)

STUCK_NO_OUTLINE_DAYS = 2
STUCK_OPEN_COMMENT_DAYS = 3
HEAT_LEVELS = 4  # shades above "none"

# The most advanced outline is the one a student's row reports.
STATUS_RANK = {
    Outline.Status.DRAFT: 1,
    Outline.Status.SUBMITTED: 2,
    Outline.Status.RETURNED: 3,
    Outline.Status.RESUBMITTED: 4,
    Outline.Status.ACCEPTED: 5,
}
NO_OUTLINE = "none"
NO_OUTLINE_LABEL = "No outline"
NO_DRAFT_LABEL = "No draft"


# --- shared with the CSV exports -------------------------------------------------------


def student_ids(classroom_id, group_id=None):
    """A subquery: the class's current students (of one of its groups, if given)."""
    students = Membership.objects.filter(classroom_id=classroom_id, role=Membership.Role.STUDENT)
    if group_id is not None:
        students = students.filter(group_id=group_id)
    return students.values("user_id")


def students_of(classroom_id, group_id=None) -> list[User]:
    """The class's students (of one group, if given), each with `group_name`: their small
    group's name, or None (in the same query)."""
    group_name = Membership.objects.filter(
        classroom_id=classroom_id, user_id=OuterRef("pk")
    ).values("group__name")[:1]
    return list(
        User.objects.filter(pk__in=student_ids(classroom_id, group_id))
        .annotate(group_name=Subquery(group_name))
        .order_by("display_name")
    )


def best_work(assignment) -> dict[str, dict[int, Outline]]:
    """{kind: {student id: their most advanced outline of that kind}}, outlines and essay
    drafts alike, each with `score_total`, `first_submitted`, `last_submitted`,
    `oldest_open` (the oldest open comment) and `released_at` (the per-student release), in
    one query. Every figure is its own subquery, so none multiplies another."""

    def first(queryset, column):
        return Subquery(queryset.values(column)[:1])

    def evidence(source):
        # Whose thinking the outline's evidence is (issue 18), counted in the same query.
        counted = (
            Evidence.objects.filter(section__outline=OuterRef("pk"), source=source)
            .order_by()
            .values("section__outline")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted[:1]), 0)

    outlines = (
        Outline.objects.filter(
            assignment=assignment,
            author_id__in=student_ids(assignment.classroom_id),
        )
        .only("pk", "author_id", "status", "kind", "updated_at", "assignment_id", "judgements")
        .with_score_total()
        .with_submission_times()
        .annotate(
            oldest_open=first(
                FeedbackComment.objects.filter(
                    outline=OuterRef("pk"), state=FeedbackComment.State.OPEN
                ).order_by("created_at"),
                "created_at",
            ),
            released_at=F("review__released_at"),
            own_evidence=evidence(Evidence.Source.OWN),
            classmate_evidence=evidence(Evidence.Source.CLASSMATE),
            table_evidence=evidence(Evidence.Source.TABLE),
        )
        .order_by("updated_at", "pk")
    )
    best = {kind: {} for kind in Outline.Kind.values}
    for outline in outlines:
        mine = best[outline.kind]
        current = mine.get(outline.author_id)
        if current is None or STATUS_RANK[outline.status] >= STATUS_RANK[current.status]:
            mine[outline.author_id] = outline
    return best


def best_outlines(assignment) -> dict[int, Outline]:
    """{student id: their most advanced outline} (drafts left out); see `best_work`."""
    return best_work(assignment)[Outline.Kind.OUTLINE]


def counted_annotations(assignment, viewer, group_id=None):
    """What the figures count: the class's students' annotations and replies that this
    teacher may see (of one group's students, if given), never private ones and never
    deleted stubs."""
    return (
        Annotation.objects.filter(
            assignment=assignment,
            is_deleted=False,
            author_id__in=student_ids(assignment.classroom_id, group_id),
        )
        .filter(visibility_condition(viewer, is_teacher=True))
        .exclude(visibility=Annotation.Visibility.PRIVATE)
    )


# --- the dashboard -----------------------------------------------------------------------


@dataclass
class Bar:
    """One segment of a student's annotations-by-kind bar, in a 0–100 wide SVG."""

    kind: str
    label: str
    count: int
    x: float
    width: float


@dataclass
class StudentFigures:
    student: User
    kinds: list[tuple[str, str, int]]  # (kind, label, count), in Annotation.Kind order
    annotations: int
    dimensions: int
    subjects: int
    replies: int
    last_active: datetime | None
    outline: Outline | None
    due_at: datetime
    late: str
    draft: Outline | None = None
    draft_late: str = ""
    stuck: str = ""  # why, in plain words; "" if not stuck
    bars: list[Bar] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.outline.status if self.outline else NO_OUTLINE

    @property
    def status_label(self) -> str:
        return self.outline.get_status_display() if self.outline else NO_OUTLINE_LABEL

    @property
    def score(self) -> int | None:
        return self.outline.score_total if self.outline else None

    @property
    def draft_status_label(self) -> str:
        return self.draft.get_status_display() if self.draft else NO_DRAFT_LABEL

    @property
    def draft_score(self) -> int | None:
        return self.draft.score_total if self.draft else None

    @property
    def not_started(self) -> bool:
        return not self.annotations and not self.replies and self.outline is None

    @property
    def kinds_summary(self) -> str:
        return ", ".join(f"{count} {label.lower()}" for _, label, count in self.kinds)


@dataclass
class Cell:
    subject: object
    count: int
    evidence: int
    level: int


@dataclass
class Figures:
    assignment: object
    students: list[StudentFigures]
    sections: list  # reading_layout's sections; each passage has .number, .count, .level
    subjects: list
    matrix: list[tuple[object, list[Cell]]]  # (dimension, cells in subject order)
    dimension_count: int
    kinds: list[tuple[str, str]]  # Annotation.Kind choices, the table's columns
    status_counts: list[tuple[str, str, int]]  # (status, label, students)
    draft_status_counts: list[tuple[str, str, int]]  # the same for essay drafts
    status_bars: list[Bar]
    passage_legend: list[tuple[int, str]]  # (level, "3–4")
    cell_legend: list[tuple[int, str]]
    max_points: int | None
    orphaned: int = 0  # annotations whose paragraph is no longer in the text

    @property
    def not_started(self) -> list[StudentFigures]:
        return [row for row in self.students if row.not_started]

    @property
    def stuck(self) -> list[StudentFigures]:
        return [row for row in self.students if row.stuck]


def heat_level(count: int, top: int) -> int:
    """0 for nothing, else 1..HEAT_LEVELS by the share of the busiest item's count."""
    if count <= 0 or top <= 0:
        return 0
    return max(1, math.ceil(HEAT_LEVELS * count / top))


def heat_legend(top: int) -> list[tuple[int, str]]:
    """The count range each shade stands for, e.g. [(0, "0"), (1, "1–2"), (2, "3–4"), …]."""
    legend = [(0, "0")]
    for level in range(1, HEAT_LEVELS + 1):
        low = math.floor(top * (level - 1) / HEAT_LEVELS) + 1
        high = math.floor(top * level / HEAT_LEVELS)
        if top and low <= high:
            legend.append((level, str(low) if low == high else f"{low}–{high}"))
    return legend


def stuck_reason(row: StudentFigures, assignment, now: datetime) -> str:
    """The dashboard's "stuck" rule (see the module docstring), as the reason shown."""
    outline = row.outline
    if outline is None:
        started = row.annotations or row.replies
        if started and now >= row.due_at - timedelta(days=STUCK_NO_OUTLINE_DAYS):
            when = "was due" if now > row.due_at else "is due"
            return f"Has annotations but no outline, which {when} {_date(row.due_at)}."
        return ""
    if outline.status != Outline.Status.RETURNED or outline.oldest_open is None:
        return ""
    if not (assignment.feedback_released or outline.released_at):
        return ""
    since = outline.oldest_open
    if not assignment.feedback_released:
        since = max(since, outline.released_at)
    days = (now - since).days
    if now - since > timedelta(days=STUCK_OPEN_COMMENT_DAYS):
        return f"Returned, with a comment still open after {days} days."
    return ""


def _date(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M")


def _bars(kinds, widest: int) -> list[Bar]:
    bars, x = [], 0.0
    for kind, label, count in kinds:
        if count:
            width = 100 * count / widest
            bars.append(Bar(kind, label, count, round(x, 2), round(width, 2)))
            x += width
    return bars


def figures(assignment, viewer, *, group_id=None, now: datetime | None = None) -> Figures:
    """Everything the class dashboard shows for one assignment, in a fixed number of queries:
    students, annotations per student, outlines, extensions, rubric points, annotations per
    paragraph, annotations per matrix cell, and the text's layout (`for_reading`). With
    `group_id`, the students and the counts are that small group's alone."""
    now = now or timezone.now()
    students = students_of(assignment.classroom_id, group_id)  # 1
    counted = counted_annotations(assignment, viewer, group_id)
    top = Q(parent__isnull=True)
    kinds = list(Annotation.Kind.choices)
    per_kind = {
        f"kind_{kind}": Count("pk", filter=top & Q(kind=kind), distinct=True) for kind, _ in kinds
    }
    by_author = {
        row["author_id"]: row
        for row in counted.values("author_id")
        .annotate(
            **per_kind,
            annotations=Count("pk", filter=top, distinct=True),
            replies=Count("pk", filter=Q(parent__isnull=False), distinct=True),
            dimensions=Count("dimension", filter=top, distinct=True),
            subjects=Count("subjects", filter=top, distinct=True),
            last_active=Max("created_at"),
        )
        .order_by()
    }  # 2
    work = best_work(assignment)  # 3: outlines and drafts
    outlines, drafts = work[Outline.Kind.OUTLINE], work[Outline.Kind.DRAFT]
    extended = due_dates(assignment)  # 4
    max_points = _max_points(assignment)  # 5

    rows = []
    for student in students:
        counts = by_author.get(student.pk, {})
        due_at = extended.of(student.pk)
        outline = outlines.get(student.pk)
        row = StudentFigures(
            student=student,
            kinds=[(kind, label, counts.get(f"kind_{kind}", 0)) for kind, label in kinds],
            annotations=counts.get("annotations", 0),
            dimensions=counts.get("dimensions", 0),
            subjects=counts.get("subjects", 0),
            replies=counts.get("replies", 0),
            last_active=counts.get("last_active"),
            outline=outline,
            due_at=due_at,
            late=lateness(outline, due_at, now),
            draft=drafts.get(student.pk),
        )
        if row.draft is not None:
            row.draft_late = lateness(row.draft, due_at, now)
        row.stuck = stuck_reason(row, assignment, now)
        rows.append(row)
    widest = max((row.annotations for row in rows), default=0)
    for row in rows:
        row.bars = _bars(row.kinds, widest) if widest else []

    per_passage = dict(
        counted.filter(top)
        .values("passage_id")
        .annotate(n=Count("pk"))
        .values_list("passage_id", "n")
        .order_by()
    )  # 6
    per_cell = {
        (row["dimension_id"], row["subjects"]): row
        for row in counted.filter(top, dimension__isnull=False, subjects__isnull=False)
        .values("dimension_id", "subjects")
        .annotate(
            n=Count("pk", distinct=True),
            evidence=Count("pk", filter=Q(kind=Annotation.Kind.EVIDENCE), distinct=True),
        )
        .order_by()
    }  # 7
    layout = reading_layout(
        Comparison.objects.for_reading().get(pk=assignment.comparison_id)
    )  # 8–14

    orphaned = per_passage.pop(None, 0)  # their paragraph was removed from the text
    busiest = max(per_passage.values(), default=0)
    for section in layout["sections"]:
        for passage in section.numbered_passages:
            passage.count = per_passage.get(passage.pk, 0)
            passage.level = heat_level(passage.count, busiest)

    fullest = max((row["n"] for row in per_cell.values()), default=0)
    matrix = []
    for matrix_row in layout["matrix"]:
        cells = []
        for subject, _ in matrix_row.cells:
            found = per_cell.get((matrix_row.dimension.pk, subject.pk), {})
            count = found.get("n", 0)
            cells.append(Cell(subject, count, found.get("evidence", 0), heat_level(count, fullest)))
        matrix.append((matrix_row.dimension, cells))

    statuses = [(NO_OUTLINE, NO_OUTLINE_LABEL), *Outline.Status.choices]
    status_counts = [
        (value, label, sum(1 for row in rows if row.status == value)) for value, label in statuses
    ]
    draft_statuses = [(NO_OUTLINE, NO_DRAFT_LABEL), *Outline.Status.choices]
    draft_status_counts = [
        (
            value,
            label,
            sum(1 for row in rows if (row.draft.status if row.draft else NO_OUTLINE) == value),
        )
        for value, label in draft_statuses
    ]
    return Figures(
        assignment=assignment,
        students=rows,
        sections=layout["sections"],
        subjects=layout["subjects"],
        matrix=matrix,
        dimension_count=len(layout["matrix"]),
        kinds=kinds,
        status_counts=status_counts,
        draft_status_counts=draft_status_counts,
        status_bars=_bars(status_counts, len(rows)) if rows else [],
        passage_legend=heat_legend(busiest),
        cell_legend=heat_legend(fullest),
        max_points=max_points,
        orphaned=orphaned,
    )


def _max_points(assignment) -> int | None:
    """The rubric's highest possible total, or None before the assignment has a rubric."""
    best = (
        Level.objects.filter(criterion__rubric__assignment=assignment)
        .values("criterion")
        .annotate(best=Max("points"))
        .order_by()
    )
    tops = [row["best"] for row in best]
    return sum(tops) if tops else None


def pick_assignment(assignments, raw, *, now=None):
    """The assignment named by `?assignment=` (None if it is not one of these), else the next
    one due, else the one due last."""
    if raw:
        return next((a for a in assignments if str(a.pk) == raw), None)
    now = now or timezone.now()
    upcoming = [a for a in assignments if a.due_at >= now]
    if upcoming:
        return min(upcoming, key=lambda a: (a.due_at, a.pk))
    return max(assignments, key=lambda a: (a.due_at, a.pk), default=None)
