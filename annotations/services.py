"""Writes that touch several rows: creating annotations with their subjects and tags,
replies, helpful marks, and re-anchoring after a passage is edited."""

from django.db import transaction
from django.utils import timezone

from annotations import anchoring
from annotations.models import Annotation, Helpful, Tag


@transaction.atomic
def annotation_create(
    *,
    assignment,
    author,
    passage,
    exact: str,
    prefix: str,
    suffix: str,
    start: int,
    end: int,
    body: str,
    kind: str,
    subjects,
    dimension,
    tags: list[str],
    visibility: str,
) -> Annotation:
    """Raises anchoring.SelectorError when the selection does not match the passage."""
    selector = anchoring.validate(
        passage.text, exact=exact, prefix=prefix, suffix=suffix, start=start, end=end
    )
    annotation = Annotation.objects.create(
        assignment=assignment,
        passage=passage,
        author=author,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        start=selector.start,
        end=selector.end,
        body=body,
        kind=kind,
        dimension=dimension,
        visibility=visibility,
    )
    annotation.subjects.set(subjects)
    tags_set(annotation, tags)
    return annotation


@transaction.atomic
def reply_create(*, parent: Annotation, author, body: str) -> Annotation:
    """A reply shares its thread's passage and visibility, so it is seen exactly where the
    annotation it answers is seen."""
    return Annotation.objects.create(
        assignment_id=parent.assignment_id,
        passage_id=parent.passage_id,
        author=author,
        parent=parent,
        body=body,
        kind=Annotation.Kind.COMMENT,
        visibility=parent.visibility,
    )


def tags_set(annotation: Annotation, names: list[str]) -> None:
    annotation.tags.exclude(name__in=names).delete()
    existing = set(annotation.tags.values_list("name", flat=True))
    Tag.objects.bulk_create(
        [Tag(annotation=annotation, name=name) for name in names if name not in existing]
    )


def helpful_toggle(*, annotation: Annotation, user) -> bool:
    """Mark or unmark as helpful; returns whether it is now marked."""
    deleted, _ = Helpful.objects.filter(annotation=annotation, user=user).delete()
    if deleted:
        return False
    Helpful.objects.get_or_create(annotation=annotation, user=user)
    return True


@transaction.atomic
def passage_reanchor(passage) -> dict[str, int]:
    """After a passage's text changed, move each annotation to where its quote now is.

    Exact position first, then the quote elsewhere, then a fuzzy match on the context;
    an annotation that cannot be placed is marked orphaned and keeps its old quote, so it
    is shown with that quote instead of being lost.
    """
    counts = {"position": 0, "quote": 0, "fuzzy": 0, "orphaned": 0}
    changed = []
    for annotation in passage.annotations.filter(parent__isnull=True, start__isnull=False):
        anchor = anchoring.reanchor(
            passage.text,
            anchoring.Selector(
                exact=annotation.exact,
                prefix=annotation.prefix,
                suffix=annotation.suffix,
                start=annotation.start,
                end=annotation.end,
            ),
        )
        counts[anchor.method] += 1
        if anchor.orphaned:
            if not annotation.is_orphaned:
                annotation.is_orphaned = True
                changed.append(annotation)
            continue
        fresh = anchoring.selector_for(passage.text, anchor.start, anchor.end)
        annotation.exact, annotation.prefix, annotation.suffix = (
            fresh.exact,
            fresh.prefix,
            fresh.suffix,
        )
        annotation.start, annotation.end = fresh.start, fresh.end
        annotation.is_orphaned = False
        changed.append(annotation)
    now = timezone.now()  # bulk_update skips auto_now; live panels notice the change by it
    for annotation in changed:
        annotation.updated_at = now
    Annotation.objects.bulk_update(
        changed, ["exact", "prefix", "suffix", "start", "end", "is_orphaned", "updated_at"]
    )
    return counts
