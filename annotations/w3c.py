"""Annotations as W3C Web Annotations (JSON-LD), out and in.

https://www.w3.org/TR/annotation-model/ is what Hypothesis, Recogito and most annotation tools
read and write, so an export here can be opened elsewhere and a colleague's annotations can be
brought in. The functions below turn rows into plain dicts and plain dicts into a description
of what to create; they never query the database (the API view loads the rows, with their
relations prefetched, and saves the results), so the mapping is tested without HTTP.

How Counterpoint's fields map onto the model
--------------------------------------------
- kind -> motivation: comment is "commenting", question is "questioning", evidence is
  "describing" (the quote is put forward as describing a subject). A reply is "replying" and
  targets the annotation it answers; a comparison link is "linking" and targets both
  annotations.
- body -> a TextualBody (purpose "commenting"); each tag -> a TextualBody with purpose
  "tagging"; each subject and the dimension -> a TextualBody with purpose "classifying" whose
  value is the subject's or dimension's name (names travel between classes, ids do not).
- target -> {"source": the passage's IRI, "selector": [TextQuoteSelector,
  TextPositionSelector]}. A passage's IRI is the assignment's reading page with the fragment
  `#passage-<passage id>`: it opens the text the quote is from, and the fragment is what an
  import looks for first.
- creator -> {"id", "type": "Person", "name": display name}. Never the e-mail address.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC

from django.utils.html import strip_tags

from annotations import anchoring
from annotations.models import BODY_MAX_LENGTH, Annotation

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MAX_IMPORT_ITEMS = 500

# A quote found in more paragraphs than this is placed among the first ones only: context
# picks between a few repeats, and weighing hundreds would cost more than it could tell.
MAX_PASSAGES_PER_QUOTE = 20

OUT_OF_WORK = (
    "Not imported: this request used up its time for finding quotes in the text. Send the "
    "remaining annotations in a separate request."
)

MOTIVATION_BY_KIND = {
    Annotation.Kind.COMMENT: "commenting",
    Annotation.Kind.QUESTION: "questioning",
    Annotation.Kind.EVIDENCE: "describing",
}
# On import, motivations that mark a passage rather than talk about it are evidence too.
KIND_BY_MOTIVATION = {
    "commenting": Annotation.Kind.COMMENT,
    "questioning": Annotation.Kind.QUESTION,
    "describing": Annotation.Kind.EVIDENCE,
    "highlighting": Annotation.Kind.EVIDENCE,
    "identifying": Annotation.Kind.EVIDENCE,
    "bookmarking": Annotation.Kind.EVIDENCE,
}
NOT_IMPORTED = {
    "replying": "Replies are not imported; import the annotations they answer instead.",
    "linking": "Comparison links are not imported.",
}

PASSAGE_FRAGMENT = re.compile(r"#passage-(\d+)$")


@dataclass(frozen=True)
class Iris:
    """How to name things as absolute IRIs; the view builds these from the request."""

    annotation: Callable[[int], str]
    passage: Callable[[int], str]
    person: Callable[[int], str]
    link: Callable[[int], str]


# --- export --------------------------------------------------------------------


def timestamp(moment) -> str:
    """xsd:dateTime in UTC, as the model's examples write it: 2015-01-28T12:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def textual_body(value: str, purpose: str) -> dict:
    return {"type": "TextualBody", "value": value, "format": "text/plain", "purpose": purpose}


def creator(user, iris: Iris) -> dict:
    return {"id": iris.person(user.pk), "type": "Person", "name": user.display_name}


def annotation_item(annotation: Annotation, iris: Iris) -> dict:
    """One annotation or reply. Reads `author`, `dimension`, `subjects` and `tags`, which the
    caller preloads; an orphaned annotation keeps its last known selectors."""
    item = {
        "id": iris.annotation(annotation.pk),
        "type": "Annotation",
        "motivation": "replying" if annotation.is_reply else MOTIVATION_BY_KIND[annotation.kind],
        "creator": creator(annotation.author, iris),
        "created": timestamp(annotation.created_at),
        "modified": timestamp(annotation.updated_at),
    }
    bodies = []
    if annotation.body:
        bodies.append(textual_body(annotation.body, "commenting"))
    if not annotation.is_reply:
        bodies += [textual_body(tag.name, "tagging") for tag in annotation.tags.all()]
        bodies += [textual_body(s.name, "classifying") for s in annotation.subjects.all()]
        if annotation.dimension is not None:
            bodies.append(textual_body(annotation.dimension.name, "classifying"))
    if bodies:
        item["body"] = bodies
    if annotation.is_reply:
        item["target"] = iris.annotation(annotation.parent_id)
    else:
        # A passage removed from the text leaves its annotations orphaned (passage empty):
        # their source is then the reading page itself, with the last known selectors.
        source = iris.passage(annotation.passage_id or 0)
        if annotation.passage_id is None:
            source = PASSAGE_FRAGMENT.sub("", source)
        item["target"] = {
            "source": source,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": annotation.exact,
                    "prefix": annotation.prefix,
                    "suffix": annotation.suffix,
                },
                {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
            ],
        }
    return item


def link_item(link, iris: Iris) -> dict:
    """A comparison link: the explanation, the relation (and dimension) as classifications,
    and the two annotations it joins as targets. Reads `author` and `dimension`."""
    bodies = [
        textual_body(link.explanation, "describing"),
        textual_body(link.relation, "classifying"),
    ]
    if link.dimension is not None:
        bodies.append(textual_body(link.dimension.name, "classifying"))
    return {
        "id": iris.link(link.pk),
        "type": "Annotation",
        "motivation": "linking",
        "creator": creator(link.author, iris),
        "created": timestamp(link.created_at),
        "body": bodies,
        "target": [iris.annotation(link.source_id), iris.annotation(link.target_id)],
    }


def collection(*, iri: str, label: str, items: list[dict]) -> dict:
    """Everything on one embedded page: a class's annotations of one text fit comfortably."""
    return {
        "@context": CONTEXT,
        "id": iri,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {
            "id": f"{iri}#page-1",
            "type": "AnnotationPage",
            "partOf": iri,
            "startIndex": 0,
            "items": items,
        },
    }


# --- import --------------------------------------------------------------------


class PayloadError(ValueError):
    """The request as a whole cannot be read: answered with 400 and nothing is created."""


class ItemSkipped(ValueError):
    """One item cannot be imported; the message goes into the report for that item."""


@dataclass
class Imported:
    """What one incoming annotation asks for, before it is placed in a passage."""

    kind: str
    body: str
    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    passage_id: int | None = None
    tags: list[str] = field(default_factory=list)
    classifying: list[str] = field(default_factory=list)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(obj: dict) -> list:
    return _as_list(obj.get("type"))


def items_from(payload) -> list:
    """The annotations in a collection (its embedded first page), a page, a list or a single
    annotation. Raises PayloadError for any other shape and for more than MAX_IMPORT_ITEMS."""
    if isinstance(payload, list):
        items = payload
    elif isinstance(payload, dict) and "AnnotationCollection" in _types(payload):
        page = payload.get("first")
        if not isinstance(page, dict):
            raise PayloadError("The collection's first page must be included in the request.")
        if page.get("next"):
            raise PayloadError(
                "This collection has more than one page: send each AnnotationPage separately."
            )
        items = page.get("items")
    elif isinstance(payload, dict) and "AnnotationPage" in _types(payload):
        items = payload.get("items")
    elif isinstance(payload, dict) and "Annotation" in _types(payload):
        items = [payload]
    else:
        raise PayloadError(
            "Send an Annotation, a list of them, an AnnotationPage or an AnnotationCollection."
        )
    if not isinstance(items, list):
        raise PayloadError("The page's items must be a list of annotations.")
    if len(items) > MAX_IMPORT_ITEMS:
        raise PayloadError(
            f"Send at most {MAX_IMPORT_ITEMS} annotations at a time ({len(items)} were sent)."
        )
    return items


def read_item(item) -> Imported:
    """Read one incoming annotation. The creator is ignored: imports belong to the importer."""
    if not isinstance(item, dict) or "Annotation" not in _types(item):
        raise ItemSkipped('Not an annotation (it needs "type": "Annotation").')
    kind = _kind(item)
    body, tags, classifying = _bodies(item)
    target = _text_target(item)
    quote, position = _selectors(target)
    if quote is None:
        raise ItemSkipped("Its target has no TextQuoteSelector, so there is no quote to place.")
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact.strip():
        raise ItemSkipped("Its TextQuoteSelector has no exact text.")
    if len(body) > BODY_MAX_LENGTH:
        raise ItemSkipped(f"Its text is longer than {BODY_MAX_LENGTH:,} characters.")
    # A quote with nothing said about it is evidence, whatever its motivation claimed.
    if not body:
        kind = Annotation.Kind.EVIDENCE
    source = target.get("source")
    match = PASSAGE_FRAGMENT.search(source) if isinstance(source, str) else None
    return Imported(
        kind=kind,
        body=body,
        exact=exact,
        prefix=_text(quote.get("prefix")),
        suffix=_text(quote.get("suffix")),
        start=_offset(position, "start"),
        end=_offset(position, "end"),
        passage_id=int(match.group(1)) if match else None,
        tags=tags,
        classifying=classifying,
    )


def _kind(item: dict) -> str:
    """The first motivation we know; "commenting" when there is none (the model's default
    reading of an annotation with a text body)."""
    motivations = [m for m in _as_list(item.get("motivation")) if isinstance(m, str)]
    for motivation in motivations:
        if motivation in NOT_IMPORTED:
            raise ItemSkipped(NOT_IMPORTED[motivation])
    for motivation in motivations:
        if motivation in KIND_BY_MOTIVATION:
            return KIND_BY_MOTIVATION[motivation]
    return Annotation.Kind.COMMENT


def _bodies(item: dict) -> tuple[str, list[str], list[str]]:
    """(text, tags, classifications) from TextualBody bodies and `bodyValue`. Bodies that are
    other resources (images, IRIs) have no text to keep and are passed over."""
    texts, tags, classifying = [], [], []
    if isinstance(item.get("bodyValue"), str):
        texts.append(item["bodyValue"])
    for body in _as_list(item.get("body")):
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
            continue
        if "TextualBody" not in _types(body) and body.get("type") is not None:
            continue
        value = body["value"]
        if body.get("format") == "text/html":
            value = strip_tags(value)
        purposes = _as_list(body.get("purpose"))
        if "tagging" in purposes:
            tags.append(value)
        elif "classifying" in purposes:
            classifying.append(value.strip())
        else:
            texts.append(value)
    body = "\n\n".join(text.strip() for text in texts if text.strip())
    return body, tags, classifying


def _text_target(item: dict) -> dict:
    """The first target that is a part of a text (has a source and a selector)."""
    targets = _as_list(item.get("target"))
    if not targets:
        raise ItemSkipped("It has no target.")
    for target in targets:
        if isinstance(target, dict) and target.get("selector") is not None:
            return target
    raise ItemSkipped(
        "Its target is a whole resource, not a quote; only annotations on a passage's text "
        "are imported."
    )


def _selectors(target: dict) -> tuple[dict | None, dict | None]:
    quote = position = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        kinds = _types(selector)
        if quote is None and "TextQuoteSelector" in kinds:
            quote = selector
        if position is None and "TextPositionSelector" in kinds:
            position = selector
    return quote, position


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _offset(selector: dict | None, name: str) -> int | None:
    """An offset if it is a whole number; anything else is only a missing hint."""
    value = selector.get(name) if selector else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def place(
    imported: Imported,
    passages: Sequence[tuple[int, str]],
    budget: anchoring.Budget | None = None,
) -> tuple[int, anchoring.Selector]:
    """(passage id, selector) for an incoming quote among the comparison's passages, given in
    reading order as (id, text).

    The passage named by the source's `#passage-<id>` comes first: there the quote is
    re-anchored as after an edit (position, quote, then fuzzy). Otherwise, or if it cannot be
    placed there, every passage holding the exact quote is a candidate, and the one whose text
    around it best matches the prefix and suffix wins (the first in reading order on a tie).
    No fuzzy search across passages: a loose match in the wrong paragraph would pin the note
    to words its author never chose.

    `budget` is the import's shared work budget (anchoring.Budget): every passage read and
    every search is charged to it, and once it is spent the remaining items are skipped with
    a message saying so, so one request of 500 items against a long text stays quick. Only the
    first MAX_PASSAGES_PER_QUOTE passages holding the quote are weighed.
    """
    budget = budget if budget is not None else anchoring.Budget(anchoring.REQUEST_WORK_BUDGET)
    if budget.spent:
        raise ItemSkipped(OUT_OF_WORK)
    selector = anchoring.Selector(
        exact=imported.exact,
        prefix=imported.prefix,
        suffix=imported.suffix,
        start=imported.start,
        end=imported.end,
    )
    texts = dict(passages)
    if imported.passage_id in texts:
        text = texts[imported.passage_id]
        anchor = anchoring.reanchor(text, selector, budget=budget)
        if not anchor.orphaned:
            return imported.passage_id, anchoring.selector_for(text, anchor.start, anchor.end)

    best = None
    holding = 0
    for order, (passage_id, text) in enumerate(passages):
        if not budget.afford(1 + len(text) // anchoring.SCAN_CHARS):
            raise ItemSkipped(OUT_OF_WORK)
        if imported.exact not in text:
            continue
        holding += 1
        if holding > MAX_PASSAGES_PER_QUOTE:
            break
        anchor = anchoring.reanchor(text, selector, budget=budget)
        if anchor.orphaned:
            continue
        score = _context_score(text, anchor.start, anchor.end, imported.prefix, imported.suffix)
        if best is None or score > best[0]:
            best = (score, order, passage_id, text, anchor)
    if best is None and budget.spent:
        raise ItemSkipped(OUT_OF_WORK)
    if best is None:
        quote = imported.exact if len(imported.exact) <= 60 else imported.exact[:57] + "…"
        raise ItemSkipped(f"The quote “{quote}” is not in any paragraph of this text.")
    _, _, passage_id, text, anchor = best
    return passage_id, anchoring.selector_for(text, anchor.start, anchor.end)


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """Characters of the saved context that match the text, reading outwards from the quote."""
    score = 0
    for a, b in zip(reversed(prefix), reversed(text[:start]), strict=False):
        if a != b:
            break
        score += 1
    for a, b in zip(suffix, text[end:], strict=False):
        if a != b:
            break
        score += 1
    return score
