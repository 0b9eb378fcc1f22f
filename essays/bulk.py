"""Working on the whole class at once: the submissions page's bulk return, accept and release,
and every submitted essay as one ZIP of Word files.

A bulk action is the single action repeated, one student at a time, through the same
function the review page uses (essays.feedback.outline_transition, review_release), each in
its own transaction: so the permission and status rules hold for every item, one refusal
does not undo the others, and the teacher is told which went through and why others did not.
"""

import io
import zipfile
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.text import slugify

from counterpoint import permissions
from counterpoint.lib.errors import NotAllowed
from essays import feedback
from essays.dashboard import best_work, students_of
from essays.draft_exports import FORMATS as DRAFT_FORMATS
from essays.exports import FORMATS as OUTLINE_FORMATS
from essays.exports import clean
from essays.models import InvalidTransition, Outline, OutlineSection

ACTIONS = {
    "return": "Returned for revision",
    "accept": "Accepted",
    "release": "Feedback released",
}
MAX_ZIP_FILES = 500  # a class, or a year group of classes; a bigger one is refused plainly
MAX_ZIP_BYTES = 200 * 1024 * 1024


@dataclass
class Outcome:
    student: object
    done: bool
    reason: str = ""


def bulk_apply(*, assignment, user, action: str, student_ids, kind: str) -> list[Outcome]:
    """Do `action` (return, accept, release) to each chosen student's most advanced piece of
    work of `kind` (outline or draft). Students outside the class are left out: the form
    only offers the class's students."""
    if action not in ACTIONS:
        raise NotAllowed("Choose return, accept or release.")
    wanted = set(student_ids)
    students = [s for s in students_of(assignment.classroom_id) if s.pk in wanted]
    work = best_work(assignment)[kind]
    label = "essay draft" if kind == Outline.Kind.DRAFT else "outline"
    outcomes = []
    for student in students:
        item = work.get(student.pk)
        if item is None:
            outcomes.append(Outcome(student, False, f"No {label} yet."))
            continue
        item.assignment = assignment  # the rules read its class; spare a query per item
        try:
            _one(user, item, action)
        except (NotAllowed, InvalidTransition) as refusal:
            outcomes.append(Outcome(student, False, str(refusal)))
        else:
            outcomes.append(Outcome(student, True))
    return outcomes


def _one(user, item, action):
    if not permissions.can_moderate(user, item):
        raise NotAllowed("You do not teach this student's class.")
    if action == "release":
        feedback.review_release(outline=item)
    else:
        feedback.outline_transition(outline=item, action=action)


# --- the ZIP --------------------------------------------------------------------------


def handed_in(assignment, kind: str):
    """Each student's most advanced handed-in work of `kind` (not a draft never submitted),
    loaded for the Word export: sections and evidence, author and assignment."""
    best = best_work(assignment)[kind]
    ids = [item.pk for item in best.values() if item.status != Outline.Status.DRAFT]
    return list(
        Outline.objects.filter(pk__in=ids)
        .select_related("author", "assignment__comparison", "assignment__classroom")
        .prefetch_related(
            Prefetch("sections", queryset=OutlineSection.objects.prefetch_related("evidence"))
        )
        .order_by("author__display_name", "author_id")
    )


def zip_filename(used: set[str], display_name: str, kind: str) -> str:
    """`maya-lopez_draft.docx`: the student's name as a safe ASCII slug (a name with no
    Latin letters becomes "student"), made unique within the archive with -2, -3, …"""
    stem = slugify(clean(display_name))[:40].strip("-") or "student"
    name, n = f"{stem}_{kind}.docx", 1
    while name in used:
        n += 1
        name = f"{stem}-{n}_{kind}.docx"
    used.add(name)
    return name


def submissions_zip(assignment, kind: str) -> tuple[bytes, int]:
    """Every handed-in piece of work of `kind` as a Word file, in one ZIP: (bytes, count)."""
    items = handed_in(assignment, kind)
    if len(items) > MAX_ZIP_FILES:
        raise NotAllowed(f"That is more than {MAX_ZIP_FILES} files; download them by class.")
    render = (DRAFT_FORMATS if kind == Outline.Kind.DRAFT else OUTLINE_FORMATS)["docx"][0]
    buffer, used, total = io.BytesIO(), set(), 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            document = render(item)
            total += len(document)
            if total > MAX_ZIP_BYTES:
                raise NotAllowed("The files are too large for one download.")
            archive.writestr(zip_filename(used, item.author.display_name, kind), document)
    return buffer.getvalue(), len(items)
