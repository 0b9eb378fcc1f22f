"""Writes that span several comparison models at once."""

from django.conf import settings
from django.db import transaction

from comparisons.importer import ParsedComparison
from comparisons.models import (
    Comparison,
    Contrast,
    Dimension,
    Passage,
    Section,
    Subject,
    SubjectColour,
)
from counterpoint.lib import ratelimit
from counterpoint.models import Assignment, User

RATE_LIMITED = (
    "You are creating comparisons very quickly. Wait a minute, then try again: "
    "what you wrote is still here."
)


def may_create(user) -> bool:
    """The per-person rate limit on new comparisons, written or imported (the same counter
    and helper as the one on notes, annotations.services.may_post)."""
    return ratelimit.allow(f"comparison:{user.pk}", limit=settings.COMPARISON_RATE_LIMIT, window=60)


@transaction.atomic
def comparison_import(*, parsed: ParsedComparison, author, publish: bool = False) -> Comparison:
    """Save a parsed article as a new comparison, all of it or nothing.

    Importing the same article twice makes two comparisons: an import is a starting point the
    teacher goes on to edit, not a sync.
    """
    if not parsed.ok:
        messages = "; ".join(problem.message for problem in parsed.errors)
        raise ValueError(f"Cannot import an article with errors: {messages}")

    comparison = Comparison.objects.create(
        title=parsed.title, question=parsed.question, summary=parsed.summary, author=author
    )
    colours = list(SubjectColour)
    subjects = Subject.objects.bulk_create(
        Subject(comparison=comparison, name=name, colour=colours[order % len(colours)], order=order)
        for order, name in enumerate(parsed.subjects)
    )
    dimensions = Dimension.objects.bulk_create(
        Dimension(comparison=comparison, name=name, order=order)
        for order, name in enumerate(parsed.dimensions)
    )
    subject_by_name = {subject.name: subject for subject in subjects}
    dimension_by_name = {dimension.name: dimension for dimension in dimensions}
    Contrast.objects.bulk_create(
        Contrast(
            dimension=dimension_by_name[dimension],
            subject=subject_by_name[subject],
            statement=statement,
        )
        for (dimension, subject), statement in parsed.contrasts.items()
    )
    _create_sections(comparison, parsed, dimension_by_name)
    if publish:
        comparison.publish()
    return comparison


def _create_sections(
    comparison: Comparison, parsed: ParsedComparison, dimension_by_name: dict[str, Dimension]
) -> None:
    """Sections, their passages, and the passages' dimension tags, in three bulk inserts."""
    sections = Section.objects.bulk_create(
        Section(comparison=comparison, heading=section.heading, order=order)
        for order, section in enumerate(parsed.sections)
    )
    pairs = [
        (Passage(section=section, text=passage.text, order=order), passage.dimensions)
        for section, parsed_section in zip(sections, parsed.sections, strict=True)
        for order, passage in enumerate(parsed_section.passages)
    ]
    Passage.objects.bulk_create(passage for passage, _ in pairs)
    PassageDimension = Passage.dimensions.through
    PassageDimension.objects.bulk_create(
        PassageDimension(passage_id=passage.pk, dimension_id=dimension_by_name[name].pk)
        for passage, names in pairs
        for name in names
    )


@transaction.atomic
def comparison_copy(*, comparison: Comparison, author) -> Comparison:
    """A deep copy of `comparison` that `author` owns: details, subjects, dimensions, matrix
    cells, sections, passages and the passages' dimension tags. It starts as the author's
    unpublished draft and keeps a `based_on` link to the original for its credit line."""
    copy = Comparison.objects.create(
        title=comparison.title,
        question=comparison.question,
        summary=comparison.summary,
        successive=comparison.successive,
        author=author,
        based_on=comparison,
    )
    subjects = {}
    for subject in comparison.subjects.all():
        subjects[subject.pk] = Subject(
            comparison=copy, name=subject.name, colour=subject.colour, order=subject.order
        )
    Subject.objects.bulk_create(subjects.values())
    dimensions = {}
    for dimension in comparison.dimensions.all():
        dimensions[dimension.pk] = Dimension(
            comparison=copy, name=dimension.name, order=dimension.order
        )
    Dimension.objects.bulk_create(dimensions.values())
    Contrast.objects.bulk_create(
        Contrast(
            dimension=dimensions[cell.dimension_id],
            subject=subjects[cell.subject_id],
            statement=cell.statement,
        )
        for cell in Contrast.objects.filter(dimension__comparison=comparison)
    )
    sections = {}
    for section in comparison.sections.all():
        sections[section.pk] = Section(
            comparison=copy, heading=section.heading, order=section.order
        )
    Section.objects.bulk_create(sections.values())
    passages = {}
    for passage in Passage.objects.filter(section__comparison=comparison):
        passages[passage.pk] = Passage(
            section=sections[passage.section_id], text=passage.text, order=passage.order
        )
    Passage.objects.bulk_create(passages.values())
    PassageDimension = Passage.dimensions.through
    PassageDimension.objects.bulk_create(
        PassageDimension(
            passage_id=passages[tag.passage_id].pk, dimension_id=dimensions[tag.dimension_id].pk
        )
        for tag in PassageDimension.objects.filter(passage__section__comparison=comparison)
    )
    return copy


@transaction.atomic
def assignment_create(*, assignment: Assignment, teacher) -> Assignment:
    """Save a new assignment (its class, comparison and settings filled in by the caller).

    A teacher assigns only what they wrote: a comparison by anyone else is copied first, and
    the class reads the copy, so nobody else can ever change the text the class reads."""
    if assignment.comparison.author_id != teacher.pk:
        assignment.comparison = comparison_copy(comparison=assignment.comparison, author=teacher)
    assignment.save()
    return assignment


def comparisons_leave(*, author) -> None:
    """An account is being deleted: a comparison a class reads stays for that class,
    credited to "Former student"; the author's other drafts go."""
    former = User.objects.former_student()
    mine = Comparison.objects.filter(author=author)
    mine.filter(assignments__isnull=False).update(author=former)
    mine.delete()
