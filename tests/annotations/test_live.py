"""annotations.live: the poll's fingerprint and when a delta is enough (plain data)."""

from datetime import UTC, datetime

import pytest

from annotations import live
from annotations.live import Fingerprint


def fingerprint(**changes):
    values = {
        "user_id": 7,
        "role": "student",
        "gated": False,
        "count": 40,
        "latest": 1_800_000_000.5,
        "max_pk": 120,
        "total": 2_000,
    }
    values.update(changes)
    return Fingerprint(**values)


def test_an_etag_reads_back_as_the_fingerprint_it_was_made_from():
    made = Fingerprint.of(
        user_id=7,
        role="teacher",
        gated=False,
        count=3,
        latest=datetime(2026, 11, 27, 9, 30, 0, 123456, tzinfo=UTC),
        max_pk=12,
        total=30,
    )

    assert made.etag.startswith('"v4-7-t-0-w-3-')
    assert made.etag.endswith('-12-30"')
    assert Fingerprint.parse(made.etag) == made


def test_an_empty_assignment_has_a_fingerprint_too():
    made = Fingerprint.of(
        user_id=1, role="student", gated=True, count=0, latest=None, max_pk=None, total=None
    )

    assert Fingerprint.parse(made.etag) == made
    assert made.latest == 0.0 and made.max_pk == 0 and made.total == 0


@pytest.mark.parametrize(
    "etag",
    [
        None,
        "",
        '"none"',
        '"7-1-3-1700000000.000000-0-0-1"',
        '"v2-7-1-1-3-1700000000.000000-9"',  # the format before fingerprints were per viewer
        '"v3-7-x-0-3-1.0-3-6"',
        '"v3-7-s-0-x-1.0-3-6"',
        'W/"v3"',
        '"v3-7-s-0-3-1.0-3-6"',  # the format before small groups
        '"v4-7-s-0-x-3-1.0-3-6"',
    ],
)
def test_anything_else_is_no_fingerprint(etag):
    assert Fingerprint.parse(etag) is None


def test_a_delta_starts_a_little_before_the_newest_change_the_client_saw():
    held = fingerprint()

    assert live.delta_since(held, fingerprint(count=41)) == held.latest - live.OVERLAP_SECONDS


@pytest.mark.parametrize(
    ("held", "now"),
    [
        (None, fingerprint()),
        (fingerprint(user_id=8), fingerprint()),  # someone else's ETag
        (fingerprint(role="teacher"), fingerprint()),  # the role changed
        (fingerprint(gated=True), fingerprint()),  # think-first is over
        (fingerprint(gated=True), fingerprint(gated=True)),  # still thinking first
    ],
)
def test_no_delta_when_the_client_holds_nothing_of_ours_or_access_changed(held, now):
    assert live.delta_since(held, now) is None


def test_a_delta_is_complete_when_new_rows_explain_the_count_and_the_ids():
    held = fingerprint(count=40, total=2_000)

    assert live.delta_is_complete(
        held, fingerprint(count=43, total=2_366), inserted=[121, 122, 123], left=[]
    )
    # One row deleted outright while three were added: the count does not add up.
    assert not live.delta_is_complete(
        held, fingerprint(count=42, total=2_300), inserted=[121, 122, 123], left=[]
    )
    # A row that committed late, with an id below the highest the client saw.
    assert not live.delta_is_complete(
        held, fingerprint(count=41, total=2_100), inserted=[], left=[]
    )
    # A card hidden by the teacher: it leaves, and is taken away.
    assert live.delta_is_complete(held, fingerprint(count=39, total=1_950), inserted=[], left=[50])


def test_a_row_that_leaves_as_another_arrives_is_caught_by_the_sum_of_ids():
    held = fingerprint(count=40, total=2_000)
    # Row 50 was made private (the viewer cannot know) while row 70 was shown again: the
    # count is the same, the sum of ids is not.
    now = fingerprint(count=40, total=2_020)

    assert not live.delta_is_complete(held, now, inserted=[], left=[])


def test_replies_refresh_the_card_they_belong_to_once_newest_first():
    rows = [(5, None), (9, 5), (11, 5), (12, None), (13, 12), (14, None)]

    assert live.cards_to_refresh(rows) == [14, 12, 5]


def test_open_card_ids_keep_only_ids():
    assert live.open_card_ids("3, 14,junk,,-2,15") == {3, 14, 15}
    assert live.open_card_ids(None) == set()
    assert len(live.open_card_ids(",".join(str(n) for n in range(1000)))) == live.OPEN_MAX


def test_order_keys_sort_as_the_panel_does():
    cards = [
        {"is_prompt": False, "is_pinned": False, "number": 2, "start": 5, "pk": 1},
        {"is_prompt": False, "is_pinned": False, "number": 10, "start": 0, "pk": 2},
        {"is_prompt": False, "is_pinned": True, "number": 9, "start": 0, "pk": 3},
        {"is_prompt": True, "is_pinned": False, "number": 12, "start": 3, "pk": 4},
        {"is_prompt": False, "is_pinned": False, "number": 2, "start": 40, "pk": 5},
        {"is_prompt": False, "is_pinned": False, "number": 2, "start": None, "pk": 6},
    ]

    ordered = sorted(cards, key=lambda card: live.order_key(**card))

    assert [card["pk"] for card in ordered] == [4, 3, 1, 5, 6, 2]
