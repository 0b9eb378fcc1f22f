"""Small groups within a class: splitting a class, moving students, and the whole-class view.

A class with groups reads in groups: each student sees their group's annotations and their
teachers' (counterpoint.models.reading_scope decides, the annotations' visibility rule
applies it). A student is in at most one group of a class, because the group is a field of
their one membership of the class. These functions are the only writers of groups; each
raises NotAllowed (with the form field it is about) when the teacher's request cannot be
done, and the class page and any other channel only translate that.
"""

import random

from django.db import IntegrityError, transaction
from django.db.models import Count

from counterpoint.lib.errors import NotAllowed
from counterpoint.models import Classroom, Membership, StudyGroup

SIZE_MIN = 2
SIZE_MAX = 50
NAME_TAKEN = "Another group in this class has that name. Choose a different one."


def group_count(students: int, size: int) -> int:
    """How many groups of about `size` make `students`: the nearest whole number, at least
    one. Balanced groups then differ by at most one student, so every group stays within
    a third of the size asked for once the class has a few groups (e.g. 300 students at
    15 make 20 groups of 15; 31 at 15 make 2 groups of 15 and 16, not 3 of 10 or 11)."""
    if students <= 0:
        return 0
    return max(1, round(students / size))


def deal(people: list, groups: int) -> list[list]:
    """`people` in `groups` consecutive runs whose lengths differ by at most one, the longer
    runs first: in name order, each group is a stretch of the alphabet."""
    base, extra = divmod(len(people), groups)
    runs, start = [], 0
    for index in range(groups):
        end = start + base + (1 if index < extra else 0)
        runs.append(people[start:end])
        start = end
    return runs


def _students(classroom: Classroom):
    return classroom.memberships.filter(role=Membership.Role.STUDENT).select_related("user")


@transaction.atomic
def groups_split(
    *, classroom: Classroom, size: int, shuffle: bool, seed: int | None = None
) -> list[StudyGroup]:
    """Replace the class's groups with new ones of about `size` students, balanced. With
    `shuffle`, students are mixed at random (`seed` makes that repeatable, for tests);
    otherwise they are taken in name order, so the same class always splits the same way."""
    if not SIZE_MIN <= size <= SIZE_MAX:
        raise NotAllowed(
            f"Choose a group size from {SIZE_MIN} to {SIZE_MAX} students.", field="size"
        )
    students = list(_students(classroom).order_by("user__display_name", "user_id"))
    if not students:
        raise NotAllowed("The class has no students to split yet.", field="size")
    if shuffle:
        random.Random(seed).shuffle(students)  # noqa: S311 - fairness, not secrecy
    classroom.groups.all().delete()  # memberships keep their rows: group becomes empty
    made = []
    for number, run in enumerate(deal(students, group_count(len(students), size)), start=1):
        group = StudyGroup.objects.create(classroom=classroom, name=f"Group {number}")
        Membership.objects.filter(pk__in=[m.pk for m in run]).update(group=group)
        made.append(group)
    return made


def _next_name(classroom: Classroom) -> str:
    taken = set(classroom.groups.values_list("name", flat=True))
    number = len(taken) + 1
    while f"Group {number}" in taken:
        number += 1
    return f"Group {number}"


@transaction.atomic
def group_add(*, classroom: Classroom, name: str = "") -> StudyGroup:
    name = name.strip() or _next_name(classroom)
    try:
        with transaction.atomic():
            return StudyGroup.objects.create(classroom=classroom, name=name)
    except IntegrityError:
        raise NotAllowed(NAME_TAKEN, field="name") from None


@transaction.atomic
def group_rename(*, group: StudyGroup, name: str) -> StudyGroup:
    name = name.strip()
    if not name:
        raise NotAllowed("Give the group a name.", field="name")
    if group.classroom.groups.exclude(pk=group.pk).filter(name=name).exists():
        raise NotAllowed(NAME_TAKEN, field="name")
    group.name = name
    group.save(update_fields=["name"])
    return group


@transaction.atomic
def group_remove(*, group: StudyGroup) -> int:
    """Remove a group; its students stay in the class with no group. Returns how many."""
    members = group.memberships.count()
    group.delete()  # Membership.group is SET_NULL
    return members


@transaction.atomic
def students_move(*, classroom: Classroom, membership_ids, group: StudyGroup | None) -> int:
    """Put these students of the class into `group` (None: no group). Returns how many
    moved. Ids of anyone else (teachers, other classes) are refused, not skipped."""
    if group is not None and group.classroom_id != classroom.pk:
        raise NotAllowed("That group belongs to another class.", field="to")
    ids = set(membership_ids)
    if not ids:
        raise NotAllowed("Tick the students to move first.", field="students")
    students = _students(classroom).filter(pk__in=ids)
    if students.count() != len(ids):
        raise NotAllowed("Only students of this class can be put in its groups.", field="students")
    return students.update(group=group)


@transaction.atomic
def students_place(*, classroom: Classroom) -> int:
    """Put each student without a group into the smallest group (ties: the first made), so
    students who joined after the split are spread evenly. Returns how many were placed."""
    sizes = {
        group.pk: group.size
        for group in classroom.groups.annotate(size=Count("memberships")).order_by("pk")
    }
    if not sizes:
        raise NotAllowed("Make groups first: split the class or add a group.")
    waiting = list(
        _students(classroom).filter(group__isnull=True).order_by("user__display_name", "pk")
    )
    for membership in waiting:
        smallest = min(sizes, key=lambda pk: (sizes[pk], pk))
        sizes[smallest] += 1
        Membership.objects.filter(pk=membership.pk).update(group_id=smallest)
    return len(waiting)


def whole_class_allow(*, classroom: Classroom, allowed: bool) -> None:
    """Whether students may switch to the whole class. Turning it off sends everyone back
    to their group (their choice is kept, and counts again if it is turned back on)."""
    classroom.students_may_see_whole_class = allowed
    classroom.save(update_fields=["students_may_see_whole_class"])


def whole_class_choose(*, membership: Membership, whole_class: bool) -> None:
    """A student's own choice between their group and the whole class, kept for next time."""
    if membership.role != Membership.Role.STUDENT:
        raise NotAllowed("Only students read in groups.")
    if whole_class and not membership.classroom.students_may_see_whole_class:
        raise NotAllowed("Your teacher keeps this class in its groups.")
    membership.sees_whole_class = whole_class
    membership.save(update_fields=["sees_whole_class"])
