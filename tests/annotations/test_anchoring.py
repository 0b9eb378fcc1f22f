"""Anchoring an annotation to its passage: building, checking and re-finding selectors.

Plain functions over strings, so no database: examples first, then properties checked with
Hypothesis over arbitrary (including non-Latin) text.
"""

import time
from dataclasses import asdict

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotations.anchoring import (
    CONTEXT,
    MAX_EXACT,
    Anchor,
    Selector,
    SelectorError,
    reanchor,
    selector_for,
    validate,
)

PASSAGE = (
    "Lenin argued with his comrades and sometimes lost the vote. Stalin ruled alone through "
    "terror, and the purges removed every rival who might challenge him. By 1938 the Party "
    "that Lenin had led was unrecognisable."
)


def select(text: str, quote: str, occurrence: int = 0) -> Selector:
    """The selector a browser would make for the `occurrence`-th copy of `quote` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return selector_for(text, start, start + len(quote))


def copies(text: str, quote: str) -> int:
    """How often `quote` occurs in `text`, counting overlaps (str.count does not)."""
    return sum(text.startswith(quote, index) for index in range(len(text)))


def sent(selector: Selector, **changes) -> dict:
    """A selector as the browser posts it, optionally tampered with."""
    return {**asdict(selector), **changes}


# selector_for


def test_selector_keeps_context_characters_either_side():
    selector = select(PASSAGE, "the purges")

    assert selector.exact == "the purges"
    assert selector.prefix == PASSAGE[selector.start - CONTEXT : selector.start]
    assert selector.suffix == PASSAGE[selector.end : selector.end + CONTEXT]
    assert len(selector.prefix) == len(selector.suffix) == CONTEXT


def test_selector_context_is_clipped_at_the_ends_of_the_text():
    text = "Lenin argued. Stalin ruled."

    first = selector_for(text, 0, 5)
    last = selector_for(text, 21, len(text))

    assert (first.exact, first.prefix, first.suffix) == ("Lenin", "", " argued. Stalin ruled.")
    assert (last.exact, last.prefix, last.suffix) == ("ruled.", "Lenin argued. Stalin ", "")


@pytest.mark.parametrize("start, end", [(3, 3), (4, 2), (-1, 2), (0, 99), (True, 2)])
def test_selector_for_refuses_an_impossible_span(start, end):
    with pytest.raises(ValueError, match="Need 0 <= start < end"):
        selector_for("Lenin argued.", start, end)


# validate


def test_validate_accepts_a_selector_made_in_the_browser():
    selector = select(PASSAGE, "the purges removed every rival")

    assert validate(PASSAGE, **asdict(selector)) == selector


def test_validate_accepts_shorter_or_missing_context_and_stores_the_full_context():
    selector = select(PASSAGE, "the purges")

    checked = validate(PASSAGE, **sent(selector, prefix=selector.prefix[-5:], suffix=""))

    assert checked == selector


def test_validate_rejects_a_quote_that_does_not_match_the_text_at_its_offsets():
    selector = select(PASSAGE, "the purges")

    with pytest.raises(SelectorError, match="does not match the paragraph at that position") as e:
        validate(PASSAGE, **sent(selector, exact="the purgez"))

    assert e.value.code == "mismatch"
    assert str(e.value).endswith("Reload the page and select it again.")


def test_validate_rejects_offsets_that_point_at_other_words():
    selector = select(PASSAGE, "the purges")

    with pytest.raises(SelectorError) as e:
        validate(PASSAGE, **sent(selector, start=selector.start + 1, end=selector.end + 1))

    assert e.value.code == "mismatch"


@pytest.mark.parametrize("start, end", [(10, 10), (12, 10)])
def test_validate_rejects_an_empty_or_backwards_selection(start, end):
    with pytest.raises(SelectorError, match="The selection is empty") as e:
        validate(PASSAGE, exact="", prefix="", suffix="", start=start, end=end)

    assert e.value.code == "empty"


def test_validate_rejects_offsets_past_the_end_of_the_paragraph():
    with pytest.raises(SelectorError, match="runs outside this paragraph") as e:
        validate(PASSAGE, exact="x", prefix="", suffix="", start=len(PASSAGE), end=len(PASSAGE) + 1)

    assert e.value.code == "out_of_range"


def test_validate_rejects_a_negative_offset():
    with pytest.raises(SelectorError, match="runs outside this paragraph") as e:
        validate(PASSAGE, exact="Lenin", prefix="", suffix="", start=-1, end=5)

    assert e.value.code == "out_of_range"


@pytest.mark.parametrize("start", ["0", 0.0, None, True])
def test_validate_rejects_offsets_that_are_not_whole_numbers(start):
    with pytest.raises(SelectorError, match="not a whole number") as e:
        validate(PASSAGE, exact="Lenin", prefix="", suffix="", start=start, end=5)

    assert e.value.code == "not_a_position"


def test_validate_rejects_a_selection_of_only_whitespace():
    start = PASSAGE.index(" ")

    with pytest.raises(SelectorError, match="only spaces") as e:
        validate(PASSAGE, **asdict(selector_for(PASSAGE, start, start + 1)))

    assert e.value.code == "blank"


def test_validate_rejects_a_prefix_that_does_not_match_the_text_before():
    selector = select(PASSAGE, "the purges")

    with pytest.raises(SelectorError, match="words just before the selection") as e:
        validate(PASSAGE, **sent(selector, prefix="terror, but "))

    assert e.value.code == "prefix_mismatch"


def test_validate_rejects_a_prefix_longer_than_the_text_before_the_selection():
    # text[start - len(prefix):start] would wrap round to the end of the text.
    selector = select(PASSAGE, "argued")

    with pytest.raises(SelectorError) as e:
        validate(PASSAGE, **sent(selector, prefix="unrecognisable. Lenin "))

    assert e.value.code == "prefix_mismatch"


def test_validate_rejects_a_suffix_that_does_not_match_the_text_after():
    selector = select(PASSAGE, "the purges")

    with pytest.raises(SelectorError, match="words just after the selection") as e:
        validate(PASSAGE, **sent(selector, suffix=" added every"))

    assert e.value.code == "suffix_mismatch"


def test_validate_rejects_an_over_long_selection_and_says_how_long_it_may_be():
    text = "word " * 500
    selector = selector_for(text, 0, MAX_EXACT + 1)

    with pytest.raises(SelectorError, match="too long. Select at most 2,000 characters") as e:
        validate(text, **asdict(selector))

    assert e.value.code == "too_long"
    assert validate(text, **asdict(selector_for(text, 0, MAX_EXACT))).end == MAX_EXACT


LONG_PASSAGE = PASSAGE * 12  # over MAX_EXACT characters

REJECTIONS = {
    "not_a_position": dict(exact="Lenin", start="0", end=5),
    "not_text": dict(exact=None, start=0, end=5),
    "out_of_range": dict(exact="Lenin", start=-1, end=5),
    "empty": dict(exact="", start=5, end=5),
    "too_long": dict(exact=LONG_PASSAGE[: MAX_EXACT + 1], start=0, end=MAX_EXACT + 1),
    "blank": dict(exact=" ", start=5, end=6),
    "mismatch": dict(exact="Lenim", start=0, end=5),
    "prefix_mismatch": dict(exact="argued", prefix="Lenim ", start=6, end=12),
    "suffix_mismatch": dict(exact="argued", suffix=" witH", start=6, end=12),
}


@pytest.mark.parametrize("code, fields", REJECTIONS.items(), ids=REJECTIONS)
def test_each_rejection_has_its_own_code(code, fields):
    with pytest.raises(SelectorError) as e:
        validate(LONG_PASSAGE, **{"prefix": "", "suffix": "", **fields})

    assert e.value.code == code


def test_each_rejection_has_its_own_message():
    messages = set()
    for fields in REJECTIONS.values():
        with pytest.raises(SelectorError) as e:
            validate(LONG_PASSAGE, **{"prefix": "", "suffix": "", **fields})
        messages.add(str(e.value))

    assert len(messages) == len(REJECTIONS)


# reanchor


def test_unchanged_text_keeps_the_same_offsets():
    selector = select(PASSAGE, "the purges removed every rival")

    assert reanchor(PASSAGE, selector) == Anchor(
        start=selector.start, end=selector.end, exact=selector.exact, method="position"
    )


def test_text_inserted_before_the_quote_moves_the_anchor_with_it():
    selector = select(PASSAGE, "the purges removed every rival")
    edited = "In Russia, " + PASSAGE

    anchor = reanchor(edited, selector)

    assert anchor.method == "quote"
    assert anchor.start == selector.start + len("In Russia, ")
    assert edited[anchor.start : anchor.end] == selector.exact


def test_a_repeated_quote_is_found_by_its_context():
    text = "Lenin led the Party by argument. Stalin led the Party by fear."
    first = select(text, "led the Party")
    second = select(text, "led the Party", occurrence=1)
    edited = "After 1917, " + text.replace("by fear", "through fear")

    assert edited[reanchor(edited, first).start :].startswith("led the Party by argument")
    assert edited[reanchor(edited, second).start :].startswith("led the Party through fear")
    assert reanchor(edited, second).method == "quote"


def test_a_repeated_quote_with_no_context_left_goes_to_the_copy_nearest_its_old_place():
    text = "yes. yes. yes."
    selector = Selector(exact="yes", prefix="", suffix="", start=6, end=9)

    anchor = reanchor("no " + text, selector)

    assert (anchor.method, anchor.start) == ("quote", 8)


def test_a_word_changed_inside_the_quote_is_found_fuzzily():
    selector = select(PASSAGE, "the purges removed every rival")
    edited = PASSAGE.replace("removed every", "eliminated each")

    anchor = reanchor(edited, selector)

    assert anchor.method == "fuzzy"
    assert anchor.exact == "the purges eliminated each rival"
    assert edited[anchor.start : anchor.end] == anchor.exact


def test_an_edited_quote_at_the_start_of_the_passage_starts_at_zero():
    selector = select(PASSAGE, "Lenin argued with his comrades")
    edited = PASSAGE.replace("Lenin argued with", "Lenin quarrelled with")

    anchor = reanchor(edited, selector)

    assert (anchor.method, anchor.start, anchor.exact) == (
        "fuzzy",
        0,
        "Lenin quarrelled with his comrades",
    )


def test_an_edited_quote_whose_context_was_also_rewritten_is_found_near_its_old_place():
    selector = select(PASSAGE, "the purges removed every rival")
    edited = (
        "Lenin argued with his comrades and sometimes lost the vote. Stalin, feared by all, "
        "used terror; the purges removed each rival, so nobody could challenge him. By 1938 "
        "the Party that Lenin had led was unrecognisable."
    )

    anchor = reanchor(edited, selector)

    assert (anchor.method, anchor.exact) == ("fuzzy", "the purges removed each rival")


def test_a_deleted_quote_is_orphaned():
    selector = select(PASSAGE, "the purges removed every rival")
    edited = PASSAGE.replace("the purges removed every rival who might challenge him", "")

    assert reanchor(edited, selector) == Anchor(None, None, None, "orphaned")
    assert reanchor(edited, selector).orphaned


def test_a_quote_rewritten_beyond_recognition_is_orphaned():
    selector = select(PASSAGE, "the purges removed every rival")
    edited = PASSAGE.replace("the purges removed every rival", "opposition vanished")

    assert reanchor(edited, selector).orphaned


def test_a_very_repetitive_passage_stays_within_the_work_budget():
    # Unbounded, difflib needs seconds per comparison here; the budget keeps it to a few ms.
    old = "a" * 3000 + "b" + "a" * 7000
    selector = selector_for(old, 1001, 3001)

    began = time.perf_counter()
    anchor = reanchor("a" * 10_000, selector)

    assert time.perf_counter() - began < 2
    assert anchor.method == "fuzzy"
    assert set(anchor.exact) == {"a"}


def test_an_emptied_passage_orphans_everything():
    assert reanchor("", select(PASSAGE, "Lenin")).orphaned


@pytest.mark.parametrize(
    "selector",
    [
        Selector(exact="", prefix="", suffix="", start=0, end=0),
        Selector(exact="Lenin", prefix="x" * 500, suffix="", start=-40, end=-35),
        Selector(exact=PASSAGE * 3, prefix="", suffix="", start=0, end=3 * len(PASSAGE)),
        Selector(exact="zzzz", prefix="", suffix="", start=10**9, end=5),
    ],
)
def test_a_nonsense_selector_never_raises(selector):
    assert reanchor(PASSAGE, selector).method in {"quote", "orphaned"}


# Unicode: offsets are code points, which is what Python indexes


def test_accented_text_is_indexed_by_code_point():
    text = "L'économie soviétique était planifiée; la collectivisation fut brutale."
    selector = select(text, "la collectivisation")

    assert selector.start == 39
    assert validate(text, **asdict(selector)) == selector
    assert reanchor("En bref, " + text, selector).start == 39 + len("En bref, ")


def test_emoji_count_as_their_code_points_not_utf16_units():
    text = "Lenin 🙂 argued; Stalin 👩‍🔬 ruled alone through terror."
    selector = select(text, "ruled alone")
    # A browser offset is in UTF-16 units: each astral character (🙂, 👩, 🔬) counts twice.
    utf16_start = len(text[: selector.start].encode("utf-16-le")) // 2

    assert utf16_start == selector.start + 3
    assert validate(text, **asdict(selector)) == selector
    with pytest.raises(SelectorError, match="does not match"):
        validate(text, **sent(selector, start=utf16_start, end=utf16_start + 11))


def test_right_to_left_text_and_direction_marks_are_kept_in_the_quote():
    text = "The slogan \u200fשלום לכולם\u200e was painted on the wall."
    selector = select(text, "\u200fשלום לכולם\u200e")

    assert validate(text, **asdict(selector)) == selector
    anchor = reanchor("Later, " + text.replace("painted", "written"), selector)
    assert (anchor.method, anchor.exact) == ("quote", "\u200fשלום לכולם\u200e")


def test_an_edited_quote_with_emoji_is_found_fuzzily():
    text = "Stalin 👩‍🔬 ruled alone through terror, and the purges removed every rival."
    selector = select(text, "ruled alone through terror")

    anchor = reanchor(text.replace("alone", "by himself"), selector)

    assert (anchor.method, anchor.exact) == ("fuzzy", "ruled by himself through terror")


# Properties

any_text = st.one_of(
    st.text(min_size=1),
    # A tiny alphabet makes repeats, overlaps and chance matches of context common.
    st.text(alphabet="ab .", min_size=1),
)


@st.composite
def texts_with_spans(draw, texts=any_text):
    text = draw(texts)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@st.composite
def edits_outside_the_span(draw):
    """A text, a span, and the text after inserting, deleting or replacing outside it."""
    text, start, end = draw(texts_with_spans())
    before = draw(st.booleans())
    low, high = (0, start) if before else (end, len(text))
    edit_start = draw(st.integers(low, high))
    edit_end = draw(st.integers(edit_start, high))
    replacement = draw(st.one_of(st.text(max_size=20), st.text(alphabet="ab .", max_size=20)))
    edited = text[:edit_start] + replacement + text[edit_end:]
    shift = len(replacement) - (edit_end - edit_start) if before else 0
    return text, start, end, edited, start + shift


@st.composite
def edits_anywhere(draw):
    """A text, a selector made for it, and the text after an edit that may hit the quote."""
    text, start, end = draw(texts_with_spans())
    edit_start = draw(st.integers(0, len(text)))
    edit_end = draw(st.integers(edit_start, len(text)))
    replacement = draw(st.text(alphabet="ab .", max_size=20))
    return text[:edit_start] + replacement + text[edit_end:], selector_for(text, start, end)


nonsense_selectors = st.builds(
    Selector,
    exact=st.one_of(st.text(max_size=40), st.text(alphabet="ab .", max_size=40)),
    prefix=st.one_of(st.text(max_size=40), st.text(alphabet="ab .", max_size=40)),
    suffix=st.one_of(st.text(max_size=40), st.text(alphabet="ab .", max_size=40)),
    start=st.integers(-100, 300),
    end=st.integers(-100, 300),
)


@settings(max_examples=200, deadline=None)
@given(texts_with_spans())
def test_any_selection_round_trips_through_validate_and_reanchors_in_place(case):
    text, start, end = case
    selector = selector_for(text, start, end)
    assume(selector.exact.strip())

    assert validate(text, **asdict(selector)) == selector
    assert reanchor(text, selector) == Anchor(start, end, selector.exact, "position")


@settings(max_examples=200, deadline=None)
@given(edits_outside_the_span())
def test_edits_outside_the_quote_never_lose_it(case):
    text, start, end, edited, moved_start = case
    selector = selector_for(text, start, end)

    anchor = reanchor(edited, selector)

    assert anchor.method in {"position", "quote"}
    assert edited[anchor.start : anchor.end] == selector.exact
    if copies(edited, selector.exact) == 1:
        assert anchor.start == moved_start


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.tuples(any_text, nonsense_selectors), edits_anywhere()))
def test_reanchor_never_raises_and_what_it_finds_is_really_there(case):
    text, selector = case

    anchor = reanchor(text, selector)

    if anchor.orphaned:
        assert (anchor.start, anchor.end, anchor.exact) == (None, None, None)
    else:
        assert anchor.method in {"position", "quote", "fuzzy"}
        assert 0 <= anchor.start < anchor.end <= len(text)
        assert text[anchor.start : anchor.end] == anchor.exact
