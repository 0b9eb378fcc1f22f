"""anchoring.from_w3c / to_w3c: a W3C selector list read with a bounded shape, so the
re-anchoring code serves any plain text (a passage, or a student's paragraph)."""

import pytest

from annotations import anchoring

TEXT = "Khrushchev denounced Stalin in 1956, and released prisoners."


def test_a_selector_survives_a_round_trip_through_the_w3c_list():
    selector = anchoring.selector_for(TEXT, 21, 27)

    parsed = anchoring.validate(TEXT, **anchoring.from_w3c(anchoring.to_w3c(selector)))

    assert parsed == selector and parsed.exact == "Stalin"


def test_either_order_is_read():
    quote, position = anchoring.to_w3c(anchoring.selector_for(TEXT, 21, 27))

    assert anchoring.from_w3c([position, quote])["start"] == 21


@pytest.mark.parametrize(
    ("selectors", "code"),
    [
        (None, "not_a_list"),
        ({"type": "TextQuoteSelector"}, "not_a_list"),
        ([], "not_a_list"),
        (
            [{"type": "TextQuoteSelector", "exact": "a"}] * (anchoring.MAX_SELECTORS + 1),
            "not_a_list",
        ),
        (["TextQuoteSelector"], "not_a_list"),
        ([{"type": "CssSelector", "value": "#p1"}], "not_a_list"),
        (
            [{"type": "TextQuoteSelector"}, {"type": "TextPositionSelector", "start": 0, "end": 1}],
            "no_quote",
        ),
        (
            [{"type": "TextQuoteSelector", "exact": "K"}, {"type": "TextPositionSelector"}],
            "no_position",
        ),
        ([{"type": "TextQuoteSelector", "exact": "K"}] * 2, "duplicate"),
    ],
)
def test_a_malformed_list_is_refused_with_a_code(selectors, code):
    with pytest.raises(anchoring.SelectorError) as refusal:
        anchoring.from_w3c(selectors)

    assert refusal.value.code == code


def test_a_selector_whose_parts_are_the_wrong_type_is_refused_by_validate():
    parts = anchoring.from_w3c(
        [
            {"type": "TextQuoteSelector", "exact": ["Stalin"]},
            {"type": "TextPositionSelector", "start": "21", "end": 27},
        ]
    )

    with pytest.raises(anchoring.SelectorError) as refusal:
        anchoring.validate(TEXT, **parts)

    assert refusal.value.code == "not_a_position"
