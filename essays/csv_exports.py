"""CSV exports for teachers: an assignment's gradebook and its annotations.

Both open cleanly in a spreadsheet: UTF-8 with a byte-order mark (so Excel reads accents and
curly quotes), and every cell that a spreadsheet would read as a formula (starting with =, +,
-, @, a tab or a carriage return) gets a leading apostrophe, so a student who writes
`=HYPERLINK(...)` in a note cannot run it on the teacher's machine.
"""

import csv
import io

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from annotations import participation
from annotations.models import Annotation, visibility_condition
from comparisons.models import Passage
from counterpoint.models import Membership
from essays.dashboard import best_work, student_ids, students_of
from essays.feedback import rubric_for
from essays.models import Outline, Score, due_dates, lateness
from essays.rubrics import weighted_total

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ORPHANED = "orphaned: no longer in the text"  # the Paragraph of a note whose paragraph went
DATE_FORMAT = "%Y-%m-%d %H:%M"


def neutralise(value) -> str:
    """The cell as text, with an apostrophe in front if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _when(moment) -> str:
    return timezone.localtime(moment).strftime(DATE_FORMAT) if moment else ""


def handed_in(assignment) -> list[tuple[str, str]]:
    """(kind, label) of what the assignment asks students to hand in, in order."""
    steps = assignment.Steps
    kinds = {
        steps.OUTLINE: [Outline.Kind.OUTLINE],
        steps.DRAFT: [Outline.Kind.DRAFT],
    }.get(assignment.steps, [Outline.Kind.OUTLINE, Outline.Kind.DRAFT])
    return [(kind, WORK_LABELS[kind]) for kind in kinds]


WORK_LABELS = {Outline.Kind.OUTLINE: "Outline", Outline.Kind.DRAFT: "Draft"}


def gradebook_rows(assignment, *, now=None) -> list[list]:
    """A header, then one row per student of the class. For each piece of work the assignment
    asks for (the outline, the essay draft, or both): the status of the student's most
    advanced one, when it was first submitted, whether that was late (against their due date,
    with any extension: "yes", "no", "overdue" when not submitted after the due date, blank
    before it), the points per rubric criterion (in the rubric's order, weighted ones named
    with their weight), the total of points and the weighted percentage
    (essays.rubrics.weighted_total). Then the student's participation on the reading page
    (annotations.participation: notes by kind, replies, helpful marks received) and, when the
    assignment sets a reading goal, whether they met it. A fixed number of queries (pinned in
    tests/essays/test_csv.py)."""
    now = now or timezone.now()
    criteria = list(rubric_for(assignment).criteria.prefetch_related("levels"))
    students = students_of(assignment.classroom_id)
    work = best_work(assignment)
    extended = due_dates(assignment)
    scored = [item.pk for kind in work.values() for item in kind.values()]
    points = {
        (outline_id, criterion_id): value
        for outline_id, criterion_id, value in Score.objects.filter(
            outline_id__in=scored
        ).values_list("outline_id", "criterion_id", "points")
    }
    kinds = handed_in(assignment)
    header = ["Student"]
    for _, label in kinds:
        header += [
            f"{label} status",
            f"{label} submitted at",
            f"{label} late",
            *(criterion_column(label, c) for c in criteria),
            f"{label} total",
            f"{label} weighted %",
        ]
    goal = participation.goal_for(assignment)
    counts = participation.counts_by_author(assignment, student_ids(assignment.classroom_id))
    header += [label for _, label in PARTICIPATION_COLUMNS]
    if goal is not None and goal.is_set:
        header.append("Reading goal met")
    # A class with groups gets a Group column after the name (no query: students_of has it).
    grouped = any(student.group_name for student in students)
    if grouped:
        header.insert(1, "Group")
    rows = [header]
    for student in students:
        due_at = extended.of(student.pk)
        row = [student.display_name] + ([student.group_name or ""] if grouped else [])
        for kind, label in kinds:
            item = work[kind].get(student.pk)
            mine = {
                c.pk: points[item.pk, c.pk]
                for c in criteria
                if (item and (item.pk, c.pk) in points)
            }
            row += [
                item.get_status_display() if item else f"No {label.lower()}",
                _when(item.first_submitted) if item else "",
                lateness(item, due_at, now),
                *(_blank(mine.get(c.pk)) for c in criteria),
                _blank(item.score_total if item else None),
                _blank(weighted_total(mine, criteria)),
            ]
        record = counts.get(student.pk, participation.Counts())
        row += [getattr(record, key) for key, _ in PARTICIPATION_COLUMNS]
        if goal is not None and goal.is_set:
            row.append("yes" if participation.progress(goal, record).met else "no")
        rows.append(row)
    return rows


def criterion_column(label: str, criterion) -> str:
    """ "Outline: Evidence", or "Outline: Evidence (weight 2)" when it is weighted."""
    weight = "" if criterion.weight == 1 else f" (weight {criterion.weight})"
    return f"{label}: {criterion.name}{weight}"


# Each student's participation record on the reading page (annotations.participation).
PARTICIPATION_COLUMNS = [
    ("evidence", "Evidence notes"),
    ("questions", "Questions"),
    ("comments", "Comments"),
    ("replies", "Replies to classmates"),
    ("helpful", "Helpful marks received"),
]


def _blank(value):
    return "" if value is None else value


def annotation_rows(assignment, viewer) -> list[list]:
    """A header, then every annotation in the assignment as this teacher sees it, in text
    order, leaving out private ones (a student's private notes are theirs alone), replies
    (counted on their annotation, leaving out private replies, which are one student's) and
    deleted stubs. A fixed number of queries."""
    numbers = {
        pk: number
        for number, pk in enumerate(
            Passage.objects.filter(section__comparison=assignment.comparison_id)
            .order_by("section__order", "section__pk", "order", "pk")
            .values_list("pk", flat=True),
            start=1,
        )
    }
    private = Annotation.Visibility.PRIVATE
    group_name = Membership.objects.filter(
        classroom_id=assignment.classroom_id, user_id=OuterRef("author_id")
    ).values("group__name")[:1]
    annotations = (
        Annotation.objects.filter(assignment=assignment, parent__isnull=True, is_deleted=False)
        .filter(visibility_condition(viewer, is_teacher=True))
        .exclude(visibility=private)
        .select_related("author", "dimension")
        .prefetch_related("subjects", "tags")
        .annotate(
            reply_count=Count(
                "replies",
                filter=Q(replies__is_deleted=False, replies__is_private_reply=False),
            ),
            author_group=Subquery(group_name),
        )
    )
    ordered = sorted(annotations, key=lambda a: (numbers.get(a.passage_id, 0), a.start or 0, a.pk))
    # A class with groups gets a Group column after the author (the author's group now).
    grouped = any(a.author_group for a in ordered)
    rows = [
        [
            "Author",
            "Kind",
            "Subjects",
            "Dimension",
            "Paragraph",
            "Quote",
            "Note",
            "Tags",
            "Visibility",
            "Hidden",
            "Created",
            "Replies",
        ]
    ]
    if grouped:
        rows[0].insert(1, "Group")
    for a in ordered:
        rows.append(
            [
                a.author.display_name,
                *([a.author_group or ""] if grouped else []),
                a.get_kind_display(),
                "; ".join(subject.name for subject in a.subjects.all()),
                a.dimension.name if a.dimension else "",
                numbers.get(a.passage_id, "") if a.passage_id else ORPHANED,
                a.exact,
                a.body,
                "; ".join(tag.name for tag in a.tags.all()),
                a.get_visibility_display(),
                "yes" if a.is_hidden else "",
                _when(a.created_at),
                a.reply_count,
            ]
        )
    return rows


def to_csv(rows) -> bytes:
    """UTF-8 with a byte-order mark, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def filename(assignment, what: str) -> str:
    return f"{slugify(f'{assignment.classroom.name} {assignment.comparison.title}')}-{what}.csv"


def csv_response(rows, name: str) -> HttpResponse:
    response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
