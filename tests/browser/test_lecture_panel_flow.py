"""A lecture-size class: a reading page with 5,000 notes brings the first page of cards and
the highlights of all of them; the panel loads more as the student scrolls it, filters on the
server, opens a note not yet loaded by its highlight, and annotating still works."""

import re

import pytest
from playwright.sync_api import expect

from annotations import panel
from annotations.models import Annotation
from tests.annotations.helpers import annotate
from tests.browser.states import check_state
from tests.browser.test_annotating_flow import TEXT, open_reading_page
from tests.browser.test_annotator_js import drag_select
from tests.factories import MembershipFactory, UserFactory

NOTES = 5000


@pytest.fixture
def lecture(assignment, classroom):
    """5,000 notes by 300 students, made in bulk, on the first word of each paragraph; and
    one note on words of the first paragraph that sorts last in the panel."""
    passages = [
        p for s in assignment.comparison.sections.order_by("order") for p in s.passages.all()
    ]
    passages[0].text = TEXT
    passages[0].save()
    students = UserFactory.create_batch(300)
    for user in students:
        MembershipFactory(user=user, classroom=classroom, role="student")
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    rows = Annotation.objects.bulk_create(
        [
            Annotation(
                assignment=assignment,
                passage=(passage := passages[i % len(passages)]),
                author=students[i % len(students)],
                exact=(word := passage.text.split()[0]),
                start=0,
                end=len(word),
                body=f"Lecture note {i}",
                kind="question" if i % 5 == 0 else "evidence",
                visibility="class",
            )
            for i in range(NOTES)
        ]
    )
    Annotation.subjects.through.objects.bulk_create(
        [
            Annotation.subjects.through(
                annotation_id=row.pk, subject_id=(stalin, khrushchev)[i % 2].pk
            )
            for i, row in enumerate(rows)
        ]
    )
    last = annotate(
        assignment, students[0], passage=passages[0], quote="learned to agree", body="The far note"
    )
    keyed = annotate(
        assignment, students[1], passage=passages[0], quote="party met", body="Found by keyboard"
    )
    return assignment, last, keyed


def settled_count(page, cards) -> int:
    """How many cards the panel shows once it has stopped loading on (panel.js loads the next
    page while the end of the list is in view): the same count twice, a moment apart."""
    last, count = -1, cards.count()
    while count != last:
        page.wait_for_timeout(600)
        last, count = count, cards.count()
    return count


def test_a_5000_note_panel_scrolls_filters_opens_a_far_note_and_annotates(
    live_server, page, log_in, shot, transactional_db, lecture, student
):
    assignment, far, keyed = lecture
    log_in(page, student.email)
    open_reading_page(page, live_server, assignment)

    cards = page.locator("#annotation-list > li > .annotation-card")
    expect(cards).to_have_count(panel.PAGE_SIZE)
    expect(page.locator("#annotation-facets")).to_contain_text(f"{NOTES + 2} annotations")
    # Every note is highlighted, loaded or not: the far one too.
    expect(page.locator("#p1 mark.highlight", has_text="learned to agree")).to_be_visible()
    expect(page.locator(f"#annotation-{far.pk}")).to_have_count(0)
    check_state(page, "reading page with 5,000 notes")
    shot(page, "lecture-panel-first-page", full_page=False)

    # Scrolling the panel to its end brings the next page, and the next.
    page.locator("#annotation-list > li.load-more").scroll_into_view_if_needed()
    expect(cards).to_have_count(2 * panel.PAGE_SIZE)
    page.locator("#annotation-list > li.load-more").scroll_into_view_if_needed()
    expect(cards).to_have_count(3 * panel.PAGE_SIZE)

    # With the keyboard: the "Load more notes" button, then focus on the first new card.
    button = page.get_by_role("button", name="Load more notes")
    button.focus()
    page.keyboard.press("Enter")
    expect(cards).to_have_count(4 * panel.PAGE_SIZE)
    expect(page.locator(":focus")).to_have_class(re.compile(r"\bannotation-card\b"))

    # Filters are queries on the server: counts of every note, the first page of the match.
    page.locator("#filter-kind").select_option("question")
    expect(page.locator("#annotation-facets")).to_contain_text(f"{NOTES // 5} shown of {NOTES + 2}")
    expect(page.locator("#p1 mark.highlight", has_text="learned to agree")).to_have_count(0)
    # A page or two of questions, as far as the panel shows (it loads on while its end shows):
    # read as a person would, once the list has stopped growing.
    loaded = settled_count(page, cards)
    assert loaded in (panel.PAGE_SIZE, 2 * panel.PAGE_SIZE)
    numbers = [
        int(n) for n in re.findall(r"Lecture note (\d+)", page.inner_text("#annotation-list"))
    ]
    assert numbers and all(n % 5 == 0 for n in numbers)
    page.locator("#annotation-list > li.load-more").scroll_into_view_if_needed()
    expect(cards).to_have_count(loaded + panel.PAGE_SIZE)
    shot(page, "lecture-panel-filtered", full_page=False)
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("#annotation-facets")).to_contain_text(f"{NOTES + 2} annotations")

    # A highlight whose card is not loaded yet: clicking it fetches the note and focuses it.
    page.locator("#p1 mark.highlight", has_text="learned to agree").click()
    opened = page.locator(f"#annotation-{far.pk}")
    expect(opened).to_contain_text("The far note")
    expect(opened).to_be_focused()
    shot(page, "lecture-panel-far-note-opened", full_page=False)

    # By keyboard: ] twice reaches the second highlight of the paragraph, Enter opens its note.
    page.locator("#p1 .passage-text").focus()
    page.keyboard.press("]")
    page.keyboard.press("]")
    expect(page.locator("#p1 mark.is-current")).to_have_text("party met")
    page.keyboard.press("Enter")
    expect(page.locator(f"#annotation-{keyed.pk}")).to_contain_text("Found by keyboard")
    expect(page.locator(f"#annotation-{keyed.pk}")).to_be_focused()

    # Annotating works as on a small class.
    drag_select(page, "#p1", "vast", "personality")
    page.locator(".annotate-button").click()
    page.keyboard.type("Among five thousand notes, mine.")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator(".annotation-card", has_text="Among five thousand notes")).to_be_visible()
    expect(page.locator("#p1 mark.highlight", has_text="vast cult of personality")).to_be_visible()
    for width, scheme in ((390, "light"), (390, "dark"), (1366, "light"), (1366, "dark")):
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(color_scheme=scheme)
        shot(page, f"lecture-panel-{width}-{scheme}", full_page=False)
