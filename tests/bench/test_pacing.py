"""bench.pacing: each virtual student keeps its own 5-second schedule, as htmx's poll does."""

from types import SimpleNamespace

from bench.pacing import on_schedule


class Clock:
    def __init__(self, now=100.0):
        self.now = now

    def __call__(self):
        return self.now


def test_a_tick_waits_for_its_slot_whatever_the_task_took():
    clock = Clock()
    wait = on_schedule(5.0, clock)
    user = SimpleNamespace()

    assert wait(user) == 5.0  # first tick at 100, the next at 105
    clock.now = 106.5  # that tick's requests took 1.5 s
    assert wait(user) == 3.5  # the next at 110, not at 111.5


def test_a_tick_that_fell_behind_runs_at_once_and_keeps_the_schedule():
    clock = Clock()
    wait = on_schedule(5.0, clock)
    user = SimpleNamespace()
    wait(user)  # next at 105

    clock.now = 117.0  # slow answers: the 105 and 110 slots have passed
    assert wait(user) == 3.0  # 115 is past too, so the next slot is 120

    clock.now = 120.5
    assert wait(user) == 4.5  # back on the 5-second grid: 125


def test_users_keep_their_own_phase():
    clock = Clock()
    wait = on_schedule(5.0, clock)
    early, late = SimpleNamespace(), SimpleNamespace()
    wait(early)  # slots at 105, 110, ...
    clock.now = 102.0
    wait(late)  # slots at 107, 112, ...

    clock.now = 108.0  # both finished their ticks late, at the same moment
    assert (wait(early), wait(late)) == (2.0, 4.0)  # still two seconds apart
