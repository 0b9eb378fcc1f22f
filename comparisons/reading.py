"""A comparison's text and matrix as the reading page shows them, loaded once per version
and kept by each process for the next reader.

When a class opens the text at once, forty readers would otherwise load the same text and
matrix (seven queries) and render the same HTML forty times. The key is the comparison's
`updated_at`, which moves on with every change to what the text shows (comparisons.signals);
the assignment lookup brings it along, so a reader that finds the text kept pays no query.

What comes back is shared by every request the process serves: read it, never change it.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from comparisons.models import Comparison, reading_layout

# A school's processes read a handful of texts at a time; each kept text is tens of KB.
KEPT_TEXTS = 16

_kept: OrderedDict[tuple, "Reading"] = OrderedDict()
_lock = threading.Lock()


@dataclass
class Reading:
    comparison: Comparison  # with its subjects, dimensions, contrasts, sections and passages
    layout: dict  # reading_layout(comparison)
    # Rendered fragments of the page, by name, filled in by the views that render them
    # (reading_text_html): the same for every reader of this version.
    fragments: dict[str, str] = field(default_factory=dict)

    @cached_property
    def numbers(self) -> dict[int, int]:
        """Each passage's paragraph number, by passage id."""
        return {
            passage.pk: passage.number
            for section in self.layout["sections"]
            for passage in section.numbered_passages
        }

    @cached_property
    def colours(self) -> dict[int, str]:
        """Each subject's colour, by subject id."""
        return {subject.pk: subject.colour for subject in self.layout["subjects"]}

    @property
    def dimensions(self) -> list:
        return [row.dimension for row in self.layout["matrix"]]

    def fragment(self, name: str, render) -> str:
        """The fragment `name` of this version: render() the first time, kept after."""
        html = self.fragments.get(name)
        if html is None:
            html = self.fragments[name] = render()
        return html


def reading_for(comparison: Comparison) -> Reading:
    """The text and matrix of `comparison` (a row with its pk and updated_at, such as an
    assignment's), loaded for_reading and laid out, or kept from an earlier request."""
    key = (comparison.pk, comparison.updated_at)
    with _lock:
        reading = _kept.get(key)
        if reading is not None:
            _kept.move_to_end(key)
            return reading
    loaded = Comparison.objects.for_reading().get(pk=comparison.pk)
    # Kept under the version the caller read: if an edit lands between that read and this
    # load, the text kept is the newer one, and the next reader asks for the newer version.
    reading = Reading(comparison=loaded, layout=reading_layout(loaded))
    with _lock:
        _kept[key] = reading
        while len(_kept) > KEPT_TEXTS:
            _kept.popitem(last=False)
    return reading


def forget_all() -> None:
    """Drop every kept text (tests start each with none)."""
    with _lock:
        _kept.clear()


def reading_text_html(reading: Reading) -> str:
    """The matrix and the text of a comparison, rendered once per version: the same for every
    reader of the reading page and the preview."""
    from django.template.loader import render_to_string

    return reading.fragment(
        "text", lambda: render_to_string("comparisons/read.html#reading-text", reading.layout)
    )


# An assignment's reading page shows the text with the class's notes, so it belongs to the
# app above this one (annotations registers it in its AppConfig.ready()); its URL stays
# comparisons:read, where every link to it already points.
_assignment_page: Callable | None = None


def register_assignment_page(view: Callable) -> None:
    global _assignment_page
    _assignment_page = view


def assignment_page(request, pk):
    """The view at comparisons:read: the one the app above registered."""
    if _assignment_page is None:
        raise RuntimeError("No reading page is registered (is annotations installed?).")
    return _assignment_page(request, pk)
