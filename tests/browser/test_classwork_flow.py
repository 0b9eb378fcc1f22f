"""The whole-class tools in a browser: a teacher reshapes a rubric with the keyboard (htmx
swaps the editor in place), and releases feedback to the selected students at once after
"select every student". Screenshots of both pages at 390 and 1366 px, light and dark."""

from pathlib import Path

from playwright.sync_api import expect

from essays import feedback
from essays.models import Outline, Review
from tests.browser.states import check_state

SHOTS = Path("/tmp/shots-g19")


def shots(page, shot, name):
    """The page at phone and desktop width, light and dark, for a person to look at."""
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 1366):
        for scheme in ("light", "dark"):
            page.set_viewport_size({"width": width, "height": 900})
            page.emulate_media(color_scheme=scheme)
            page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}-top.png"))
            shot(page, f"{name}-{width}-{scheme}")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(color_scheme="light")


def test_a_teacher_reshapes_the_rubric_with_the_keyboard(
    live_server, browser, log_in, shot, transactional_db, assignment, teacher, console_errors
):
    rubric = feedback.rubric_for(assignment)
    first, second, *_ = rubric.criteria.all()
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/rubric/")

    name = page.locator(f"#c{second.pk}")
    name.fill("Use of sources")
    page.locator(f"#cw{second.pk}").fill("2")
    move_up = page.get_by_role("button", name=f"Move up – {second.name}")
    move_up.focus()
    page.keyboard.press("Enter")

    # Swapped in place: the renamed criterion is first, typed values kept, and announced.
    expect(page.locator(".criterion-edit").first).to_have_attribute("id", f"criterion-{second.pk}")
    expect(page.locator(f"#c{second.pk}")).to_have_value("Use of sources")
    expect(page.locator("#announcer")).to_contain_text("Moved Use of sources up.")
    assert page.url.endswith(f"/assignments/{assignment.pk}/rubric/")

    page.get_by_role("button", name="Add a criterion").click()
    expect(page.locator(".criterion-edit").last.get_by_label("Name", exact=True)).to_have_value(
        "Criterion 6"
    )
    level = first.levels.last()
    page.get_by_role("button", name=f"Remove level {level.name} from {first.name}").click()
    expect(page.locator(f"#l{level.pk}")).to_have_count(0)

    # A bad number is refused beside its field (a 422, on purpose); nothing is lost.
    console_errors.forgive("status of 422 (Unprocessable Entity)")
    points = page.locator(f"#lp{first.levels.first().pk}")
    points.fill("500")
    page.get_by_role("button", name="Save rubric").click()
    expect(page.get_by_text("A whole number from 0 to 100.")).to_be_visible()
    expect(points).to_have_value("500")
    points.fill("5")
    page.get_by_role("button", name="Save rubric").click()
    expect(page.locator("#announcer")).to_contain_text("Rubric saved.")

    # Removing a criterion asks once: dismissed, nothing happens; accepted, it goes.
    last = page.locator(".criterion-edit").last
    page.once("dialog", lambda dialog: dialog.dismiss())
    last.get_by_role("button", name="Remove criterion").click()
    expect(page.locator(".criterion-edit")).to_have_count(6)
    page.once("dialog", lambda dialog: dialog.accept())
    last.get_by_role("button", name="Remove criterion").click()
    expect(page.locator(".criterion-edit")).to_have_count(5)

    assert list(rubric.criteria.values_list("name", flat=True))[:2] == [
        "Use of sources",
        first.name,
    ]
    assert rubric.criteria.get(pk=second.pk).weight == 2
    assert first.levels.count() == 3 and first.levels.first().points == 5
    check_state(page, "rubric editor")
    shots(page, shot, "rubric-editor")


def test_a_teacher_releases_feedback_to_the_selected_students_at_once(
    live_server,
    browser,
    log_in,
    shot,
    transactional_db,
    assignment,
    teacher,
    student,
    classmate,
):
    work = {}
    for person in (student, classmate):
        outline = Outline.objects.create(assignment=assignment, author=person, title="Mine")
        work[person.pk] = feedback.outline_transition(outline=outline, action="submit")
    feedback.comment_add(outline=work[student.pk], author=teacher, body="Quote ¶2.")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, teacher.email)
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/submissions/")
    check_state(page, "submissions page")
    shots(page, shot, "submissions")

    page.get_by_label("Select every student").check()
    expect(page.get_by_label("Select Sam Student")).to_be_checked()
    expect(page.get_by_label("Select Cleo Classmate")).to_be_checked()
    page.get_by_role("button", name="Release feedback to selected").click()

    # Sam had a comment to see; Cleo had none, so she is skipped with the reason.
    expect(page.get_by_text("Feedback released (1): Sam Student.")).to_be_visible()
    expect(
        page.get_by_text("Cleo Classmate: There is no feedback on this work yet")
    ).to_be_visible()
    assert Review.objects.get(outline=work[student.pk]).released_at is not None
    assert not Review.objects.filter(outline=work[classmate.pk], released_at__isnull=False).exists()
    check_state(page, "submissions after a bulk release")
    shots(page, shot, "submissions-after-release")


def test_a_students_reading_goal_checklist_follows_their_own_reply(
    live_server, browser, log_in, shot, transactional_db, assignment, student, classmate
):
    from annotations.models import ReadingGoal
    from tests.annotations.helpers import annotate

    ReadingGoal.objects.create(assignment=assignment, evidence=1, replies=1)
    annotate(assignment, student, kind="evidence")
    cleos = annotate(assignment, classmate, kind="comment", body="Was it really a thaw?")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, student.email)
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/")

    checklist = page.locator("#goal-progress")
    expect(checklist).to_contain_text("Evidence notes: 1 of 1")
    expect(checklist).to_contain_text("Replies to classmates: 0 of 1")
    expect(checklist).to_contain_text("1 of 2 done")

    card = page.locator(f"#annotation-{cleos.pk}")
    card.locator("summary", has_text="Reply").click()
    card.locator("textarea[name=body]").fill("Only partly: the camps stayed.")
    card.get_by_role("button", name="Send reply").click()

    expect(checklist).to_contain_text("Replies to classmates: 1 of 1")
    expect(checklist).to_contain_text("2 of 2 done")
    check_state(page, "reading page with a reading goal")
    shots(page, shot, "reading-goal")
