"""A collapsed card (past the panel's first PANEL_FULL_CARDS) is still highlighted, and
clicking its highlight opens it in full, with the focus on it."""

import re

import pytest
from playwright.sync_api import expect

from annotations import panel
from tests.annotations.helpers import annotate
from tests.browser.test_annotating_flow import TEXT, open_reading_page


@pytest.fixture
def reading(assignment):
    passage = assignment.comparison.sections.order_by("order")[0].passages.order_by("order")[0]
    passage.text = TEXT
    passage.save()
    return assignment, passage


def test_clicking_a_collapsed_cards_highlight_opens_it(
    live_server, page, log_in, shot, transactional_db, reading, student, classmate, monkeypatch
):
    monkeypatch.setattr(panel, "PANEL_FULL_CARDS", 1)
    assignment, passage = reading
    annotate(assignment, classmate, passage=passage, quote="Stalin ruled", body="Opening words")
    late = annotate(
        assignment, classmate, passage=passage, quote="vast cult of personality", body="The cult"
    )
    log_in(page, student.email)

    open_reading_page(page, live_server, assignment)

    collapsed = page.locator(f"#annotation-{late.pk}")
    expect(collapsed).to_have_class(re.compile(r"\bis-collapsed\b"))
    expect(collapsed).not_to_contain_text("The cult")
    highlight = page.locator("#p1 mark.highlight", has_text="vast cult of personality")
    expect(highlight).to_be_visible()
    shot(page, "annotations-collapsed-card", full_page=False)

    highlight.click()

    opened = page.locator(f"#annotation-{late.pk}")
    expect(opened).to_contain_text("The cult")
    expect(opened).not_to_have_class(re.compile(r"\bis-collapsed\b"))
    expect(opened).to_be_focused()
    shot(page, "annotations-collapsed-card-opened", full_page=False)
