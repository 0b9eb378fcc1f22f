"""The floating Annotate button hides nothing the reader selected or is about to read."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_annotator_js import drag_select, reader, static_server  # noqa: F401

RECTS = """(which) => {
    const range = getSelection().getRangeAt(0);
    const rects = (r) => [...r.getClientRects()]
        .filter((b) => b.width > 0 && b.height > 0)
        .map((b) => ({left: b.left, right: b.right, top: b.top, bottom: b.bottom}));
    if (which === "selected") return rects(range);
    // The rest of the paragraph after the selection: what the reader reads next.
    const text = range.endContainer.parentElement.closest(".passage-text");
    const after = document.createRange();
    after.setStart(range.endContainer, range.endOffset);
    after.setEndAfter(text.lastChild);
    return rects(after);
}"""


def overlapping(box, rects):
    return [
        r
        for r in rects
        if box["x"] < r["right"]
        and box["x"] + box["width"] > r["left"]
        and box["y"] < r["bottom"]
        and box["y"] + box["height"] > r["top"]
    ]


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize(
    ("passage", "first", "last"),
    [("#p3", "denounced", "cult"), ("#p1", "terror", "village"), ("#p2", "maize", "maize")],
)
def test_the_button_covers_neither_the_selection_nor_the_words_after_it(
    reader,  # noqa: F811
    shot,
    width,
    passage,
    first,
    last,
):
    page = reader
    page.set_viewport_size({"width": width, "height": 800})
    page.locator(passage).scroll_into_view_if_needed()
    drag_select(page, passage, first, last)
    button = page.locator(".annotate-button")
    expect(button).to_be_visible()

    box = button.bounding_box()
    assert overlapping(box, page.evaluate(RECTS, "selected")) == []
    assert overlapping(box, page.evaluate(RECTS, "following")) == []
    assert 0 <= box["x"] and box["x"] + box["width"] <= width
    if passage == "#p3":
        shot(page, f"annotate-button-{width}", full_page=False)


def test_at_the_top_of_the_window_the_button_goes_below_the_selection(reader):  # noqa: F811
    page = reader
    page.set_viewport_size({"width": 1366, "height": 800})
    # Put paragraph 1's first line at the top of the window: no room above it for the button.
    page.evaluate(
        """() => {
            const top = document.querySelector("#p1").getBoundingClientRect().top;
            document.documentElement.style.minHeight = "300vh";
            window.scrollBy(0, top - 6);
        }"""
    )
    drag_select(page, "#p1", "Stalin", "ruled")
    button = page.locator(".annotate-button")
    expect(button).to_be_visible()

    box = button.bounding_box()
    selected = page.evaluate(RECTS, "selected")
    assert overlapping(box, selected) == []
    assert box["y"] >= max(r["bottom"] for r in selected)  # below, and inside the window
