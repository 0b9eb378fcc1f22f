"""Writes that span several comparison models at once."""

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
