"""Pasting formatted text into the import page keeps its headings, list and table."""

import re

from playwright.sync_api import expect

from comparisons.models import Comparison, Passage

PASTED_HTML = """<meta charset="utf-8"><h1>How was Athens different from Sparta?</h1>
<p>Two Greek city-states, two very different ideas of how to live.</p>
<h2>Government</h2>
<p>Athens let its citizens vote in the <b>assembly</b>.<img src="x" onerror="alert(1)"></p>
<p>Sparta was run by two kings and a council of elders.</p>
<h2>Education</h2>
<ul><li>Athenian boys studied music, reading and rhetoric.</li>
<li>Spartan boys left home at seven to train as soldiers.</li></ul>
<table><tr><th>Dimension</th><th>Athens</th><th>Sparta</th></tr>
<tr><td>Government</td><td>Direct democracy of citizens</td><td>Two kings and a council</td></tr>
<tr><td>Education</td><td>Broad schooling in the arts</td><td>Harsh military training</td></tr>
</table>"""

PASTED_TEXT = "How was Athens different from Sparta? Two Greek city-states ..."


def _paste(page, html, text):
    # The page's script listens for pastes once loaded (a paste before that is plain text).
    page.locator("form[data-rich-paste-ready]").wait_for(state="attached")
    page.locator("textarea[name=markdown]").evaluate(
        """(box, [html, text]) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", text);
            box.focus();
            box.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }));
        }""",
        [html, text],
    )


def test_teacher_pastes_rich_text_checks_the_preview_and_imports_it(
    live_server, browser, log_in, shot, transactional_db, teacher
):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/comparisons/")
    page.get_by_role("link", name="Import a text").click()

    _paste(page, PASTED_HTML, PASTED_TEXT)

    expect(page.locator("textarea[name=markdown]")).to_have_value(PASTED_TEXT)
    expect(page.locator("[data-rich-paste-note]")).to_be_visible()
    page.get_by_role("button", name="Check the article").click()

    expect(page.get_by_role("heading", name="Ready to import")).to_be_visible()
    box = page.locator("textarea[name=markdown]")
    expect(box).to_have_value(re.compile(r"^# How was Athens different from Sparta\?\n"))
    expect(box).to_contain_text("## Education")
    expect(page.locator(".import-report")).to_contain_text("2 subjects, 2 dimensions")
    expect(page.locator(".import-report")).to_contain_text("1 picture left out")
    expect(page.locator("[data-rich-paste-note]")).to_be_hidden()
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "comparisons-import-pasted")
    page.emulate_media(color_scheme="dark")
    shot(page, "comparisons-import-pasted-dark")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "comparisons-import-pasted-phone")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("button", name="Create comparison").click()

    expect(
        page.get_by_role("heading", name="How was Athens different from Sparta?")
    ).to_be_visible()
    comparison = Comparison.objects.get()
    texts = list(
        Passage.objects.filter(section__comparison=comparison)
        .order_by("section__order", "order")
        .values_list("text", flat=True)
    )
    assert "Athenian boys studied music, reading and rhetoric." in texts
    assert "Athens let its citizens vote in the assembly." in texts
    assert errors == []


def test_typing_after_a_paste_lets_the_pasted_formatting_go(
    live_server, browser, log_in, transactional_db, teacher
):
    page = browser.new_page()
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/comparisons/import/")

    _paste(page, PASTED_HTML, PASTED_TEXT)
    page.locator("textarea[name=markdown]").press("End")
    page.locator("textarea[name=markdown]").type(" more")

    expect(page.locator("[data-rich-paste-note]")).to_be_hidden()
    assert page.locator("input[name=pasted_html]").input_value() == ""
