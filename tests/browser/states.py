"""Checks for a page in the state a swap left it in: axe-core and sideways overflow in every
layout (320, 390 and 1366 px, light and dark), without reloading, so the state is what is
checked. The browser tests that reach each in-page state call `check_state` there."""

import json

from tests.browser.test_accessibility import violations
from tests.browser.test_layout import OVERFLOW

LAYOUTS = [(width, scheme) for width in (1366, 390, 320) for scheme in ("light", "dark")]


def check_state(page, name):
    """Fail with every serious axe finding and every sideways overflow of this state; leave
    the page as it was (1366 px, light)."""
    found = {}
    for width, scheme in LAYOUTS:
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(color_scheme=scheme)
        problems = violations(page) + page.evaluate(OVERFLOW)[:4]
        if problems:
            found[f"{name} ({width} px, {scheme})"] = problems
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(color_scheme="light")
    assert not found, json.dumps(found, indent=1)
