"""The student writes the argument; the builder scaffolds it (issue 18), in the browser.

A student goes from the essay builder through a judgement on each dimension, a thesis written
with frames beside its box, reasoning on each claim–evidence–reasoning card, to an outline
with no problem left, submitted without being asked to confirm: once with the mouse, once
with the keyboard alone (Tab, typing, Space and Enter; inside a radio group the arrow keys,
which is how a keyboard chooses a radio button). Each key state is checked with axe and for
sideways overflow at every width, light and dark, and photographed for a person to look at.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from essays.models import Outline
from tests.annotations.helpers import annotate
from tests.browser.states import check_state
from tests.browser.test_keyboard_only import tab_to

SHOTS = Path("/tmp/shots-b18ui")

JUDGEMENTS = {
    "Leadership style": (
        "They differ in kind",
        "On leadership, Stalin ruled by fear, whereas Khrushchev let people speak again.",
    ),
    "Foreign policy": (
        "They differ in degree",
        "On foreign policy, both used tanks abroad, but Stalin went further by sealing borders.",
    ),
}
WHY = "Fear or freedom decided how every citizen lived and worked."
THESIS = (
    "To a large extent Khrushchev broke with Stalin: Stalin ruled through fear whereas "
    "Khrushchev let Soviet citizens speak, and that choice shaped how people worked, wrote and "
    "remembered the camps."
)
CONCLUSION = "Khrushchev mostly broke with Stalin, because he replaced fear with some trust."


def claim_for(heading):
    return f"In {heading.lower()} the two leaders chose opposite paths for the country."


def reasoning_for(heading):
    return f"This matters because the choice in {heading.lower()} changed daily life for millions."


CARD_REASONING = "This shows how the leader treated ordinary people because of his orders."


@pytest.fixture
def notes(assignment, student):
    """The student's own notes: each leader on each dimension, on passages about it."""
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    leadership, foreign = assignment.comparison.dimensions.order_by("order")
    passages = [
        p
        for s in assignment.comparison.sections.order_by("order")
        for p in s.passages.order_by("order")
    ]
    for passage, subject, dimension, body in (
        (passages[0], stalin, leadership, "Stalin ruled by terror"),
        (passages[2], khrushchev, leadership, "Khrushchev relaxed the terror"),
        (passages[1], stalin, foreign, "Stalin closed the borders"),
        (passages[3], khrushchev, foreign, "Khrushchev crushed Hungary"),
    ):
        annotate(
            assignment, student, passage=passage, subjects=[subject], dimension=dimension, body=body
        )


def photograph(page, name, locator):
    """The region at 390 and 1366 px, light and dark, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1366):
        for scheme in ("light", "dark"):
            page.set_viewport_size({"width": width, "height": 900})
            page.emulate_media(color_scheme=scheme)
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(color_scheme="light")


def saved(page):
    """Every typed box saved (the page's autosave has nothing pending)."""
    page.wait_for_function("() => window.counterpoint.outline.pending() === 0")
    expect(page.locator("#outline-save-status")).to_have_text("All changes saved.")


def assert_written(outline):
    outline = Outline.objects.get(pk=outline.pk)
    assert outline.status == Outline.Status.SUBMITTED
    assert outline.thesis == THESIS
    rows = {row["sentence"]: row for row in outline.judgements}
    assert set(rows) == {sentence for _, sentence in JUDGEMENTS.values()}
    lead = [row for row in outline.judgements if row["most_significant"]]
    assert len(lead) == 1 and lead[0]["why"] == WHY
    cards = [e for s in outline.sections.all() for e in s.evidence.all()]
    assert cards and all(e.commentary == CARD_REASONING for e in cards)
    assert all(e.relation == "difference" for e in cards)
    assert all(e.source == "own" and e.note for e in cards)
    assert outline.revisions.count() == 1


def test_a_student_writes_the_argument_with_the_mouse(
    live_server, page, log_in, transactional_db, assignment, student, notes
):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, student.email)
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/builder/")
    expect(page.locator("#builder-preview")).to_contain_text("Khrushchev")
    for box in page.locator("#evidence-tray input[type=checkbox]").all():
        box.check()
    expect(page.locator("#builder-preview")).to_contain_text("Paragraph")
    page.get_by_role("button", name="Create this outline").click()
    expect(page.get_by_text("Your outline is ready to edit.")).to_be_visible()

    # Step 1: a judgement on each dimension, before any thesis.
    judgements = page.locator("#judgements-anchor")
    expect(page.locator("#thesis-waits")).to_be_visible()
    check_state(page, "judgement step")
    photograph(page, "judgement-step", judgements)
    for name, (kind, sentence) in JUDGEMENTS.items():
        box = judgements.locator("fieldset.judgement", has_text=name)
        box.get_by_label(kind).check()
        box.get_by_role("textbox").fill(sentence)
    judgements.locator(".judgement-lead").get_by_role(
        "radio", name="Leadership style", exact=True
    ).check()
    judgements.get_by_role("textbox", name="Why does it matter most?").fill(WHY)
    saved(page)
    judgements.get_by_role("button", name="Lay out my sections from these judgements").click()
    expect(page.locator("#thesis-waits")).to_have_count(0)

    # Step 2: the thesis, under the essay question, with frames beside the box.
    thesis_region = page.locator("#thesis-anchor")
    expect(thesis_region).to_contain_text(assignment.essay_prompt)
    thesis = page.get_by_role("textbox", name="Your thesis, in one or two sentences")
    expect(thesis).to_have_value("")
    expect(page.locator("#thesis-help")).to_contain_text("Sentence frames to start from")
    check_state(page, "thesis with frames")
    photograph(page, "thesis-frames", thesis_region)
    thesis.fill(THESIS)
    saved(page)
    # The example (after a first attempt, the default) is made of the student's judgements.
    page.get_by_role("link", name="Show an example thesis").click()
    expect(page.locator("#example-thesis")).to_contain_text("Example, made from your judgements")
    expect(page.locator("#example-thesis")).to_contain_text("let people speak again")

    # Claims, reasoning and every card: the student's words, the relation the student chose.
    for section in page.locator(".outline-section.role-body").all():
        heading = section.locator("h2").first.inner_text().split("\n")[0]
        section.get_by_role("textbox", name="Claim (topic sentence)").fill(claim_for(heading))
        section.get_by_role("textbox", name="Reasoning: why does it matter?").fill(
            reasoning_for(heading)
        )
        for card in section.locator(".cer-card").all():
            expect(card).to_contain_text("Your note")
            card.get_by_label("Shows a difference", exact=True).check()
            card.get_by_role("textbox", name="Reasoning: what this shows").fill(CARD_REASONING)
    conclusion = page.locator(".outline-section.role-conclusion")
    conclusion.get_by_role("textbox", name="Claim (topic sentence)").fill(CONCLUSION)
    saved(page)
    card = page.locator(".cer-card").first
    check_state(page, "reasoning on the cards")
    photograph(page, "cer-card", card)

    checks = page.locator("#outline-status")
    expect(checks).to_contain_text("No problems left")
    photograph(page, "checks", checks)
    page.get_by_role("button", name="Submit to your teacher").click()
    expect(page.get_by_text("Submitted. Your teacher can now review it")).to_be_visible()
    assert_written(Outline.objects.get(author=student))


def test_a_student_writes_the_argument_with_the_keyboard_alone(
    live_server, page, log_in, transactional_db, assignment, student, notes
):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, student.email)
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/builder/")
    expect(page.locator("#builder-preview")).to_contain_text("Khrushchev")
    for box in page.locator("#evidence-tray input[type=checkbox]").all():
        tab_to(page, box)
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Create this outline"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your outline is ready to edit.")).to_be_visible()

    judgements = page.locator("#judgements-anchor")
    for name, (kind, sentence) in JUDGEMENTS.items():
        box = judgements.locator("fieldset.judgement", has_text=name)
        radios = box.get_by_role("radio")
        # "Not chosen yet" holds the focus of the group; the arrows move the choice.
        tab_to(page, radios.first)
        labels = [
            radio.evaluate("r => r.parentElement.textContent.trim()") for radio in radios.all()
        ]
        for _ in range(labels.index(kind)):
            page.keyboard.press("ArrowRight")
        expect(box.get_by_label(kind)).to_be_checked()
        tab_to(page, box.get_by_role("textbox"))
        page.keyboard.type(sentence)
    lead = judgements.locator(".judgement-lead").get_by_role(
        "radio", name="Leadership style", exact=True
    )
    tab_to(page, lead)  # no area picked yet: Tab lands on the first, Space picks it
    page.keyboard.press("Space")
    expect(lead).to_be_checked()
    tab_to(page, judgements.get_by_role("textbox", name="Why does it matter most?"))
    page.keyboard.type(WHY)
    tab_to(page, judgements.get_by_role("button", name="Lay out my sections from these judgements"))
    page.keyboard.press("Enter")
    expect(page.locator("#thesis-waits")).to_have_count(0)

    tab_to(page, page.get_by_role("textbox", name="Your thesis, in one or two sentences"))
    page.keyboard.type(THESIS)
    for index in range(page.locator(".outline-section.role-body").count()):
        section = page.locator(".outline-section.role-body").nth(index)
        heading = section.locator("h2").first.inner_text().split("\n")[0]
        tab_to(page, section.get_by_role("textbox", name="Claim (topic sentence)"))
        page.keyboard.type(claim_for(heading))
        for card_index in range(section.locator(".cer-card").count()):
            card = section.locator(".cer-card").nth(card_index)
            tab_to(page, card.get_by_label("Not chosen yet"))
            page.keyboard.press("ArrowRight")
            expect(card.get_by_label("Shows a difference", exact=True)).to_be_checked()
            tab_to(page, card.get_by_role("textbox", name="Reasoning: what this shows"))
            page.keyboard.type(CARD_REASONING)
        tab_to(page, section.get_by_role("textbox", name="Reasoning: why does it matter?"))
        page.keyboard.type(reasoning_for(heading))
    conclusion = page.locator(".outline-section.role-conclusion")
    tab_to(page, conclusion.get_by_role("textbox", name="Claim (topic sentence)"))
    page.keyboard.type(CONCLUSION)
    page.keyboard.press("Tab")
    saved(page)
    expect(page.locator("#outline-status")).to_contain_text("No problems left")

    # Back up to the submit button with Shift+Tab would be a long way: reload the page and
    # Tab to it from the top, as a keyboard user would after a pause.
    page.reload()
    tab_to(page, page.get_by_role("button", name="Submit to your teacher"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Submitted. Your teacher can now review it")).to_be_visible()
    assert_written(Outline.objects.get(author=student))
