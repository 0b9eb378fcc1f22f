"""How the bench's virtual users space their ticks (plain Python; tested in tests/bench/)."""

import time


def on_schedule(every: float, clock=time.monotonic):
    """A wait_time that keeps each user on a fixed schedule of its own, as the reading page's
    `hx-trigger="every 5s"` does: htmx re-arms its timer when it fires, not when the answer
    arrives. (locust's constant_pacing counts from the end of the task, so after one slow
    second the whole class ticks in step: a burst of every request every 5 seconds.) A tick
    that falls behind runs at once, and ticks missed meanwhile are skipped, as a page does not
    queue them up. A user's phase is where `next_tick` starts (set it in on_start, or the
    first wait sets it)."""

    def wait_time(user):
        now = clock()
        if getattr(user, "next_tick", None) is None:
            user.next_tick = now
        user.next_tick += every
        while user.next_tick < now:
            user.next_tick += every
        return user.next_tick - now

    return wait_time
