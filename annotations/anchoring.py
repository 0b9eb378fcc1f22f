"""Where an annotation sits in its passage, and finding that place again after an edit.

An annotation remembers its place twice, as the W3C Web Annotation model and Hypothesis do: a
TextPositionSelector (`start`, `end`) and a TextQuoteSelector (`exact`, with up to `CONTEXT`
characters of `prefix` and `suffix` around it). Offsets are exact but go stale as soon as a
teacher adds a word earlier in the passage; the quote survives that. So when a passage changes,
`reanchor` tries, in order:

1. the old offsets, if the same text is still there ("position");
2. the exact quote anywhere in the passage, choosing between repeats by how well the words
   around each one match the saved context, then by closeness to the old place ("quote");
3. a fuzzy match for a quote that was itself edited: the text between the saved prefix and
   suffix (or between the quote's own first and last words), and failing that an approximate
   search near the old place, accepted only when it is still mostly the same text ("fuzzy");
4. otherwise the annotation is orphaned: better to say "we lost your place" than to pin a
   student's comment to words they never chose.

`validate` is the server's check of a selector made in the browser, with messages a student can
act on; `selector_for` builds a selector from offsets (after a re-anchor, in tests, in seeds);
`from_w3c` and `to_w3c` read and write a selector as a W3C selector list. Nothing here touches
the database or knows what the text is, so the reading page's passages, a teacher's comments on
a student's draft (essays/anchored.py), the API and the tests share it.

Offsets are Unicode code points
-------------------------------
Every offset here indexes a Python `str`, which counts code points. JavaScript strings, DOM
`Range` and `Selection` offsets count UTF-16 code units instead, in which every character
outside the Basic Multilingual Plane (most emoji, some CJK, mathematical letters) counts as two.
"é" written as one code point counts 1 in both; "👩‍🔬" is three code points (woman, zero-width
joiner, microscope) but five UTF-16 units. The browser must convert before sending and after
receiving, for example `Array.from(text.slice(0, utf16Offset)).length` to go from UTF-16 to code
points and `Array.from(text).slice(0, offset).join("").length` to come back. Left unconverted,
every selection after an emoji is off by one per astral character, and `validate` rejects it
as not matching the paragraph (or as running outside it, near the end). Offsets, prefix and
suffix must also be measured over the passage's text as stored (the element's `textContent`,
summed across any highlight elements), not over `Selection.toString()`, which can differ.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

CONTEXT = 32  # characters of prefix/suffix kept

# A student annotates a sentence or a paragraph, not a whole chapter; this also bounds the cost
# of a fuzzy re-anchor, which compares the old quote with candidates of about its length.
MAX_EXACT = 2000

# Context or quote fragments shorter than this turn up by chance too often to place a quote.
MIN_PIECE = 8

# How similar an edited quote must stay to its old self to keep its annotation. Between a
# saved prefix and suffix the place is already confirmed by context, so 0.6 (Hypothesis's
# order of magnitude) is enough; a search with no context to confirm it asks for more.
FUZZY_RATIO = 0.6
WINDOW_RATIO = 0.75

# An edited quote may shrink to half or grow by half, give or take a few characters so that a
# two-word quote can still gain a word.
LENGTH_SLACK = 4

# Approximate search compares the quote with a window about three times its length, which
# costs roughly length squared; past this it is slower than a passage save should be.
WINDOW_SEARCH_MAX = 500

# Bounds on work for repetitive passages where a short fragment occurs hundreds of times.
MAX_OCCURRENCES = 50
MAX_CANDIDATES = 8

# difflib's matcher costs at least one step per pair of equal characters in the two strings,
# times a few for its recursion: a quarter of a million pairs for two 2,000-character
# paragraphs of English (a tenth of a second), four million for "aaaa..." (seconds). One
# re-anchor may spend this many pairs before giving up on fuzzy matching, so a freakishly
# repetitive passage orphans an annotation (which a teacher can see and fix) instead of
# hanging the save of a passage. Scanning the passage for a quote or a piece of context is
# charged too, one unit per SCAN_CHARS characters looked at: str.find reads 1 MB in 1 to
# 10 ms, so a unit is about a microsecond, like a pair.
WORK_BUDGET = 1_000_000
SCAN_CHARS = 100

# Several re-anchors in one request share a budget of this many units besides their own: all
# the annotations of a passage a teacher saved, all the items of a W3C import. About a second
# of work on a 2-core machine, whatever the passages hold.
REQUEST_WORK_BUDGET = 2_000_000

Method = Literal["position", "quote", "fuzzy", "orphaned"]


class Budget:
    """Units of work a search may still spend; `parent`, if given, is charged as well (a
    request's budget shared by many re-anchors, each with its own cap)."""

    def __init__(self, units: int = WORK_BUDGET, parent: Budget | None = None):
        self.left = units
        self.parent = parent

    def afford(self, units: int) -> bool:
        """Spend `units` if both this budget and its parent have them; False otherwise."""
        if units > self.left or (self.parent is not None and units > self.parent.left):
            return False
        self.left -= units
        if self.parent is not None:
            self.parent.left -= units
        return True

    @property
    def spent(self) -> bool:
        return self.left <= 0 or (self.parent is not None and self.parent.spent)


@dataclass(frozen=True)
class Selector:
    """The W3C TextQuoteSelector and TextPositionSelector over one passage's text."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Anchor:
    """Where a selector lands in a passage's current text, and how it was found.

    `exact` is the text now at `start:end`, which differs from the old quote after a fuzzy
    match; save `selector_for(text, anchor.start, anchor.end)` to keep the row consistent.
    """

    start: int | None
    end: int | None
    exact: str | None
    method: Method

    @property
    def orphaned(self) -> bool:
        return self.method == "orphaned"


ORPHANED = Anchor(start=None, end=None, exact=None, method="orphaned")


class SelectorError(ValueError):
    """A selector from the browser that does not fit the passage.

    The message is shown to the student as is. `code` names the failure for the API and the
    tests, like the `code` of Django's `ValidationError`.
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


RELOAD = "Reload the page and select it again."
NOT_A_POSITION = f"The selection's position is missing or not a whole number. {RELOAD}"
OUT_OF_RANGE = f"The selection runs outside this paragraph. {RELOAD}"
EMPTY = "The selection is empty. Select at least one word of the paragraph."
TOO_LONG = f"The selection is too long. Select at most {MAX_EXACT:,} characters."
BLANK = "The selection contains only spaces. Select at least one word of the paragraph."
NOT_TEXT = f"The selected text is missing. {RELOAD}"
MISMATCH = f"The selected text does not match the paragraph at that position. {RELOAD}"
PREFIX_MISMATCH = (
    f"The words just before the selection do not match the paragraph. "
    f"It may have been edited since the page loaded. {RELOAD}"
)
SUFFIX_MISMATCH = (
    f"The words just after the selection do not match the paragraph. "
    f"It may have been edited since the page loaded. {RELOAD}"
)


def selector_for(text: str, start: int, end: int, *, context: int = CONTEXT) -> Selector:
    """The selector for `text[start:end]`, with up to `context` characters either side.

    Raises ValueError (a programming error, not a student's) unless 0 <= start < end <= len.
    """
    if not (_is_offset(start) and _is_offset(end) and 0 <= start < end <= len(text)):
        raise ValueError(f"Need 0 <= start < end <= {len(text)}, got start={start!r}, end={end!r}.")
    if not _is_offset(context) or context < 0:
        raise ValueError(f"Need a context of 0 or more characters, got {context!r}.")
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
        start=start,
        end=end,
    )


def validate(text: str, *, exact: str, prefix: str, suffix: str, start: int, end: int) -> Selector:
    """Check a selector computed in the browser against the passage the server holds.

    The browser could be looking at an older version of the passage, or convert offsets
    wrongly (see the module docstring), so the quote and any context it sends must match the
    text at those offsets exactly. The prefix may be shorter than `CONTEXT` near the start of
    the passage, and either may be left empty. Returns the selector recomputed from the text,
    so every stored prefix and suffix has the same length rule whatever the browser sent.
    Raises `SelectorError` with a message for the student otherwise.
    """
    if not (_is_offset(start) and _is_offset(end)):
        raise SelectorError(NOT_A_POSITION, code="not_a_position")
    if not all(isinstance(value, str) for value in (exact, prefix, suffix)):
        raise SelectorError(NOT_TEXT, code="not_text")
    if min(start, end) < 0 or max(start, end) > len(text):
        raise SelectorError(OUT_OF_RANGE, code="out_of_range")
    if start >= end:
        raise SelectorError(EMPTY, code="empty")
    if max(len(exact), end - start) > MAX_EXACT:
        raise SelectorError(TOO_LONG, code="too_long")
    if not exact.strip():
        raise SelectorError(BLANK, code="blank")
    if text[start:end] != exact:
        raise SelectorError(MISMATCH, code="mismatch")
    # Slicing from start - len(prefix) would wrap around to the end when the prefix is longer
    # than the text before the selection, so that case is checked first.
    if prefix and (len(prefix) > start or text[start - len(prefix) : start] != prefix):
        raise SelectorError(PREFIX_MISMATCH, code="prefix_mismatch")
    if suffix and text[end : end + len(suffix)] != suffix:
        raise SelectorError(SUFFIX_MISMATCH, code="suffix_mismatch")
    return selector_for(text, start, end)


# A W3C selector list from a client: a TextQuoteSelector and a TextPositionSelector, in either
# order. Anything more is refused rather than read, so a hostile list costs nothing.
MAX_SELECTORS = 4
NOT_A_LIST = (
    "The selector must be a list of a TextQuoteSelector and a TextPositionSelector, "
    "as in the W3C Web Annotation model."
)
NO_QUOTE = "The selector list needs a TextQuoteSelector with the selected words as `exact`."
NO_POSITION = (
    "The selector list needs a TextPositionSelector with the selection's `start` and `end`."
)
TWICE = "The selector list names the {kind} twice; send one of each."


def from_w3c(selectors: object) -> dict:
    """The keyword arguments of `validate` from a W3C selector list sent by a client.

    Shape only (is it a short list of one quote and one position selector, are the parts
    there); `validate` then checks them against the text. Raises SelectorError.
    """
    if not isinstance(selectors, list) or not 1 <= len(selectors) <= MAX_SELECTORS:
        raise SelectorError(NOT_A_LIST, code="not_a_list")
    quote = position = None
    for item in selectors:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "TextQuoteSelector":
            if quote is not None:
                raise SelectorError(TWICE.format(kind=kind), code="duplicate")
            quote = item
        elif kind == "TextPositionSelector":
            if position is not None:
                raise SelectorError(TWICE.format(kind=kind), code="duplicate")
            position = item
        else:
            raise SelectorError(NOT_A_LIST, code="not_a_list")
    if quote is None or "exact" not in quote:
        raise SelectorError(NO_QUOTE, code="no_quote")
    if position is None or "start" not in position or "end" not in position:
        raise SelectorError(NO_POSITION, code="no_position")
    return {
        "exact": quote["exact"],
        "prefix": quote.get("prefix", ""),
        "suffix": quote.get("suffix", ""),
        "start": position["start"],
        "end": position["end"],
    }


def to_w3c(selector: Selector) -> list[dict]:
    """`selector` as the W3C list `from_w3c` reads: TextQuoteSelector, TextPositionSelector."""
    return [
        {
            "type": "TextQuoteSelector",
            "exact": selector.exact,
            "prefix": selector.prefix,
            "suffix": selector.suffix,
        },
        {"type": "TextPositionSelector", "start": selector.start, "end": selector.end},
    ]


def reanchor(text: str, selector: Selector, *, budget: Budget | None = None) -> Anchor:
    """Find `selector` in `text`, the passage's current text, by the rules in the docstring.

    Never raises, whatever the text and however nonsensical the selector (negative offsets, an
    empty quote, a quote longer than the passage): anything that cannot be placed is orphaned.
    The search spends at most WORK_BUDGET units, and at most what is left of `budget` (a
    request's shared budget) when one is given; past that the annotation is orphaned.
    """
    budget = Budget(WORK_BUDGET, parent=budget)
    exact, prefix, suffix = selector.exact, selector.prefix, selector.suffix
    if not (isinstance(text, str) and isinstance(exact, str) and exact):
        return ORPHANED
    prefix = prefix if isinstance(prefix, str) else ""
    suffix = suffix if isinstance(suffix, str) else ""
    start = selector.start if _is_offset(selector.start) else None
    end = selector.end if _is_offset(selector.end) else None

    if start is not None and end is not None and 0 <= start < end <= len(text):
        if text[start:end] == exact:
            return Anchor(start=start, end=end, exact=exact, method="position")

    # Where the quote is expected: the old start, kept in the passage so distances compare.
    hint = min(max(start or 0, 0), len(text))

    found = _find_quote(text, exact, prefix, suffix, hint, budget)
    if found is not None:
        return Anchor(start=found, end=found + len(exact), exact=exact, method="quote")

    span = _find_fuzzy(text, exact, prefix, suffix, hint, budget)
    if span is not None:
        span_start, span_end = span
        return Anchor(
            start=span_start, end=span_end, exact=text[span_start:span_end], method="fuzzy"
        )
    return ORPHANED


def _is_offset(value: object) -> bool:
    """An int that is not a bool: JSON `true` must not pass as offset 1."""
    return isinstance(value, int) and not isinstance(value, bool)


def _occurrences(text: str, needle: str, hint: int, budget: Budget) -> list[int]:
    """Where `needle` starts in `text` (overlapping ones included, "aa" in "aaa"): the
    MAX_OCCURRENCES nearest `hint`, nearest first, found by reading outwards from it. A passage
    of a million "a" holds a million "a": listing them all took seconds. Each search is
    charged for the characters it read, and the search stops when the budget says no."""
    hint = min(max(hint, 0), len(text))
    after, before = [], []
    index = hint
    while len(after) < MAX_OCCURRENCES:
        found = text.find(needle, index)
        read = (found if found != -1 else len(text)) - index + len(needle)
        if not budget.afford(1 + read // SCAN_CHARS) or found == -1:
            break
        after.append(found)
        index = found + 1
    # Occurrences starting before the hint; each search ends just short of the last one found.
    end = min(len(text), hint + len(needle) - 1)
    while len(before) < MAX_OCCURRENCES:
        found = text.rfind(needle, 0, end)
        read = end - max(found, 0)
        if not budget.afford(1 + read // SCAN_CHARS) or found == -1:
            break
        before.append(found)
        end = found + len(needle) - 1
    found = sorted(after + before, key=lambda index: (abs(index - hint), index))
    return found[:MAX_OCCURRENCES]


def _common_prefix_length(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _common_suffix_length(a: str, b: str) -> int:
    return _common_prefix_length(a[::-1], b[::-1])


def _find_quote(
    text: str, exact: str, prefix: str, suffix: str, hint: int, budget: Budget
) -> int | None:
    """Start of the exact quote; among repeats, the one whose surroundings match best.

    The score counts matching characters reading outwards from the quote: the end of the saved
    prefix against the text just before, the start of the saved suffix against the text just
    after. Ties go to the occurrence nearest the old start, then the earlier one. Only the
    MAX_OCCURRENCES repeats nearest the old start are weighed.
    """
    found = _occurrences(text, exact, hint, budget)
    if len(found) <= 1:
        return found[0] if found else None

    def rank(index: int) -> tuple[int, int, int]:
        before = text[max(0, index - len(prefix)) : index]
        after = text[index + len(exact) : index + len(exact) + len(suffix)]
        score = _common_suffix_length(prefix, before) + _common_prefix_length(suffix, after)
        return (-score, abs(index - hint), index)

    return min(found, key=rank)


def _shrinking(length: int) -> list[int]:
    """Fragment lengths to try: all of it, then about three quarters at a time, to MIN_PIECE.

    A fragment already shorter than MIN_PIECE (a prefix near the start of the passage) is
    tried as it is.
    """
    lengths = []
    size = length
    while size > MIN_PIECE:
        lengths.append(size)
        size = max(MIN_PIECE, size * 3 // 4)
    if length > 0:
        lengths.append(min(length, MIN_PIECE))
    return lengths


def _anchors(
    text: str, pieces: list[str], hint: int, budget: Budget, *, after: bool
) -> dict[int, int]:
    """Positions where one of `pieces` occurs, mapped to the length of the longest one there.

    With `after`, the position is the end of the occurrence (where a quote that the piece
    precedes would start); otherwise its start. Only the MAX_OCCURRENCES nearest `hint` are
    kept for each piece, so that pairing starts with ends stays small in a repetitive passage.
    """
    found: dict[int, int] = {}
    for piece in pieces:
        for index in _occurrences(text, piece, hint, budget):
            position = index + len(piece) if after else index
            found[position] = max(found.get(position, 0), len(piece))
    return found


class _Judge:
    """Says how similar candidates are to one old quote, within WORK_BUDGET for a re-anchor."""

    def __init__(self, exact: str, budget: Budget):
        self.exact = exact
        self.budget = budget

    def afford(self, a: str, b: str) -> bool:
        """Charge for matching `a` against `b` if the budget allows it."""
        counts = Counter(b)
        return self.budget.afford(sum(counts[char] for char in a))

    def ratio(self, candidate: str) -> float:
        """difflib's ratio, 2 * matches / total length, with the shared ends counted directly.

        An edited quote usually keeps its first and last words, and matching those in plain
        Python first leaves difflib only the changed middle. Returns 0.0 once the budget is
        spent. autojunk is off: it ignores every common letter in strings over 200 characters,
        which makes two near-identical paragraphs look unrelated.
        """
        exact = self.exact
        head = _common_prefix_length(exact, candidate)
        tail = _common_suffix_length(exact[head:], candidate[head:])
        matches = head + tail
        exact_middle = exact[head : len(exact) - tail]
        candidate_middle = candidate[head : len(candidate) - tail]
        if exact_middle and candidate_middle:
            if not self.afford(exact_middle, candidate_middle):
                return 0.0
            matcher = SequenceMatcher(None, exact_middle, candidate_middle, autojunk=False)
            matches += sum(block.size for block in matcher.get_matching_blocks())
        return 2 * matches / (len(exact) + len(candidate))


def _length_fits(exact: str, length: int) -> bool:
    """Whether an edited quote of `length` characters could still be the same quote."""
    return (
        max(1, len(exact) // 2 - LENGTH_SLACK)
        <= length
        <= len(exact) + len(exact) // 2 + LENGTH_SLACK
    )


def _trim(text: str, exact: str, start: int, end: int) -> tuple[int, int]:
    """Drop whitespace at the edges of a fuzzy match unless the old quote had it there too."""
    if not exact[0].isspace():
        while start < end and text[start].isspace():
            start += 1
    if not exact[-1].isspace():
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


def _find_fuzzy(
    text: str, exact: str, prefix: str, suffix: str, hint: int, budget: Budget
) -> tuple[int, int] | None:
    """Span of an edited quote, from its surroundings or, failing that, by approximate search.

    Start candidates are where the saved prefix ends (its last characters, shrinking) and where
    the quote's own first characters still occur; end candidates are where the suffix starts
    and where the quote's last characters still end. An empty prefix means the quote opened
    the passage, so it starts at 0; an empty suffix means it ends the passage. Pairs of a
    start and an end at a plausible distance are compared with the old quote, strongest
    context first, and the most similar one at or above FUZZY_RATIO wins.
    """
    length = len(exact)
    starts = _anchors(
        text, [prefix[-size:] for size in _shrinking(len(prefix))], hint, budget, after=True
    )
    ends = _anchors(
        text,
        [suffix[:size] for size in _shrinking(len(suffix))],
        hint + length,
        budget,
        after=False,
    )
    # An edge of the passage is as sure a boundary as a full context.
    if not prefix:
        starts[0] = max(starts.get(0, 0), CONTEXT)
    if not suffix:
        ends[len(text)] = max(ends.get(len(text), 0), CONTEXT)
    # A long quote's own first and last words bound it when the words around it were edited.
    if length >= 2 * MIN_PIECE:
        edges = _shrinking(min(CONTEXT, length // 2))
        heads = _anchors(text, [exact[:size] for size in edges], hint, budget, after=False)
        tails = _anchors(text, [exact[-size:] for size in edges], hint + length, budget, after=True)
        for position, strength in heads.items():
            starts[position] = max(starts.get(position, 0), strength)
        for position, strength in tails.items():
            ends[position] = max(ends.get(position, 0), strength)

    shortest = max(1, length // 2 - LENGTH_SLACK)
    longest = length + length // 2 + LENGTH_SLACK
    end_positions = sorted(ends)
    pairs: dict[tuple[int, int], int] = {}
    for start, start_strength in starts.items():
        low = bisect.bisect_left(end_positions, start + shortest)
        high = bisect.bisect_right(end_positions, start + longest)
        for end in end_positions[low:high]:
            pairs[(start, end)] = start_strength + ends[end]

    judge = _Judge(exact, budget)
    # Strongest context first: once a candidate is accepted, only ones as well placed as it
    # may still beat it on similarity.
    ranked = sorted(pairs, key=lambda pair: (-pairs[pair], abs(pair[0] - hint), pair[0]))
    best: tuple[float, int, int] | None = None
    best_strength = 0
    for pair in ranked[:MAX_CANDIDATES]:
        if best is not None and pairs[pair] < best_strength:
            break
        start, end = _trim(text, exact, *pair)
        if not _length_fits(exact, end - start):
            continue
        candidate = text[start:end]
        # quick_ratio counts shared characters in any order: an upper bound, in linear time.
        bound = SequenceMatcher(None, exact, candidate, autojunk=False).quick_ratio()
        if bound < FUZZY_RATIO or (best is not None and bound <= best[0]):
            continue
        ratio = judge.ratio(candidate)
        if ratio >= FUZZY_RATIO and (best is None or ratio > best[0]):
            best, best_strength = (ratio, start, end), pairs[pair]
    if best is not None:
        return best[1], best[2]

    if MIN_PIECE <= length <= WINDOW_SEARCH_MAX:
        centres = [hint]
        if starts:
            centres.append(max(starts, key=lambda position: (starts[position], -position)))
        if ends:
            centres.append(max(ends, key=lambda position: (ends[position], -position)) - length)
        return _search_windows(text, judge, centres)
    return None


def _search_windows(text: str, judge: _Judge, centres: list[int]) -> tuple[int, int] | None:
    """Approximate search for a quote whose context is gone, near where it is expected.

    Each window spans the quote's expected place plus its own length (at least 2 * CONTEXT)
    on either side. The longest run the quote shares with the window fixes an alignment; the
    first and last runs of two or more matching characters around that alignment give the
    span. It must reach WINDOW_RATIO, higher than between confirmed context, since nothing
    else vouches for it.
    """
    exact = judge.exact
    length = len(exact)
    pad = max(length, 2 * CONTEXT)
    best: tuple[float, int, int] | None = None
    seen: set[tuple[int, int]] = set()
    for centre in centres:
        low = max(0, min(centre, len(text)) - pad)
        high = min(len(text), max(centre, 0) + length + pad)
        if (low, high) in seen or high <= low:
            continue
        seen.add((low, high))
        span = _approximate(text, judge, low, high)
        if span is None:
            continue
        start, end = _trim(text, exact, *span)
        if not _length_fits(exact, end - start):
            continue
        ratio = judge.ratio(text[start:end])
        if ratio >= WINDOW_RATIO and (best is None or ratio > best[0]):
            best = (ratio, start, end)
    return (best[1], best[2]) if best else None


def _approximate(text: str, judge: _Judge, low: int, high: int) -> tuple[int, int] | None:
    """Best guess at where the quote lies within `text[low:high]`, as offsets into `text`."""
    window = text[low:high]
    exact = judge.exact
    length = len(exact)
    if not judge.afford(window, exact):
        return None
    seed = SequenceMatcher(None, window, exact, autojunk=False).find_longest_match(
        0, len(window), 0, length
    )
    if seed.size == 0:
        return None
    slack = length // 4 + LENGTH_SLACK
    region_start = max(0, seed.a - seed.b - slack)
    region = window[region_start : seed.a + (length - seed.b) + slack]
    if not judge.afford(region, exact):
        return None
    blocks = [
        block
        for block in SequenceMatcher(None, region, exact, autojunk=False).get_matching_blocks()
        if block.size >= 2
    ]
    if not blocks:
        return None
    start = low + region_start + blocks[0].a
    end = low + region_start + blocks[-1].a + blocks[-1].size
    return start, end
