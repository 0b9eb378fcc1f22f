"""Making annotations in tests, with selectors that match their passage."""

from annotations import anchoring
from annotations.models import Annotation, Tag
from tests.factories import MembershipFactory, UserFactory


def first_passage(assignment):
    return (
        assignment.comparison.sections.order_by("order").first().passages.order_by("order").first()
    )


def annotate(assignment, author, *, passage=None, quote=None, **fields):
    """An annotation on `quote` (default: the passage's first word) with valid selectors."""
    passage = passage or first_passage(assignment)
    quote = quote or passage.text.split()[0]
    start = passage.text.index(quote)
    selector = anchoring.selector_for(passage.text, start, start + len(quote))
    defaults = {"body": "A note", "kind": Annotation.Kind.EVIDENCE}
    defaults.update(fields)
    subjects = defaults.pop("subjects", [])
    annotation = Annotation.objects.create(
        assignment=assignment,
        passage=passage,
        author=author,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        start=selector.start,
        end=selector.end,
        **defaults,
    )
    annotation.subjects.set(subjects)
    return annotation


def selection_post(passage, quote, **fields):
    """The form data the reading page's script posts for a selection of `quote`."""
    start = passage.text.index(quote)
    selector = anchoring.selector_for(passage.text, start, start + len(quote))
    data = {
        "passage": passage.pk,
        "exact": selector.exact,
        "prefix": selector.prefix,
        "suffix": selector.suffix,
        "start": selector.start,
        "end": selector.end,
        "body": "My note",
        "kind": "evidence",
        "visibility": "class",
        "tags": "",
    }
    data.update(fields)
    return data


def bulk_annotations(assignment, count, authors):
    passage = first_passage(assignment)
    stalin = assignment.comparison.subjects.order_by("order").first()
    rows = Annotation.objects.bulk_create(
        [
            Annotation(
                assignment=assignment,
                passage=passage,
                author=authors[i % len(authors)],
                exact="Paragraph",
                start=0,
                end=9,
                suffix=passage.text[9:41],
                body=f"Note {i}",
                visibility="class",
            )
            for i in range(count)
        ]
    )
    Annotation.subjects.through.objects.bulk_create(
        [Annotation.subjects.through(annotation_id=row.pk, subject_id=stalin.pk) for row in rows]
    )
    Tag.objects.bulk_create([Tag(annotation=row, name="t") for row in rows])
    replies = Annotation.objects.bulk_create(
        [
            Annotation(
                assignment=assignment,
                passage=passage,
                author=authors[0],
                parent=row,
                body="reply",
                visibility="class",
            )
            for row in rows[:: max(1, count // 50)]
        ]
    )
    return rows, replies


def class_with_annotations(assignment, classroom, student, count):
    """A class of 40 (`student` and 39 classmates) who wrote `count` annotations between
    them, with tags and some replies: for query budgets that must not grow with the class."""
    students = [student] + [UserFactory() for _ in range(39)]
    for user in students[1:]:
        MembershipFactory(user=user, classroom=classroom, role="student")
    return bulk_annotations(assignment, count, students)
