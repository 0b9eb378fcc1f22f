"""Participation: what each student did on the reading page, counted the one way every
channel shows it (the student's checklist, the class dashboard, the gradebook CSV), against
the assignment's reading goal. A record for the teacher to grade from, never a score.

What counts: a student's notes and replies that the class's teachers can see and that are
still up, so never a private note, never a deleted one, never one a teacher hid; a reply
counts only while its thread is up too, and only when it answers someone else (a reply to
one's own note is not a reply to a classmate). Helpful marks received are marks by other
people on notes that count. A student sees only their own counts.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q

from annotations.models import Annotation, Helpful, ReadingGoal
from counterpoint.lib.errors import NotAllowed
from counterpoint.models import Assignment

MAX_GOAL = 50


@dataclass
class Counts:
    evidence: int = 0
    questions: int = 0
    comments: int = 0
    replies: int = 0
    helpful: int = 0  # helpful marks received

    @property
    def notes(self) -> int:
        return self.evidence + self.questions + self.comments


@dataclass
class Item:
    """One line of a checklist: "Evidence notes: 1 of 2"."""

    key: str
    label: str
    have: int
    need: int

    @property
    def met(self) -> bool:
        return self.have >= self.need


@dataclass
class Progress:
    items: list[Item] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return all(item.met for item in self.items)

    @property
    def met_count(self) -> int:
        return sum(1 for item in self.items if item.met)


GOAL_FIELDS = [
    ("evidence", "Evidence notes"),
    ("questions", "Questions"),
    ("comments", "Comments"),
    ("replies", "Replies to classmates"),
]


def counted(assignment):
    """The notes and replies that count (see the module docstring)."""
    return (
        Annotation.objects.filter(assignment=assignment, is_deleted=False, is_hidden=False)
        .exclude(visibility=Annotation.Visibility.PRIVATE)
        .filter(
            Q(parent__isnull=True)
            | Q(parent__is_hidden=False, parent__is_deleted=False, is_private_reply=False)
        )
    )


def counts_by_author(assignment, author_ids=None, *, helpful: bool = True) -> dict[int, Counts]:
    """{author id: Counts} for the authors given (a list or a subquery; everyone if None), in
    one query, plus one for the helpful marks."""
    rows = counted(assignment)
    if author_ids is not None:
        rows = rows.filter(author_id__in=author_ids)
    top = Q(parent__isnull=True)
    kind = Annotation.Kind
    result = {
        row["author_id"]: Counts(
            evidence=row["evidence"],
            questions=row["questions"],
            comments=row["comments"],
            replies=row["replies"],
        )
        for row in rows.values("author_id")
        .annotate(
            evidence=Count("pk", filter=top & Q(kind=kind.EVIDENCE)),
            questions=Count("pk", filter=top & Q(kind=kind.QUESTION)),
            comments=Count("pk", filter=top & Q(kind=kind.COMMENT)),
            replies=Count("pk", filter=Q(parent__isnull=False) & ~Q(parent__author=F("author"))),
        )
        .order_by()
    }
    if helpful:
        marks = (
            Helpful.objects.filter(annotation__in=rows.filter(parent__isnull=True))
            .exclude(user=F("annotation__author"))
            .values("annotation__author_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in marks:
            result.setdefault(row["annotation__author_id"], Counts()).helpful = row["n"]
    return result


def goal_for(assignment) -> ReadingGoal | None:
    """The assignment's goal: no query when the assignment was loaded with it
    (select_related("reading_goal"), as the reading page loads it)."""
    if Assignment.reading_goal.related.is_cached(assignment):
        # None when it has none (what select_related found), which getattr turns into None.
        return getattr(assignment, "reading_goal", None)
    return ReadingGoal.objects.filter(assignment=assignment).first()


def progress(goal: ReadingGoal | None, counts: Counts) -> Progress:
    """The checklist: one item per thing the goal asks for (none when nothing is asked)."""
    if goal is None:
        return Progress()
    return Progress(
        [
            Item(key, label, getattr(counts, key), getattr(goal, key))
            for key, label in GOAL_FIELDS
            if getattr(goal, key)
        ]
    )


def progress_for_student(assignment, student) -> Progress:
    """This student's own checklist: two queries, one when the assignment sets no goal."""
    goal = goal_for(assignment)
    if goal is None or not goal.is_set:
        return Progress()
    counts = counts_by_author(assignment, [student.pk], helpful=False).get(student.pk, Counts())
    return progress(goal, counts)


@transaction.atomic
def goal_set(*, assignment, evidence: int, questions: int, comments: int, replies: int):
    """Set the assignment's reading goal (all zero: no goal)."""
    values = {"evidence": evidence, "questions": questions, "comments": comments}
    values["replies"] = replies
    for key, value in values.items():
        if not 0 <= value <= MAX_GOAL:
            raise NotAllowed(f"Ask for between 0 and {MAX_GOAL}.", field=key)
    goal, _ = ReadingGoal.objects.update_or_create(assignment=assignment, defaults=values)
    return goal


@dataclass
class Record:
    student: object
    counts: Counts
    progress: Progress


def class_record(assignment, students) -> tuple[ReadingGoal | None, list[Record]]:
    """Each student's counts and their progress against the goal, for the class dashboard:
    three queries however many students and notes there are."""
    goal = goal_for(assignment)
    counts = counts_by_author(assignment, [s.pk for s in students])
    rows = []
    for student in students:
        mine = counts.get(student.pk, Counts())
        rows.append(Record(student, mine, progress(goal, mine)))
    return goal, rows
