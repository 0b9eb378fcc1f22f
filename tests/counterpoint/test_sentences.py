"""Joining a title or a name into a message without doubling its punctuation."""

import pytest

from counterpoint.lib.sentences import sentences


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Sparta", "Imported Sparta. Check it."),
        ("From Sparta?", "Imported From Sparta? Check it."),
        ("Athens!", "Imported Athens! Check it."),
        ("Rome, etc.", "Imported Rome, etc. Check it."),
        ("Who was “right?”", "Imported Who was “right?” Check it."),
        ("Wait…", "Imported Wait… Check it."),
        ("Trailing space ", "Imported Trailing space. Check it."),
    ],
)
def test_a_full_stop_is_added_only_where_the_title_has_no_ending(title, expected):
    assert sentences(f"Imported {title}", "Check it.") == expected


def test_a_single_part_is_ended_too():
    assert sentences("You joined Year 9") == "You joined Year 9."
    assert sentences("You joined Who Ruled Best?") == "You joined Who Ruled Best?"
