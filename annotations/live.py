"""Live updates for the annotation panel: what a poll has to send.

The poll's ETag is a fingerprint of the assignment's annotations (how many, the newest change,
the highest id) and of what decides the viewer's access (still in the class, past the reveal
time). An unchanged fingerprint is a 304. A changed one is usually answered with only the
cards that changed since the fingerprint the client holds (a delta); the whole list is sent
again only when a delta could miss something (see `delta_since`).

Every change that a card shows bumps its annotation's `updated_at`: edits, moderation,
helpful marks, comparison links, and replies (a reply is a row of its own, mapped to the card
it belongs to). Rows deleted outright leave no trace in `updated_at`, which is why the count
is part of the fingerprint.

Plain data in, plain data out: the queries live in annotations.models and the rendering in
annotations.views.
"""

from dataclasses import dataclass
from datetime import datetime

from counterpoint.lib.safejson import parse_number

ETAG_FORMAT = "v2"

# A delta re-sends the cards changed this long before the newest change the client saw: a
# write stamped before that change may commit after the client's poll read it (transactions
# end in any order), and would otherwise be skipped for good.
OVERLAP_SECONDS = 2.0

# At most this many cards are sent in a delta; beyond that the whole list is as cheap.
DELTA_MAX_CARDS = 60

# The client names the cards it shows in full (open) so that a delta keeps them in full; a
# longer list than this is cut (the rest arrive collapsed and open on demand).
OPEN_MAX = 200


@dataclass(frozen=True)
class Fingerprint:
    user_id: int
    member: bool
    revealed: bool
    count: int
    latest: float  # the newest updated_at, as a POSIX timestamp (0 when there is none)
    max_pk: int

    @classmethod
    def of(cls, *, user_id, member, revealed, count, latest: datetime | None, max_pk):
        return cls(
            user_id=int(user_id),
            member=bool(member),
            revealed=bool(revealed),
            count=count or 0,
            latest=round(latest.timestamp(), 6) if latest else 0.0,
            max_pk=max_pk or 0,
        )

    @property
    def etag(self) -> str:
        return (
            f'"{ETAG_FORMAT}-{self.user_id}-{int(self.member)}-{int(self.revealed)}'
            f'-{self.count}-{self.latest:.6f}-{self.max_pk}"'
        )

    @classmethod
    def parse(cls, etag: str | None) -> "Fingerprint | None":
        """The fingerprint an ETag was made from, or None for anything else (an older
        format, a weak or garbled value)."""
        parts = (etag or "").strip().strip('"').split("-")
        if len(parts) != 7 or parts[0] != ETAG_FORMAT:
            return None
        try:
            return cls(
                user_id=int(parts[1]),
                member=parts[2] == "1",
                revealed=parts[3] == "1",
                count=int(parts[4]),
                latest=float(parts[5]),
                max_pk=int(parts[6]),
            )
        except ValueError:
            return None


def delta_since(held: Fingerprint | None, now: Fingerprint) -> float | None:
    """The timestamp a delta starts from, or None when the whole list must be sent: the
    client holds no fingerprint we made, it was made for someone else, or access changed
    (membership, the reveal time) in between."""
    if held is None or held.user_id != now.user_id:
        return None
    if not (held.member and now.member) or held.revealed != now.revealed:
        return None
    return held.latest - OVERLAP_SECONDS


def delta_is_complete(held: Fingerprint, now: Fingerprint, inserted: int) -> bool:
    """Whether the rows changed since `held` account for every row now: `inserted` counts
    those with an id above the highest the client saw. A row deleted outright, or one
    inserted earlier but committed after the client's poll, breaks the sum, and the whole
    list is sent instead."""
    return now.count == held.count + inserted


def cards_to_refresh(changed_rows) -> list[int]:
    """The cards to send for changed rows given as (pk, parent_id): a reply refreshes the
    card it belongs to. Newest first (the highest id), so that new cards get the panel's room
    for full cards before older ones that changed; without repeats."""
    return sorted({parent_id or pk for pk, parent_id in changed_rows}, reverse=True)


def open_card_ids(value: str | None) -> set[int]:
    """The `open` parameter of a poll: comma-separated ids of the cards the client shows in
    full. Anything that is not an id is ignored."""
    ids = set()
    for part in (value or "").split(",")[:OPEN_MAX]:
        pk = parse_number(part.strip())
        if pk is not None:
            ids.add(pk)
    return ids


def order_key(*, is_prompt: bool, is_pinned: bool, number, start, pk: int) -> str:
    """A string that sorts cards as the panel does (annotations.models.PANEL_ORDER: prompts,
    then pinned, then in the order of the text), so that the browser can put a card that
    arrives in a delta in its place. Paragraph numbers run through the whole text, so they
    stand for the section and paragraph order."""
    return (
        f"{0 if is_prompt else 1}{0 if is_pinned else 1}"
        f"-{(number if number is not None else 99999):05d}"
        f"-{(start if start is not None else 9999999):07d}-{pk:010d}"
    )
