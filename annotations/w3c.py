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
from html.parser import HTMLParser

from django.urls import reverse

from annotations import anchoring
from annotations.forms import parse_tags
from annotations.models import BODY_MAX_LENGTH, Annotation

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PROFILE = CONTEXT  # the `profile` of application/ld+json that asks for Web Annotations
CONTEXT_UNITS = 32  # UTF-16 code units of prefix or suffix at most
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


def iris_for(request, assignment) -> Iris:
    """Absolute IRIs for an export. Annotations are their API detail URLs; passages are the
    reading page with `#passage-<id>`; links live in the collection as `#link-<id>`; people
    get a `tag:` IRI (RFC 4151), a stable name that leads to no page about them."""
    annotations = request.build_absolute_uri(reverse("annotation-list"))
    reading = request.build_absolute_uri(reverse("comparisons:read", args=[assignment.pk]))
    collection = request.build_absolute_uri(reverse("annotation-collection", args=[assignment.pk]))
    host = request.get_host().rsplit(":", 1)[0]
    return Iris(
        annotation=lambda pk: f"{annotations}{pk}/",
        passage=lambda pk: f"{reading}#passage-{pk}",
        person=lambda pk: f"tag:{host},2025:person/{pk}",
        link=lambda pk: f"{collection}#link-{pk}",
    )


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
    # A RangeSelector's end: the quote runs from `exact` up to (not into) this text.
    until: str | None = None
    # What the import changed on the way in, for the report.
    changes: list[str] = field(default_factory=list)


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
    elif isinstance(payload, dict) and "rows" in payload and "type" not in payload:
        # What Hypothesis's search API returns: {"total": n, "rows": [annotation, ...]}.
        items = payload["rows"]
    elif _is_hypothesis_row(payload):
        items = [payload]
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
            "Send an Annotation, a list of them, an AnnotationPage, an AnnotationCollection, "
            "or the JSON of a Hypothesis search."
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
    if _is_hypothesis_row(item):
        item = from_hypothesis(item)
    if not isinstance(item, dict) or "Annotation" not in _types(item):
        raise ItemSkipped('Not an annotation (it needs "type": "Annotation").')
    kind = _kind(item)
    body, tags, classifying, changes = _bodies(item)
    target = _text_target(item)
    found = _selectors(target)
    quote = found.quote
    if quote is None and found.range is not None:
        quote = found.range[0]
    if quote is None:
        raise ItemSkipped("Its target has no TextQuoteSelector, so there is no quote to place.")
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact.strip():
        raise ItemSkipped("Its TextQuoteSelector has no exact text.")
    until = None
    if found.quote is None and found.range is not None:
        until = found.range[1].get("exact")
        if not isinstance(until, str) or not until.strip():
            raise ItemSkipped("Its RangeSelector's end has no exact text.")
    if len(body) > BODY_MAX_LENGTH:
        raise ItemSkipped(f"Its text is longer than {BODY_MAX_LENGTH:,} characters.")
    # A quote with nothing said about it is evidence, whatever its motivation claimed.
    if not body:
        kind = Annotation.Kind.EVIDENCE
    source = target.get("source")
    match = PASSAGE_FRAGMENT.search(source) if isinstance(source, str) else None
    passage_id = int(match.group(1)) if match else found.passage_id
    tags, tag_changes = _tags(tags)
    return Imported(
        kind=kind,
        body=body,
        exact=exact,
        prefix=_text(quote.get("prefix")),
        suffix=_text(quote.get("suffix")),
        start=None if until else _offset(found.position, "start"),
        end=None if until else _offset(found.position, "end"),
        passage_id=passage_id,
        tags=tags,
        classifying=classifying,
        until=until,
        changes=changes + tag_changes,
    )


def _tags(values: list[str]) -> tuple[list[str], list[str]]:
    """Tags as this app keeps them (lower case, single spaces, no commas), and a note for
    each one that had to change, so that the report says so rather than the tag vanishing."""
    tags, changes = [], []
    for value in values:
        kept = parse_tags(value)
        tags += [tag for tag in kept if tag not in tags]
        if not kept:
            changes.append(f"The empty tag “{value}” was left out.")
        elif len(kept) > 1:
            parts = ", ".join(f"“{tag}”" for tag in kept)
            changes.append(
                f"The tag “{value}” was split at its commas into {parts}: tags here cannot "
                "hold a comma."
            )
        elif kept[0] != value:
            changes.append(
                f"The tag “{value}” is kept as “{kept[0]}”: tags here are lower case, "
                "without a leading # or extra spaces."
            )
    return tags, changes


# --- Hypothesis ------------------------------------------------------------------


def _is_hypothesis_row(value) -> bool:
    """An annotation as Hypothesis's API returns it: no JSON-LD `type`, a `target` list and
    its own fields (`text`, `tags`, `user`, `uri`)."""
    return (
        isinstance(value, dict)
        and "type" not in value
        and isinstance(value.get("target"), list)
        and any(key in value for key in ("text", "user", "uri", "tags"))
    )


def from_hypothesis(row: dict) -> dict:
    """A Hypothesis row as a W3C annotation: `text` (Markdown) becomes the commenting body,
    `tags` tagging bodies, `target` is already W3C-shaped. A row with `references` is a
    reply. `user`, `created` and the rest are not kept: imports belong to the importer."""
    if row.get("references"):
        raise ItemSkipped(NOT_IMPORTED["replying"])
    text = row.get("text") if isinstance(row.get("text"), str) else ""
    bodies = []
    if text.strip():
        bodies.append({"type": "TextualBody", "value": text, "format": "text/markdown"})
    tags = row.get("tags") if isinstance(row.get("tags"), list) else []
    bodies += [
        {"type": "TextualBody", "value": tag, "purpose": "tagging"}
        for tag in tags
        if isinstance(tag, str)
    ]
    return {
        "type": "Annotation",
        "motivation": "commenting" if text.strip() else "highlighting",
        "body": bodies,
        "target": row["target"],
    }


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


def _bodies(item: dict) -> tuple[str, list[str], list[str], list[str]]:
    """(text, tags, classifications, changes) from `bodyValue` and the bodies.

    A TextualBody's value is kept as written; HTML is turned into plain text without the
    contents of script and style elements. A body that is a web address (an IRI, or a
    resource with an http(s) `id` or `source`) is kept as a link on its own line of the
    text. Anything else (an image without an address, a choice) is left out. Every change
    is listed in `changes` for the report.
    """
    texts, tags, classifying, changes = [], [], [], []
    if isinstance(item.get("bodyValue"), str):
        texts.append(item["bodyValue"])
    for body in _as_list(item.get("body")):
        textual = (
            isinstance(body, dict)
            and isinstance(body.get("value"), str)
            and (body.get("type") is None or {"TextualBody", "Text"} & set(_types(body)))
        )
        if not textual:
            link = _link(body)
            if link:
                texts.append(link)
                changes.append(f"The body {link} is kept as a link in the note's text.")
            else:
                changes.append("A body that is neither text nor a web address was left out.")
            continue
        value = body["value"]
        if body.get("format") == "text/html":
            value, dropped = html_to_text(value)
            change = "Its HTML body was turned into plain text"
            if dropped:
                change += ", leaving out what was inside its script and style elements"
            changes.append(change + ".")
        purposes = _as_list(body.get("purpose"))
        if "tagging" in purposes:
            tags.append(value)
        elif "classifying" in purposes:
            classifying.append(value.strip())
        else:
            texts.append(value)
    body = "\n\n".join(text.strip() for text in texts if text.strip())
    return body, tags, classifying, changes


def _link(body) -> str | None:
    """The http(s) address a body names, if any."""
    if isinstance(body, dict):
        candidates = [body.get("id"), body.get("source")]
        candidates = [c.get("id") if isinstance(c, dict) else c for c in candidates]
    else:
        candidates = [body]
    for candidate in candidates:
        if isinstance(candidate, str) and re.match(r"^https?://\S+$", candidate.strip(), re.I):
            return candidate.strip()
    return None


class _PlainText(HTMLParser):
    """Text of an HTML fragment: script and style contents dropped, blocks on new lines."""

    SKIP = {"script", "style", "template"}
    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5",
              "h6", "pre", "tr", "table", "section", "article", "hr"}  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.dropped = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
            self.dropped = True
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, bool]:
    """(plain text, whether script or style contents were dropped)."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, parser.dropped


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


MAX_SELECTOR_DEPTH = 8  # refinedBy chains followed at most this deep


@dataclass
class _Found:
    quote: dict | None = None
    position: dict | None = None
    range: tuple[dict, dict] | None = None
    passage_id: int | None = None


def _selectors(target: dict) -> _Found:
    """The quote, position, range and passage a target's selectors describe.

    Alternatives are read in order, the first of each kind winning; a selector's `refinedBy`
    chain is followed (at most MAX_SELECTOR_DEPTH deep), and the most refined quote in a
    chain wins over the one it refines. A FragmentSelector or CssSelector naming
    `passage-<id>` names the passage; a RangeSelector whose start and end are (or are refined
    into) quotes gives a range.
    """
    found = _Found()
    for selector in _as_list(target.get("selector")):
        _walk(selector, found, depth=0)
    return found


def _walk(selector, found: _Found, *, depth: int) -> dict | None:
    """Read one selector and what refines it into `found`; returns the most refined
    TextQuoteSelector in its chain."""
    if not isinstance(selector, dict):
        return None
    if depth >= MAX_SELECTOR_DEPTH:
        raise ItemSkipped(f"Its selectors are nested more than {MAX_SELECTOR_DEPTH} deep.")
    kinds = _types(selector)
    quote = selector if "TextQuoteSelector" in kinds else None
    if found.position is None and "TextPositionSelector" in kinds:
        found.position = selector
    if ("FragmentSelector" in kinds or "CssSelector" in kinds) and found.passage_id is None:
        value = selector.get("value")
        match = re.fullmatch(r"#?passage-(\d+)", value) if isinstance(value, str) else None
        if match:
            found.passage_id = int(match.group(1))
    if "RangeSelector" in kinds and found.range is None:
        start = _walk(selector.get("startSelector"), _Found(), depth=depth + 1)
        end = _walk(selector.get("endSelector"), _Found(), depth=depth + 1)
        if start is not None and end is not None:
            found.range = (start, end)
    for refinement in _as_list(selector.get("refinedBy")):
        refined = _walk(refinement, found, depth=depth + 1)
        if refined is not None:
            quote = refined
    if quote is not None and found.quote is None and depth == 0:
        found.quote = quote
    return quote


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
    Failing that, the quote is looked for with every run of whitespace (a no-break space,
    a double space, a line break) counted as one space, since a text imported again may
    have had its spaces evened out; `imported.changes` then says so.
    No fuzzy search across passages: a loose match in the wrong paragraph would pin the note
    to words its author never chose. When nothing is found, the message says whether some
    paragraph holds a near match, for the importer to check by hand.

    `budget` is the import's shared work budget (anchoring.Budget): every passage read and
    every search is charged to it, and once it is spent the remaining items are skipped with
    a message saying so, so one request of 500 items against a long text stays quick. Only the
    first MAX_PASSAGES_PER_QUOTE passages holding the quote are weighed.
    """
    budget = budget if budget is not None else anchoring.Budget(anchoring.REQUEST_WORK_BUDGET)
    if budget.spent:
        raise ItemSkipped(OUT_OF_WORK)
    if imported.until is not None:
        return _place_range(imported, passages)
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
    if best is not None:
        _, _, passage_id, text, anchor = best
        return passage_id, anchoring.selector_for(text, anchor.start, anchor.end)

    loose = _place_modulo_whitespace(imported, passages)
    if loose is not None:
        imported.changes.append(
            "Its quote matched once spaces were evened out (no-break, double or line-break "
            "spaces count as one)."
        )
        return loose
    message = f"The quote “{_short(imported.exact)}” is not in any paragraph of this text."
    near = _near_match(imported, passages)
    if near is not None:
        number, words = near
        message += f" Paragraph {number} has a near match: “{_short(words)}”."
    else:
        message += " No paragraph has a near match."
    raise ItemSkipped(message)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _squeeze(text: str) -> tuple[str, list[int]]:
    """`text` with each run of whitespace as one space, and where each of its characters
    came from in `text`."""
    out, where = [], []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        out.append(char)
        where.append(index)
    return "".join(out), where


def _place_modulo_whitespace(
    imported: Imported, passages: Sequence[tuple[int, str]]
) -> tuple[int, anchoring.Selector] | None:
    exact, _ = _squeeze(imported.exact.strip())
    if not exact:
        return None
    prefix, _ = _squeeze(imported.prefix)
    suffix, _ = _squeeze(imported.suffix)
    best = None
    ordered = sorted(passages, key=lambda row: row[0] != imported.passage_id)
    for order, (passage_id, text) in enumerate(ordered):
        squeezed, where = _squeeze(text)
        index = squeezed.find(exact)
        while index != -1:
            score = _context_score(squeezed, index, index + len(exact), prefix, suffix)
            if best is None or score > best[0]:
                start, end = where[index], where[index + len(exact) - 1] + 1
                best = (score, order, passage_id, text, start, end)
            index = squeezed.find(exact, index + 1)
    if best is None:
        return None
    _, _, passage_id, text, start, end = best
    return passage_id, anchoring.selector_for(text, start, end)


NEAR_MATCH_PASSAGES = 3  # paragraphs sharing most words with the quote, tried for a near match


def _near_match(imported: Imported, passages: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """(paragraph number, words) of the closest text to an unplaced quote, if one is close
    enough for anchoring's fuzzy search; only reported, never used to place the note."""
    words = {word for word in re.findall(r"\w{4,}", imported.exact.casefold())}
    if not words:
        return None
    shared = []
    for number, (_, text) in enumerate(passages, start=1):
        count = len(words & set(re.findall(r"\w{4,}", text.casefold())))
        if count:
            shared.append((-count, number, text))
    selector = anchoring.Selector(
        exact=imported.exact, prefix=imported.prefix, suffix=imported.suffix, start=0, end=0
    )
    for _, number, text in sorted(shared)[:NEAR_MATCH_PASSAGES]:
        anchor = anchoring.reanchor(text, selector)
        if not anchor.orphaned:
            return number, anchor.exact
    return None


def _place_range(
    imported: Imported, passages: Sequence[tuple[int, str]]
) -> tuple[int, anchoring.Selector]:
    """A RangeSelector's text: from its start quote up to (not into) its end quote, within
    one passage, the named passage first and then in reading order."""
    ordered = sorted(passages, key=lambda row: row[0] != imported.passage_id)
    for passage_id, text in ordered:
        start = text.find(imported.exact)
        while start != -1:
            end = text.find(imported.until, start + len(imported.exact))
            if end != -1:
                while end > start and text[end - 1].isspace():
                    end -= 1
                return passage_id, anchoring.selector_for(text, start, end)
            start = text.find(imported.exact, start + 1)
    raise ItemSkipped(
        f"The range from “{_short(imported.exact)}” to “{_short(imported.until)}” is not "
        "within any one paragraph of this text."
    )


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
