"""Teachers' comments on exactly some words of a student's outline or draft.

A comment may be anchored to words in the outline's thesis, or in one section's claim,
reasoning or (for a draft) paragraph. It remembers them the way a reading annotation remembers
its words in a passage: a W3C TextQuoteSelector and TextPositionSelector, checked and found
again by `annotations.anchoring` (the same code; nothing is copied here). This module only
knows which text a comment is about:

- `parse_target` checks a target sent by the review page or the API against the text the
  server holds, and raises `TargetError` with a message the teacher can act on;
- `place` finds every anchored comment in the current text (the student may be revising);
- `follow` stores those places when the student resubmits, so each comment keeps following its
  words from one revision to the next; a comment whose words are gone is marked `orphaned` and
  kept, never deleted;
- `marked_html` draws the text with each comment's words as a link to the comment, and each
  citation (¶12) as a link to its paragraph of the reading text.

Everything read from the browser is bounded: the selector list by `anchoring.from_w3c`, the
quote by `anchoring.validate`, and the re-anchoring of a page's comments by one request budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations import anchoring
from counterpoint.lib.safejson import parse_number
from essays.models import FeedbackComment, Outline

Field = FeedbackComment.AnchorField

# What a teacher can comment on, by kind: an outline's words, or a draft's paragraphs (and the
# thesis it was written from, shown above them).
FIELDS = {
    Outline.Kind.OUTLINE: (Field.THESIS, Field.CLAIM, Field.REASONING),
    Outline.Kind.DRAFT: (Field.THESIS, Field.PARAGRAPH),
}

NOT_AN_OBJECT = (
    'The target must be an object: {"field": …, "section_key": …, "selector": [TextQuoteSelector, '
    "TextPositionSelector]}."
)
WRONG_FIELD = "Choose the words in {choices}."
NO_SECTION = "That section is not part of this {kind}."
THESIS_HAS_NO_SECTION = "The thesis belongs to no section: leave section_key blank."
CHANGED = "the words it was about were changed"

# A draft's citation, "§2 ¶5" or "¶5"; the paragraph number runs through the whole text, as
# the reading page numbers its paragraphs (`id="p<number>"`).
CITED_PARAGRAPH = re.compile(r"(?:§\s*\d+\s*)?¶\s*(\d+)")


# The API's `target`, for the OpenAPI schema.
TARGET_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {
        "field": {"type": "string", "enum": [choice.value for choice in Field]},
        "section_key": {"type": "string", "description": "Blank for the thesis."},
        "selector": {
            "type": "array",
            "description": "A W3C TextQuoteSelector (exact, prefix, suffix) and a "
            "TextPositionSelector (start, end; Unicode code points) over the field's text.",
            "items": {"type": "object"},
        },
    },
}


class TargetError(ValueError):
    """A target that does not fit the outline; `message` is shown to the teacher as is."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Target:
    field: str
    section_key: str
    selector: anchoring.Selector


def shown_text(raw: str) -> str:
    """The text as a browser holds it: HTML parsing turns CR LF and CR into LF, so offsets
    taken from the page count those line ends as one character."""
    return (raw or "").replace("\r\n", "\n").replace("\r", "\n")


def text_of(outline: Outline, field: str, section) -> str | None:
    """The current text of `field` (None when its section is gone)."""
    if field == Field.THESIS:
        return shown_text(outline.thesis)
    if section is None:
        return None
    return shown_text(getattr(section, field, ""))


def parse_target(outline: Outline, raw: object, *, sections: dict | None = None) -> Target:
    """Check a target from the review page or the API against the outline's current text.

    `raw` is {"field", "section_key", "selector": [W3C selectors]}. Returns the Target with the
    selector recomputed from the text; raises TargetError.
    """
    if not isinstance(raw, dict):
        raise TargetError(NOT_AN_OBJECT, code="not_an_object")
    allowed = FIELDS[outline.kind]
    field = raw.get("field")
    if field not in allowed:
        names = ", ".join(f"“{name}”" for name in allowed)
        raise TargetError(WRONG_FIELD.format(choices=names), code="field")
    section_key = raw.get("section_key") or ""
    kind = outline.get_kind_display().lower()
    if not isinstance(section_key, str):
        raise TargetError(NO_SECTION.format(kind=kind), code="section")
    if sections is None:
        sections = {s.key: s for s in outline.sections.all()}
    if field == Field.THESIS:
        if section_key:
            raise TargetError(THESIS_HAS_NO_SECTION, code="section")
        section = None
    else:
        section = sections.get(section_key)
        if section is None:
            raise TargetError(NO_SECTION.format(kind=kind), code="section")
    text = text_of(outline, field, section)
    try:
        selector = anchoring.validate(text, **anchoring.from_w3c(raw.get("selector")))
    except anchoring.SelectorError as error:
        raise TargetError(error.message, code=error.code) from None
    return Target(field=field, section_key=section_key, selector=selector)


def apply(comment: FeedbackComment, target: Target) -> None:
    """Copy a checked target onto a new comment (not saved)."""
    comment.anchor_field = target.field
    comment.section_key = target.section_key
    comment.exact = target.selector.exact
    comment.prefix = target.selector.prefix
    comment.suffix = target.selector.suffix
    comment.start = target.selector.start
    comment.end = target.selector.end
    comment.orphaned = False


def _stored(comment: FeedbackComment) -> anchoring.Selector:
    return anchoring.Selector(
        exact=comment.exact,
        prefix=comment.prefix,
        suffix=comment.suffix,
        start=comment.start,
        end=comment.end,
    )


def place(outline: Outline, comments, *, budget: anchoring.Budget | None = None) -> None:
    """Set `anchor` (an `anchoring.Anchor`) on each anchored comment: where its words are in
    the outline's current text, or orphaned; and `current`, the selector of those words now
    (None when orphaned). Comments without a target get `anchor = None`.
    Uses the prefetched sections; one request budget bounds the work for all of them."""
    budget = budget or anchoring.Budget(anchoring.REQUEST_WORK_BUDGET)
    comments = list(comments)
    for comment in comments:
        comment.anchor = comment.current = None
    anchored = [c for c in comments if c.anchor_field]
    # Sections are read only when some comment needs them (prefetched by the editor's query).
    sections = {s.key: s for s in outline.sections.all()} if anchored else {}
    for comment in anchored:
        text = text_of(outline, comment.anchor_field, sections.get(comment.section_key))
        if comment.orphaned or text is None:
            comment.anchor = anchoring.ORPHANED
            continue
        comment.anchor = anchoring.reanchor(text, _stored(comment), budget=budget)
        if not comment.anchor.orphaned:
            comment.current = anchoring.selector_for(text, comment.anchor.start, comment.anchor.end)


def follow(outline: Outline) -> None:
    """Store where each anchored comment's words now are, at a (re)submission: the comment
    follows its words through the revision, or is orphaned when they are gone. `outline`
    comes with its sections (`Outline.objects.for_editor()`)."""
    comments = [c for c in outline.comments.all() if c.anchor_field and not c.orphaned]
    if not comments:
        return
    place(outline, comments)
    for comment in comments:
        if comment.current is None:
            comment.orphaned = True
            continue
        selector = comment.current
        comment.exact, comment.prefix, comment.suffix = (
            selector.exact,
            selector.prefix,
            selector.suffix,
        )
        comment.start, comment.end = selector.start, selector.end
    FeedbackComment.objects.bulk_update(
        comments, ["exact", "prefix", "suffix", "start", "end", "orphaned"]
    )


def as_w3c(comment: FeedbackComment) -> dict | None:
    """The API's `target`: where the comment's words are now (after `place`), or where they
    were when it was orphaned."""
    if not comment.anchor_field:
        return None
    selector = getattr(comment, "current", None) or _stored(comment)
    return {
        "field": comment.anchor_field,
        "section_key": comment.section_key,
        "selector": anchoring.to_w3c(selector),
    }


def where(comment: FeedbackComment) -> tuple[str, str]:
    """Which text the comment is about, as `revisions.Change.where` names it."""
    field = comment.anchor_field
    return (field, "" if field == Field.THESIS else comment.section_key)


def is_orphaned(comment: FeedbackComment) -> bool:
    anchor = getattr(comment, "anchor", None)
    return bool(comment.anchor_field) and (comment.orphaned or bool(anchor and anchor.orphaned))


def marks_for(outline: Outline, comments) -> dict[tuple[str, str], list]:
    """(field, section_key) -> [(comment, start, end)] for the comments placed in the text."""
    found: dict[tuple[str, str], list] = {}
    for comment in comments:
        anchor = getattr(comment, "anchor", None)
        if anchor is None or anchor.orphaned:
            continue
        section_key = "" if comment.anchor_field == Field.THESIS else comment.section_key
        found.setdefault((comment.anchor_field, section_key), []).append(
            (comment, anchor.start, anchor.end)
        )
    return found


def marked_html(text: str, marks=(), *, reading_url: str = "") -> SafeString:
    """`text` as HTML whose text content is exactly `text` (so a selection's offsets in the
    page are offsets in the text): each comment's words a link to the comment (`#comment-<id>`,
    the innermost comment where they overlap), each citation a link to its paragraph of the
    reading text when `reading_url` is given. Line breaks stay characters (CSS keeps them)."""
    text = shown_text(text)
    cuts = {0, len(text)}
    spans = []
    for comment, start, end in marks:
        if 0 <= start < end <= len(text):
            spans.append((comment, start, end))
            cuts.update((start, end))
    cites = []
    if reading_url:
        for match in CITED_PARAGRAPH.finditer(text):
            cites.append((match.start(), match.end(), match.group(1)))
            cuts.update((match.start(), match.end()))
    points = sorted(cuts)
    first_seen = set()
    html = []
    for start, end in zip(points, points[1:], strict=False):
        piece = str(escape(text[start:end]))
        cite = next((c for c in cites if c[0] <= start and end <= c[1]), None)
        covering = sorted(
            (s for s in spans if s[1] <= start and end <= s[2]), key=lambda s: s[2] - s[1]
        )
        if cite:
            piece = f'<a class="cited" href="{reading_url}#p{cite[2]}">{piece}</a>'
        if covering:
            comment = covering[0][0]
            ids = " ".join(str(s[0].pk) for s in covering)
            anchor_id = ""
            for s in covering:
                if s[0].pk not in first_seen and s[1] == start:
                    first_seen.add(s[0].pk)
                    anchor_id = f' id="mark-{s[0].pk}"' if not anchor_id else anchor_id
            label = "Teacher's comment" if len(covering) == 1 else "Teacher's comments"
            tag = "span" if cite else "a"
            href = "" if cite else f' href="#comment-{comment.pk}"'
            piece = (
                f'<{tag} class="comment-mark state-{comment.state}"{anchor_id}{href}'
                f' data-comments="{ids}" draggable="false" aria-describedby="comment-{comment.pk}"'
                f' title="{label}">{piece}</{tag}>'
            )
        html.append(piece)
    return mark_safe("".join(html))  # noqa: S308 - every piece of text is escaped above


def mark_up(outline, sections, comments, *, reading_url: str = "", only_marked: bool = False):
    """Place `comments` and set `thesis_html` on the outline and `claim_html`,
    `reasoning_html` and `paragraph_html` on each section: the text with the comments' words
    marked (`marked_html`). With `only_marked`, a text no comment is placed in gets "" (the
    student's editor shows a marked copy only where there is something to see)."""
    place(outline, comments)
    marks = marks_for(outline, comments)

    def html(field, key, text):
        found = marks.get((field, key), [])
        if only_marked and not found:
            return ""
        return marked_html(text, found, reading_url=reading_url)

    outline.thesis_html = html(Field.THESIS, "", outline.thesis)
    for section in sections:
        for field in (Field.CLAIM, Field.REASONING, Field.PARAGRAPH):
            setattr(section, f"{field}_html", html(field, section.key, getattr(section, field)))


def citations(text: str) -> list[tuple[str, str]]:
    """The citations in a student's text, in order and once each: (as written, ¶ number)."""
    seen, found = set(), []
    for match in CITED_PARAGRAPH.finditer(text or ""):
        if match.group(1) not in seen:
            seen.add(match.group(1))
            found.append((" ".join(match.group(0).split()), match.group(1)))
    return found


# The review page's comment form carries a selection in these hidden inputs (filled by
# static/js/anchored-comments.js); without JavaScript they stay empty.
FORM_FIELDS = ("field", "section", "exact", "prefix", "suffix", "start", "end")


def form_values(post) -> dict:
    """The target inputs as posted (each cut to a sane length), to put back in the form."""
    return {name: post.get(f"target_{name}", "")[: anchoring.MAX_EXACT + 1] for name in FORM_FIELDS}


def target_from_form(post) -> dict | None:
    """The review form's target inputs as the API's `target` (None when no words were
    chosen), for `parse_target` to check like any other."""
    values = form_values(post)
    if not values["field"]:
        return None
    return {
        "field": values["field"],
        "section_key": values["section"],
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": values["exact"],
                "prefix": values["prefix"],
                "suffix": values["suffix"],
            },
            {
                "type": "TextPositionSelector",
                "start": parse_number(values["start"]),
                "end": parse_number(values["end"]),
            },
        ],
    }
