"""A teacher splits a class into small groups, moves a student, renames a group and lets
students switch to the whole class, in place; a student reads their group's notes, then
switches to the whole class."""

from pathlib import Path

from playwright.sync_api import expect

from counterpoint.models import Membership
from tests.annotations.helpers import annotate
from tests.browser.states import check_state
from tests.factories import MembershipFactory, UserFactory

SHOTS = Path("/tmp/shots-l24g")


def both_schemes(page, shot, name, part):
    """Screenshots at this width in light and dark, for the suite and for a person to look
    at: the page, and the part of it this flow is about."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        shot(page, f"{name}-{scheme}")
        page.screenshot(path=str(SHOTS / f"{name}-{scheme}.png"), full_page=True)
        page.locator(part).screenshot(path=str(SHOTS / f"{name}-{scheme}-part.png"))
    page.emulate_media(color_scheme="light")


def test_a_teacher_splits_the_class_and_a_student_reads_in_their_group(
    live_server, browser, log_in, shot, transactional_db, assignment, classroom, teacher, student
):
    names = [f"Pupil {chr(65 + n)}{'x' * (n % 3)}" for n in range(15)]
    pupils = [
        UserFactory(display_name=name, email=f"p{n}@example.test") for n, name in enumerate(names)
    ]
    for pupil in pupils:
        MembershipFactory(user=pupil, classroom=classroom, role="student")
    annotate(assignment, pupils[-1], body="A note from the last pupil's group")
    base = live_server.url

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, teacher.email)
    page.goto(f"{base}/classes/{classroom.pk}/")
    groups = page.locator("#groups")
    page.set_viewport_size({"width": 390, "height": 844})
    both_schemes(page, shot, "groups-split-390", "#groups")
    page.set_viewport_size({"width": 1366, "height": 900})
    groups.get_by_label("Students per group").fill("8")
    groups.get_by_label("In name order (the same split every time)").check()
    groups.get_by_role("button", name="Split the class").click()
    expect(groups.get_by_role("heading", name="Group 2")).to_be_visible()
    expect(page.locator("#announcer, [aria-live]").first).to_be_attached()

    # Sam Student sorts after the pupils: Group 2. Move them to Group 1.
    groups.get_by_label("Sam Student").check()
    groups.get_by_label("Tick students below, then move them to").select_option(label="Group 1")
    groups.get_by_role("button", name="Move", exact=True).click()
    first = groups.locator(".group-card").first
    expect(first).to_contain_text("Sam Student")
    assert Membership.objects.get(user=student, classroom=classroom).group.name == "Group 1"

    groups.get_by_label("Name of Group 1").fill("Front row")
    groups.get_by_role("button", name="Rename").first.click()
    expect(groups.get_by_role("heading", name="Front row")).to_be_visible()

    groups.get_by_label("Students may switch to the whole class").check()
    groups.get_by_role("button", name="Save").click()
    expect(groups.get_by_label("Students may switch to the whole class")).to_be_checked()

    check_state(page, "class page with groups")
    both_schemes(page, shot, "groups-class-page-1366", "#groups")
    page.set_viewport_size({"width": 390, "height": 844})
    both_schemes(page, shot, "groups-class-page-390", "#groups")

    reader = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(reader, student.email)
    reader.goto(f"{base}/assignments/{assignment.pk}/")
    expect(
        reader.get_by_text("Showing your group's annotations and your teacher's.")
    ).to_be_visible()
    expect(reader.get_by_text("A note from the last pupil's group")).to_have_count(0)
    both_schemes(reader, shot, "groups-reading-390", "#annotation-panel")
    reader.get_by_role("button", name="Show the whole class").click()
    expect(reader.locator("#group-view-state")).to_have_text(
        "Showing the whole class's annotations."
    )
    expect(reader.locator(".annotation-card", has_text="Pupil O")).to_have_count(1)
    check_state(reader, "reading page, whole class chosen")
    reader.set_viewport_size({"width": 1366, "height": 900})
    both_schemes(reader, shot, "groups-reading-1366", "#annotation-panel")
