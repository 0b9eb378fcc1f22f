"""The annotate form pre-ticks the subject a selection is about: the names it looks for
(static/js/annotator.js nameForms/namesIn), tried on sentences of the demo texts."""

from pathlib import Path

import pytest

from tests.browser.test_annotator_js import reader, static_server  # noqa: F401 (fixtures)
from tests.browser.test_comparison_flow import ARTICLE as ATHENS_AND_SPARTA

ROOT = Path(__file__).resolve().parents[2]
KHRUSHCHEV_AND_STALIN = (ROOT / "comparisons/demo/khrushchev-stalin.md").read_text()

CASES = [
    (ATHENS_AND_SPARTA, ["Athens", "Sparta"], "Athenian boys studied music", ["Athens"]),
    (ATHENS_AND_SPARTA, ["Athens", "Sparta"], "Spartan boys left home", ["Sparta"]),
    (ATHENS_AND_SPARTA, ["Athens", "Sparta"], "Athens let its citizens vote", ["Athens"]),
    (ATHENS_AND_SPARTA, ["Athens", "Sparta"], "Two Greek city-states", []),
    (KHRUSHCHEV_AND_STALIN, ["Stalin", "Khrushchev"], "Stalin's rule at home", ["Stalin"]),
    (
        KHRUSHCHEV_AND_STALIN,
        ["Stalin", "Khrushchev"],
        "Khrushchev's most famous act",
        ["Khrushchev"],
    ),
    (KHRUSHCHEV_AND_STALIN, ["Stalin", "Khrushchev"], "Yet de-Stalinisation had", ["Stalin"]),
    (KHRUSHCHEV_AND_STALIN, ["Stalin", "Khrushchev"], "Real changes followed.", []),
    (
        KHRUSHCHEV_AND_STALIN,
        ["Stalin", "Khrushchev"],
        "Stalin tried to force the West out of Berlin with a blockade, while Khrushchev",
        ["Stalin", "Khrushchev"],
    ),
]


@pytest.mark.parametrize(("text", "names", "sentence", "expected"), CASES)
def test_subject_names_are_found_in_their_usual_forms(reader, text, names, sentence, expected):  # noqa: F811
    assert sentence in text  # the demo text still says it
    found = reader.evaluate(
        """async ([sentence, names]) => {
            const m = await import("/static/js/annotator.js");
            return m.namesIn(sentence, names);
        }""",
        [sentence, names],
    )
    assert found == expected


def test_only_stems_of_four_letters_or_more_are_looked_for(reader):  # noqa: F811
    forms = reader.evaluate(
        """async () => {
            const m = await import("/static/js/annotator.js");
            return ["Athens", "Sparta", "Germany", "Rome", "Stalin", " "].map(m.nameForms);
        }"""
    )
    assert forms == [
        ["Athens", "Athen"],
        ["Sparta", "Spart"],
        ["Germany", "German"],
        ["Rome"],
        ["Stalin"],
        [],
    ]
