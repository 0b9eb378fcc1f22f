"""Live updates for the annotation panel: what a poll has to send.

The poll's ETag is a fingerprint of what the viewer may see of the assignment's annotations
(how many, the sum of their ids, the newest change, the highest id), under the one
visibility rule, and of what decides that (the viewer's role in the class, and for a student
whether they must still think first). So a note the viewer may not see (a classmate's
private note, posted or edited) changes nothing the viewer can observe. An unchanged
fingerprint is a 304. A changed one is usually answered with only the cards that changed
since the fingerprint the client holds (a delta); the whole list is sent again only when a
delta could miss something (see `delta_since` and `delta_is_complete`).

Every change that a card shows bumps its annotation's `updated_at`: edits, moderation,
helpful marks, comparison links, and replies (a reply is a row of its own, mapped to the card
it belongs to). Rows deleted outright, or that the viewer may no longer see, leave no trace
in the newest change, which is why the count and the sum of ids are part of the fingerprint.

Plain data in, plain data out: the queries live in annotations.models and the rendering in
annotations.views.
"""

from dataclasses import dataclass
from datetime import datetime

from counterpoint.lib.safejson import parse_number

ETAG_FORMAT = "v4"

# A delta re-sends the cards changed this long before the newest change the client saw: a
# write stamped before that change may commit after the client's poll read it (transactions
# end in any order), and would otherwise be skipped for good.
OVERLAP_SECONDS = 2.0

# At most this many cards are sent in a delta; beyond that the whole list is as cheap.
DELTA_MAX_CARDS = 60

# The client names the cards it shows in full (open) so that a delta keeps them in full; a
# longer list than this is cut (the rest arrive collapsed and open on demand).
OPEN_MAX = 200

ROLES = {"teacher": "t", "student": "s"}


@dataclass(frozen=True)
class Fingerprint:
    """What one viewer may see of one assignment's annotations, in a few numbers."""

    user_id: int
    role: str  # "teacher" or "student": the viewer's role in the class
    gated: bool  # a student who must still think first (sees only their own and teachers')
    count: int  # rows (annotations and replies) the viewer may see
    latest: float  # their newest updated_at, as a POSIX timestamp (0 when there is none)
    max_pk: int  # their highest id
    total: int  # the sum of their ids: moves when one row leaves as another arrives
    # A student's reading scope (small groups): "w" the whole class, "n" no group, or the
    # group's id. Moving a student to another group changes it, and the whole list is sent.
    scope: str = "w"

    @classmethod
    def of(cls, *, user_id, role, gated, count, latest: datetime | None, max_pk, total, scope=None):
        return cls(
            user_id=int(user_id),
            role=role,
            gated=bool(gated),
            count=count or 0,
            latest=round(latest.timestamp(), 6) if latest else 0.0,
            max_pk=max_pk or 0,
            total=total or 0,
            scope="w" if scope is None else str(scope or "n"),
        )

    @property
    def etag(self) -> str:
        return (
            f'"{ETAG_FORMAT}-{self.user_id}-{ROLES[self.role]}-{int(self.gated)}-{self.scope}'
            f'-{self.count}-{self.latest:.6f}-{self.max_pk}-{self.total}"'
        )

    @classmethod
    def parse(cls, etag: str | None) -> "Fingerprint | None":
        """The fingerprint an ETag was made from, or None for anything else (an older
        format, a weak or garbled value)."""
        parts = (etag or "").strip().strip('"').split("-")
        roles = {letter: role for role, letter in ROLES.items()}
        if len(parts) != 9 or parts[0] != ETAG_FORMAT or parts[2] not in roles:
            return None
        scope = parts[4]
        if scope not in ("w", "n") and not scope.isdigit():
            return None
        try:
            return cls(
                user_id=int(parts[1]),
                role=roles[parts[2]],
                gated=parts[3] == "1",
                scope=scope,
                count=int(parts[5]),
                latest=float(parts[6]),
                max_pk=int(parts[7]),
                total=int(parts[8]),
            )
        except ValueError:
            return None


def delta_since(held: Fingerprint | None, now: Fingerprint) -> float | None:
    """The timestamp a delta starts from, or None when the whole list must be sent: the
    client holds no fingerprint we made, it was made for someone else, what decides the
    viewer's access changed in between (their role, the think-first gate, their group or
    their choice of the whole class: notes they could not see before arrive with old ids
    and old times, and a delta would miss them), or the viewer is a student still thinking
    first (their panel is small)."""
    if held is None or held.user_id != now.user_id:
        return None
    if held.role != now.role or held.scope != now.scope or held.gated or now.gated:
        return None
    return held.latest - OVERLAP_SECONDS


def delta_is_complete(held: Fingerprint, now: Fingerprint, *, inserted, left) -> bool:
    """Whether the changed rows account for every row the viewer may now see: `inserted`
    are the ids of visible rows above the highest the client saw, `left` those of rows the
    client could see that a teacher hid since. Anything else (a row deleted outright, one
    made private or shown again, one inserted earlier but committed after the client's
    poll) breaks the count or the sum of ids, and the whole list is sent instead."""
    return now.count == held.count + len(inserted) - len(left) and now.total == (
        held.total + sum(inserted) - sum(left)
    )


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


def parse_order_key(value: str | None) -> tuple[int, int, int, int, int] | None:
    """The sort keys an order_key was made from (prompt, pinned, paragraph, start, id), or
    None for anything else: the panel's page cursor, as sent back by the browser."""
    parts = (value or "").split("-")
    if len(parts) != 4 or len(parts[0]) != 2 or len(value) > 40:
        return None
    try:
        numbers = [int(parts[0][0]), int(parts[0][1]), *(int(part) for part in parts[1:])]
    except ValueError:
        return None
    if any(number < 0 for number in numbers):
        return None
    return tuple(numbers)
