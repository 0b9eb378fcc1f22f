"""Every card works the same however it reached the reading page: with the page, from the
reader's own post, or from the live poll. Each action runs on a card of each origin, in
place (no page load), and is saved.

Also: the standalone pages behind Edit, Link… and Flag… (what a link opens in a new tab, or
without JavaScript) work on their own and go back to the card.
"""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Flag, Helpful, Link
from tests.annotations.helpers import annotate
from tests.browser.test_annotating_flow import TEXT, open_reading_page
from tests.browser.test_annotator_js import drag_select

# One quote per card, so each action gets a card of its own, untouched before.
QUOTES = {
    "edit": ("Stalin", "ruled"),
    "link": ("through", "fear"),
    "reply": ("vast", "cult"),
    "delete": ("less", "often"),
    "helpful": ("through", "fear"),
    "flag": ("vast", "cult"),
}


@pytest.fixture
def reading(assignment, cast, student, classmate):
    """The first passage carries a real sentence; one note by each reader is there already,
    for the links to point at (a link joins notes about different subjects)."""
    passage = cast["passages"][0]
    passage.text = TEXT
    passage.save()
    mine = annotate(
        assignment, student, passage=passage, quote="learned", subjects=[cast["stalin"]]
    )
    theirs = annotate(
        assignment, classmate, passage=passage, quote="agree", subjects=[cast["khrushchev"]]
    )
    return {"assignment": assignment, "passage": passage, "mine": mine, "theirs": theirs, **cast}


def stays_on_the_page(page):
    """Mark the window: a full page load would lose the mark."""
    page.evaluate("window.stillHere = true")


def assert_no_page_load(page):
    assert page.evaluate("window.stillHere === true"), "the action loaded a new page"


def assert_unique_ids(page):
    repeated = page.evaluate(
        """() => {
            const seen = new Map();
            for (const el of document.querySelectorAll("[id]")) {
                seen.set(el.id, (seen.get(el.id) || 0) + 1);
            }
            return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
        }"""
    )
    assert repeated == []


def shots(page, shot, name):
    """The page at 1366 px, at 390 px, and at 390 px in the dark theme."""
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, f"{name}-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"{name}-390")
    page.emulate_media(color_scheme="dark")
    shot(page, f"{name}-390-dark")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1366, "height": 900})


def phrase(action):
    first, last = QUOTES[action]
    start = TEXT.index(first)
    return TEXT[start : TEXT.index(last, start) + len(last)]


def note(action, origin):
    return f"{origin}: a note to {action}"


# --- the cards, by origin ------------------------------------------------------------


def own_cards(origin, page, live_server, log_in, reading, student):
    """The reader's own Stalin notes, one per action, as they reach the page."""
    actions = ["edit", "link", "reply", "delete"]
    stalin, passage = reading["stalin"], reading["passage"]

    def made_in_the_database():
        for action in actions:
            annotate(
                reading["assignment"],
                student,
                passage=passage,
                quote=phrase(action),
                subjects=[stalin],
                body=note(action, origin),
            )

    log_in(page, student.email)
    if origin == "page load":
        made_in_the_database()
    open_reading_page(page, live_server, reading["assignment"])
    stays_on_the_page(page)
    if origin == "own post":
        for action in actions:
            drag_select(page, "#p1", *QUOTES[action])
            page.locator(".annotate-button").click()
            page.keyboard.type(note(action, origin))
            page.get_by_role("group", name="About").get_by_label("Stalin").check()
            page.get_by_role("button", name="Save annotation").click()
            expect(page.locator(".annotation-card", has_text=note(action, origin))).to_be_visible()
    elif origin == "poll":  # written in another tab, say
        made_in_the_database()


def card_of(page, action, origin, timeout=12_000):
    card = page.locator(".annotation-list .annotation-card", has_text=note(action, origin))
    expect(card).to_be_visible(timeout=timeout)  # the poll runs every 5 s
    return page.locator(f"#{card.get_attribute('id')}")  # the note's text may change


# --- the actions -----------------------------------------------------------------------


def edit(page, card, origin):
    card.get_by_role("link", name="Edit").click()
    body = card.get_by_label("Your note")
    expect(body).to_be_visible()
    assert_unique_ids(page)
    body.fill("Edited: fear came first.")
    card.get_by_role("button", name="Save").click()
    expect(card).to_contain_text("Edited: fear came first.")
    assert Annotation.objects.get(body="Edited: fear came first.")


def link(page, card, target, origin):
    card.get_by_role("link", name="Link…").click()
    choose = card.get_by_label("Link to")
    expect(choose).to_be_visible()
    assert_unique_ids(page)
    choose.select_option(str(target.pk))
    card.get_by_label("Difference").check()
    card.get_by_label("In one sentence, why?").fill(f"One feared, one agreed ({origin}).")
    card.get_by_role("button", name="Link them").click()
    expect(page.locator(".card-links", has_text=f"({origin})").first).to_be_visible()
    assert Link.objects.filter(explanation=f"One feared, one agreed ({origin}).").exists()


def reply(page, card, origin):
    card.locator("summary", has_text="Reply").click()
    card.locator("textarea[name=body]").fill(f"A reply ({origin}).")
    card.get_by_role("button", name="Send reply").click()
    expect(card.locator(".replies")).to_contain_text(f"A reply ({origin}).")
    assert Annotation.objects.filter(body=f"A reply ({origin}).", parent__isnull=False).exists()


def delete(page, card, origin):
    pk = card.get_attribute("data-annotation")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Delete").click()
    expect(card).to_have_count(0)  # no replies, so nothing is left to show
    assert not Annotation.objects.filter(pk=pk).exists()


def helpful(page, card, origin):
    button = card.get_by_role("button", name=re.compile("^Helpful"))
    button.click()
    expect(card.get_by_role("button", name=re.compile("^Helpful"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert Helpful.objects.filter(annotation__body=note("helpful", origin)).exists()


def flag(page, card, origin):
    card.get_by_role("link", name="Flag…").click()
    expect(card.get_by_label("Unkind")).to_be_visible()
    assert_unique_ids(page)
    card.get_by_label("Unkind").check()
    card.get_by_role("button", name="Flag it").click()
    expect(card).to_contain_text("You flagged this")
    assert Flag.objects.filter(annotation__body=note("flag", origin)).exists()


@pytest.mark.parametrize("origin", ["page load", "own post", "poll"])
def test_every_action_on_my_own_card_works_in_place(
    origin, live_server, page, log_in, transactional_db, reading, student, shot
):
    own_cards(origin, page, live_server, log_in, reading, student)

    edit(page, card_of(page, "edit", origin), origin)
    link(page, card_of(page, "link", origin), reading["theirs"], origin)
    reply(page, card_of(page, "reply", origin), origin)
    delete(page, card_of(page, "delete", origin), origin)

    assert_no_page_load(page)
    if origin == "own post":
        shots(page, shot, "card-actions-own-post")


@pytest.mark.parametrize("origin", ["page load", "poll"])
def test_every_action_on_a_classmates_card_works_in_place(
    origin, live_server, page, log_in, transactional_db, reading, student, classmate
):
    def written_by_the_classmate():
        for action in ["helpful", "flag", "reply", "link"]:
            annotate(
                reading["assignment"],
                classmate,
                passage=reading["passage"],
                quote=phrase(action if action != "link" else "delete"),
                subjects=[reading["khrushchev"]],
                body=note(action, origin),
            )

    log_in(page, student.email)
    if origin == "page load":
        written_by_the_classmate()
    open_reading_page(page, live_server, reading["assignment"])
    stays_on_the_page(page)
    if origin == "poll":
        written_by_the_classmate()

    helpful(page, card_of(page, "helpful", origin), origin)
    flag(page, card_of(page, "flag", origin), origin)
    reply(page, card_of(page, "reply", origin), origin)
    link(page, card_of(page, "link", origin), reading["mine"], origin)

    assert_no_page_load(page)


# --- the standalone pages ------------------------------------------------------------------


def test_the_edit_page_on_its_own_saves_and_goes_back_to_the_card(
    live_server, page, log_in, transactional_db, reading, student, shot
):
    mine = reading["mine"]
    log_in(page, student.email)
    page.goto(f"{live_server.url}/annotations/{mine.pk}/edit/")
    shots(page, shot, "edit-page")
    page.get_by_label("Your note").fill("Edited on its own page.")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"**/assignments/{reading['assignment'].pk}/#annotation-{mine.pk}")
    expect(page.locator(f"#annotation-{mine.pk}")).to_contain_text("Edited on its own page.")


def test_the_link_page_on_its_own_links_and_goes_back_to_the_card(
    live_server, page, log_in, transactional_db, reading, student, shot
):
    mine, theirs = reading["mine"], reading["theirs"]
    log_in(page, student.email)
    page.goto(f"{live_server.url}/annotations/{mine.pk}/link/")
    shots(page, shot, "link-page")
    page.get_by_label("Link to").select_option(str(theirs.pk))
    page.get_by_label("Similarity").check()
    page.get_by_label("In one sentence, why?").fill("Both were careful.")
    page.get_by_role("button", name="Link them").click()

    page.wait_for_url(f"**/assignments/{reading['assignment'].pk}/#annotation-{mine.pk}")
    expect(page.locator(f"#annotation-{mine.pk} .card-links")).to_contain_text("Both were careful.")


def test_the_flag_page_on_its_own_flags_and_goes_back_to_the_card(
    live_server, page, log_in, transactional_db, reading, student, shot
):
    theirs = reading["theirs"]
    log_in(page, student.email)
    page.goto(f"{live_server.url}/annotations/{theirs.pk}/flag/")
    shots(page, shot, "flag-page")
    page.get_by_label("Off-topic").check()
    page.get_by_role("button", name="Flag it").click()

    page.wait_for_url(f"**/assignments/{reading['assignment'].pk}/#annotation-{theirs.pk}")
    expect(page.locator(f"#annotation-{theirs.pk}")).to_contain_text("You flagged this")
    assert Flag.objects.filter(annotation=theirs).exists()
