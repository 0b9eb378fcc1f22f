"""Making annotations in tests, with selectors that match their passage."""

from annotations import anchoring
from annotations.models import Annotation


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
