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
  TextPositionSelector, CssSelector refined by a TextQuoteSelector]}. A passage's IRI is the
  assignment's reading page with the fragment `#passage-<passage id>`, which is the `id` of
  the element holding exactly the passage's text (the selectors describe its `textContent`);
  the CssSelector names that element again for clients that apply selectors to the whole
  page. The fragment is also what an import looks for first.
- offsets (`start`, `end`) count Unicode code points, as the model says, not UTF-16 units;
  `prefix` and `suffix` are cut to at most CONTEXT_UNITS UTF-16 code units, since clients
  built on diff-match-patch refuse longer patterns (a code point is never split).
- an orphaned annotation (its words were removed or rewritten away) targets the reading page
  as a whole with no selector, so no client can highlight unrelated text for it; its last
  known quote is kept as its first body, with purpose "describing". (An `id` would mark that
  body better, but the W3C test suite then takes it for an external resource.)
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
PROFILE = CONTEXT  # the `profile` of application/ld+json that asks for Web Annotations
CONTEXT_UNITS = 32  # UTF-16 code units of prefix or suffix at most
MAX_IMPORT_ITEMS = 500

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


def utf16_units(text: str) -> int:
    """Length as JavaScript counts it: two units for a code point beyond U+FFFF."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def utf16_head(text: str, limit: int) -> str:
    """The longest start of `text` of at most `limit` UTF-16 units, whole code points only."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def utf16_tail(text: str, limit: int) -> str:
    """The longest end of `text` of at most `limit` UTF-16 units, whole code points only."""
    return utf16_head(text[::-1], limit)[::-1]


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
    elif annotation.is_orphaned or annotation.passage_id is None:
        # No selector at all: the words are gone, and a quote left in a selector could be
        # found by a client in some other paragraph. The quote is kept, as a body.
        item["target"] = {"source": PASSAGE_FRAGMENT.sub("", iris.passage(0))}
        if annotation.exact:
            item["body"] = [textual_body(annotation.exact, "describing"), *bodies]
    else:
        source = iris.passage(annotation.passage_id)
        quote = {
            "type": "TextQuoteSelector",
            "exact": annotation.exact,
            "prefix": utf16_tail(annotation.prefix, CONTEXT_UNITS),
            "suffix": utf16_head(annotation.suffix, CONTEXT_UNITS),
        }
        item["target"] = {
            "source": source,
            "selector": [
                quote,
                {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
                {
                    "type": "CssSelector",
                    "value": "#" + source.rsplit("#", 1)[1],
                    "refinedBy": dict(quote),
                },
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
    """Everything on one embedded page: a class's annotations of one text fit comfortably.

    The page is also served on its own at its id (`?page=1`); `partOf` then describes the
    collection as an object, as the test suite's page assertions require."""
    description = {"id": iri, "type": "AnnotationCollection", "label": label, "total": len(items)}
    modified = max((item["modified"] for item in items if "modified" in item), default=None)
    if modified:
        description["modified"] = modified
    page_iri = f"{iri}?page=1"
    return {
        "@context": CONTEXT,
        **description,
        "first": {
            "id": page_iri,
            "type": "AnnotationPage",
            "partOf": description,
            "startIndex": 0,
            "items": items,
        },
        "last": page_iri,
    }


def page(collection_document: dict) -> dict:
    """The collection's one page as a document of its own."""
    return {"@context": CONTEXT, **collection_document["first"]}


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
        "Its target is a whole page or resource, not a quote (an annotation orphaned where it "
        "came from looks like this); only annotations on a passage's text are imported."
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
    imported: Imported, passages: Sequence[tuple[int, str]]
) -> tuple[int, anchoring.Selector]:
    """(passage id, selector) for an incoming quote among the comparison's passages, given in
    reading order as (id, text).

    The passage named by the source's `#passage-<id>` comes first: there the quote is
    re-anchored as after an edit (position, quote, then fuzzy). Otherwise, or if it cannot be
    placed there, every passage holding the exact quote is a candidate, and the one whose text
    around it best matches the prefix and suffix wins (the first in reading order on a tie).
    No fuzzy search across passages: a loose match in the wrong paragraph would pin the note
    to words its author never chose.
    """
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
        anchor = anchoring.reanchor(text, selector)
        if not anchor.orphaned:
            return imported.passage_id, anchoring.selector_for(text, anchor.start, anchor.end)

    best = None
    for order, (passage_id, text) in enumerate(passages):
        if imported.exact not in text:
            continue
        anchor = anchoring.reanchor(text, selector)
        if anchor.orphaned:
            continue
        score = _context_score(text, anchor.start, anchor.end, imported.prefix, imported.suffix)
        if best is None or score > best[0]:
            best = (score, order, passage_id, text, anchor)
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
