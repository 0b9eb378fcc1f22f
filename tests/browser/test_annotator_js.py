"""static/js/annotator.js in Chromium, against a static fixture page (no Django needed).

The fixture (tests/browser/fixtures/annotator.html) follows the reading page's DOM contract.
Module scripts do not load from file://, so the repository root is served over HTTP.
Expected selectors are computed with Python string slicing, i.e. in code points, exactly as
the server computes them.
"""

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.anchoring import validate

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = "/tests/browser/fixtures/annotator.html"

P1 = (
    "Stalin ruled the Soviet Union from the late 1920s until his death in 1953, "
    "building a state in which terror reached into every village and factory."
)
P2 = (
    "Khrushchev loved maize 🌽 so much that he had maize planted across the steppe, "
    "whatever the climate said."
)
P3 = (
    "Where Stalin relied on fear, Khrushchev tried persuasion: in 1956 he denounced the cult "
    "of personality in a secret speech."
)
TEXTS = {"#p1": P1, "#p2": P2, "#p3": P3}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def static_server():
    handler = functools.partial(_QuietHandler, directory=str(ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def reader(page, static_server):
    """The fixture page with its highlights drawn; fails the test on any page error."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(static_server + FIXTURE)
    expect(page.locator("#p1 mark.highlight").first).to_be_attached()
    yield page
    assert errors == []


def text_of(page, passage):
    return page.locator(f"{passage} .passage-text").evaluate("el => el.textContent")


def expected_selector(text, exact, occurrence=1):
    """What the server would store: offsets and context in code points (Python slicing)."""
    start = -1
    for _ in range(occurrence):
        start = text.index(exact, start + 1)
    end = start + len(exact)
    return {
        "exact": exact,
        "start": str(start),
        "end": str(end),
        "prefix": text[max(0, start - 32) : start],
        "suffix": text[end : end + 32],
    }


def word_box(page, passage, word, occurrence=1):
    """The viewport box of the nth occurrence of word, found by walking the text nodes."""
    return page.evaluate(
        """([selector, word, occurrence]) => {
            const el = document.querySelector(selector + " .passage-text");
            let index = -1;
            for (let n = 0; n < occurrence; n += 1) index = el.textContent.indexOf(word, index + 1);
            const pointAt = (target) => {
                let total = 0;
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                for (let t = walker.nextNode(); t; t = walker.nextNode()) {
                    if (total + t.length > target) return [t, target - total];
                    total += t.length;
                }
            };
            const range = document.createRange();
            range.setStart(...pointAt(index));
            range.setEnd(...pointAt(index + word.length - 1));
            range.setEnd(range.endContainer, range.endOffset + 1);
            const r = range.getBoundingClientRect();
            return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        }""",
        [passage, word, occurrence],
    )


def drag_select(page, passage, first_word, last_word, first_occurrence=1, last_occurrence=1):
    """Select from the start of first_word to the end of last_word with the mouse."""
    a = word_box(page, passage, first_word, first_occurrence)
    b = word_box(page, passage, last_word, last_occurrence)
    page.mouse.move(a["left"] + 1, (a["top"] + a["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(b["right"] - 1, (b["top"] + b["bottom"]) / 2, steps=8)
    page.mouse.up()


def form_values(page):
    return page.locator("#annotate-form").evaluate(
        """form => Object.fromEntries(["passage", "exact", "prefix", "suffix", "start", "end"]
            .map((name) => [name, form.querySelector(`input[name="${name}"]`).value]))"""
    )


def open_form_by_keyboard(page, characters=6):
    """Tab into paragraph 1, select its first characters with Shift+ArrowRight, press Enter."""
    page.locator("#p1 .passage-number").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#p1 .passage-text")).to_be_focused()
    page.keyboard.press("Home")
    for _ in range(characters):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("#annotate-form")).to_be_visible()


def test_highlights_are_drawn_from_the_cards(reader):
    page = reader
    # ¶1: 42 and 57 overlap, 61 is nested in 42 -> "terror" | " reached into " | "every
    # village" | " and factory". The reply (no data-start) draws nothing.
    marks = page.locator("#p1 mark.highlight")
    expect(marks).to_have_count(4)
    assert marks.evaluate_all("ms => ms.map(m => m.textContent)") == [
        "terror",
        " reached into ",
        "every village",
        " and factory",
    ]
    terror = page.locator('#p1 mark[data-annotations="61 42"]')
    expect(terror).to_have_text("terror")
    expect(terror).to_have_class(re.compile(r"\bhighlight-overlap\b"))
    expect(terror).to_have_class(re.compile(r"\bsubject-red\b"))  # innermost card's colour
    village = page.locator("#p1 mark.highlight-overlap", has_text="every village")
    assert set(village.get_attribute("data-annotations").split()) == {"42", "57"}
    expect(page.locator('#p1 mark[data-annotations="42"]')).not_to_have_class(
        re.compile("highlight-overlap")
    )
    expect(page.locator('#p1 mark[data-annotations="57"]')).to_have_class(
        re.compile(r"\bsubject-multi\b")
    )

    # ¶2: the card's offsets are code points; the highlight is the second "maize", after 🌽.
    maize = page.locator("#p2 mark.highlight")
    expect(maize).to_have_count(1)
    expect(maize).to_have_attribute("data-annotations", "63")
    before = maize.evaluate(
        """m => { const r = document.createRange();
                  r.setStart(m.parentElement, 0); r.setEndBefore(m); return r.toString(); }"""
    )
    assert before == P2[: P2.index("maize", P2.index("maize") + 1)]

    # ¶3: stale offsets are recovered from the quote; the orphaned card draws nothing.
    expect(page.locator("#p3 mark.highlight")).to_have_count(1)
    expect(page.locator("#p3 mark.highlight")).to_have_text("secret speech")
    expect(page.locator('mark[data-annotations~="70"]')).to_have_count(0)
    expect(page.locator('mark[data-annotations~="43"]')).to_have_count(0)

    for passage, text in TEXTS.items():
        assert text_of(page, passage) == text


@pytest.mark.parametrize(
    ("passage", "first", "last", "occurrence", "exact", "subject"),
    [
        # After the emoji, across the edge of an existing highlight; no name in the
        # selection, so the one subject the paragraph names is pre-checked.
        ("#p2", "maize", "steppe", 2, "maize planted across the steppe", "Khrushchev"),
        # The paragraph names both subjects; the selection names one.
        ("#p3", "Stalin", "fear", 1, "Stalin relied on fear", "Stalin"),
    ],
)
def test_mouse_selection_offers_annotate_and_fills_the_form(
    reader, shot, passage, first, last, occurrence, exact, subject
):
    page = reader
    drag_select(page, passage, first, last, first_occurrence=occurrence)
    button = page.locator(".annotate-button")
    expect(button).to_be_visible()
    expect(button).to_have_text("Annotate")

    # The button sits next to the selection without covering it, inside the viewport.
    selected = page.evaluate(
        """() => [...getSelection().getRangeAt(0).getClientRects()]
              .map(r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom}))"""
    )
    box = button.bounding_box()
    for r in selected:
        overlaps = (
            box["x"] < r["right"]
            and box["x"] + box["width"] > r["left"]
            and box["y"] < r["bottom"]
            and box["y"] + box["height"] > r["top"]
        )
        assert not overlaps
    assert 0 <= box["x"] and box["x"] + box["width"] <= 1200
    if passage == "#p2":
        shot(page, "annotator-fixture")

    button.click()
    form = page.locator("#annotate-form")
    expect(form).to_be_visible()
    expect(button).to_be_hidden()
    text = TEXTS[passage]
    expected = expected_selector(text, exact)
    expected["passage"] = page.locator(passage).get_attribute("data-passage")
    values = form_values(page)
    assert values == expected
    # And the server's own check of a browser-made selector accepts it.
    validate(
        text,
        exact=values["exact"],
        prefix=values["prefix"],
        suffix=values["suffix"],
        start=int(values["start"]),
        end=int(values["end"]),
    )
    expect(page.locator("#annotate-quote")).to_have_text(f"“{exact}”")
    expect(page.locator('textarea[name="body"]')).to_be_focused()
    for name in ("Stalin", "Khrushchev"):
        box = page.locator(f'input[name="subjects"][data-subject-name="{name}"]')
        if name == subject:
            expect(box).to_be_checked()
        else:
            expect(box).not_to_be_checked()


def test_a_selection_running_into_the_next_paragraph_is_clamped_to_its_own(reader):
    page = reader
    a = word_box(page, "#p1", "factory")
    b = word_box(page, "#p2", "maize")
    page.mouse.move(a["left"] + 1, (a["top"] + a["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(b["right"] - 1, (b["top"] + b["bottom"]) / 2, steps=8)
    page.mouse.up()
    page.locator(".annotate-button").click()
    assert form_values(page) == {**expected_selector(P1, "factory."), "passage": "11"}


def test_collapsing_the_selection_hides_the_button(reader):
    page = reader
    drag_select(page, "#p1", "Soviet", "Union")
    expect(page.locator(".annotate-button")).to_be_visible()
    page.evaluate("getSelection().collapseToEnd()")
    expect(page.locator(".annotate-button")).to_be_hidden()


def test_keyboard_only_selection_opens_the_form(reader):
    page = reader
    passage = page.locator("#p1 .passage-text")
    open_form_by_keyboard(page, characters=6)
    assert form_values(page) == {**expected_selector(P1, "Stalin"), "passage": "11"}
    expect(page.locator('textarea[name="body"]')).to_be_focused()
    expect(page.locator('input[data-subject-name="Stalin"]')).to_be_checked()
    # Focus left the passage, so it is plain text again.
    expect(passage).not_to_have_attribute("contenteditable", "true")
    expect(passage).to_have_attribute("tabindex", "0")
    expect(page.locator("#annotate-quote")).to_have_text("“Stalin”")
    hint_id = passage.get_attribute("aria-describedby")
    expect(page.locator(f"#{hint_id}")).to_contain_text(
        "To annotate, select text with Shift and the arrow keys, then press Enter."
    )


def test_typing_in_a_focused_passage_changes_nothing(reader):
    page = reader
    passage = page.locator("#p1 .passage-text")
    page.locator("#p1 .passage-number").focus()
    page.keyboard.press("Tab")
    expect(passage).to_be_focused()
    expect(passage).to_have_attribute("contenteditable", "true")
    expect(passage).to_have_css("outline-style", "dashed")  # keyboard focus is visible
    page.keyboard.type("typed over")
    for key in ("Backspace", "Delete", "Enter", "Control+b", "Shift+ArrowRight", "Backspace"):
        page.keyboard.press(key)
    page.keyboard.press("Control+x")
    page.keyboard.press("Control+v")
    assert text_of(page, "#p1") == P1
    expect(page.locator("#p1 mark.highlight")).to_have_count(4)
    expect(page.locator("#annotate-form")).to_be_hidden()  # Enter without a selection
    page.keyboard.press("Tab")
    expect(passage).not_to_have_attribute("contenteditable", "true")


def test_clicking_a_highlight_focuses_its_card(reader):
    page = reader
    # "terror" is in 42 and in 61 (nested): the innermost, 61, wins.
    page.locator('#p1 mark[data-annotations="61 42"]').click()
    card = page.locator("#annotation-61")
    expect(card).to_be_focused()
    expect(card).to_have_class(re.compile(r"\bis-focused\b"))
    page.locator('#p1 mark[data-annotations="42"]').click()
    expect(page.locator("#annotation-42")).to_be_focused()
    # The mark is temporary.
    expect(card).not_to_have_class(re.compile(r"\bis-focused\b"), timeout=4000)


def test_show_in_text_flashes_the_highlight(reader):
    page = reader
    page.locator("#annotation-57 .show-in-text").click()
    flashing = page.locator('mark[data-annotations~="57"]')
    expect(flashing).to_have_count(2)
    for i in range(2):
        expect(flashing.nth(i)).to_have_class(re.compile(r"\bflash\b"))
    expect(page.locator('#p1 mark[data-annotations="61 42"]')).not_to_have_class(
        re.compile(r"\bflash\b")
    )
    expect(flashing.first).not_to_have_class(re.compile(r"\bflash\b"), timeout=4000)


@pytest.mark.parametrize("how", ["Escape", "Cancel"])
def test_closing_the_form_clears_it_and_returns_to_the_passage(reader, how):
    page = reader
    open_form_by_keyboard(page, characters=6)
    page.locator('textarea[name="body"]').fill("A note I abandon")
    if how == "Escape":
        page.keyboard.press("Escape")
    else:
        page.locator("[data-annotate-cancel]").click()
    expect(page.locator("#annotate-form")).to_be_hidden()
    expect(page.locator("#p1 .passage-text")).to_be_focused()
    assert set(form_values(page).values()) == {""}
    expect(page.locator('textarea[name="body"]')).to_have_value("")
    expect(page.locator("#annotate-quote")).to_have_text("")
    expect(page.locator('input[name="subjects"]:checked')).to_have_count(0)


def test_redraw_after_removing_a_card_removes_its_highlight(reader):
    page = reader
    expect(page.locator("#p2 mark.highlight")).to_have_count(1)
    page.evaluate(
        """() => {
            document.getElementById("annotation-63").closest("li").remove();
            // A card whose quote is no longer in the text is skipped, not misplaced.
            document.getElementById("annotation-64").dataset.exact = "collective farms";
            window.counterpoint.annotator.redraw();
        }"""
    )
    expect(page.locator("#p2 mark")).to_have_count(0)
    expect(page.locator("#p3 mark")).to_have_count(0)
    expect(page.locator("#p1 mark.highlight")).to_have_count(4)
    for passage, text in TEXTS.items():
        assert text_of(page, passage) == text


def test_pure_helpers_count_code_points(reader):
    page = reader
    result = page.evaluate(
        """async () => {
            const m = await import("/static/js/annotator.js");
            return {
                offset: m.codePointOffset("a🌽b", 3),
                segments: m.segments("ab🌽cd", [
                    {id: 1, start: 1, end: 4},
                    {id: 2, start: 2, end: 3},
                ]).map(s => [s.text, s.ids]),
            };
        }"""
    )
    assert result["offset"] == 2
    assert result["segments"] == [
        ["a", []],
        ["b", ["1"]],
        ["🌽", ["2", "1"]],
        ["c", ["1"]],
        ["d", []],
    ]


def test_highlights_and_focus_follow_htmx_swaps(reader):
    """With htmx on the page: a swapped-in card is drawn; after a save swaps the panel (the
    form comes back hidden and the focused textarea is gone), focus returns to the passage."""
    page = reader
    page.add_script_tag(url="/static/vendor/htmx/htmx.min.js")
    page.wait_for_function("() => typeof window.htmx?.swap === 'function'")
    start = P3.index("cult of personality")
    page.evaluate(
        """([start, end]) => htmx.swap("#annotation-list",
            `<li><article class="annotation-card subject-green" id="annotation-80"
                data-annotation="80" data-passage="13" data-start="${start}" data-end="${end}"
                data-exact="cult of personality" data-colour="green" tabindex="-1">
                <button type="button" class="show-in-text">Show in text</button></article></li>`,
            {swapStyle: "beforeend"})""",
        [start, start + len("cult of personality")],
    )
    new_mark = page.locator('#p3 mark[data-annotations="80"]')
    expect(new_mark).to_have_text("cult of personality")
    expect(new_mark).to_have_class(re.compile(r"\bsubject-green\b"))

    open_form_by_keyboard(page, characters=6)
    expect(page.locator('textarea[name="body"]')).to_be_focused()
    page.evaluate(
        """() => {
            const panel = document.getElementById("annotation-panel").cloneNode(true);
            panel.querySelector("#annotate-form").hidden = true;
            panel.querySelector("#annotation-list").insertAdjacentHTML("afterbegin",
                `<li><article class="annotation-card subject-red" id="annotation-90"
                    data-annotation="90" data-passage="11" data-start="0" data-end="6"
                    data-exact="Stalin" data-colour="red" tabindex="-1"></article></li>`);
            htmx.swap("#annotation-panel", panel.outerHTML, {swapStyle: "outerHTML"});
        }"""
    )
    expect(page.locator('#p1 mark[data-annotations="90"]')).to_have_text("Stalin")
    expect(page.locator("#p1 .passage-text")).to_be_focused()
    for passage, text in TEXTS.items():
        assert text_of(page, passage) == text
