from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

ARTICLE = """# How was Athens different from Sparta?

Two Greek city-states, two very different ideas of how to live.

## Government

Athens let its citizens vote in the assembly. <script>alert("x")</script>

Sparta was run by two kings and a council of elders.

## Education

- Athenian boys studied music, reading and rhetoric.
- Spartan boys left home at seven to train as soldiers.

| Dimension | Athens | Sparta |
| --- | --- | --- |
| Government | Direct democracy of citizens | Two kings and a council |
| Education | Broad schooling in the arts | Harsh military training |
"""


def test_teacher_imports_publishes_and_assigns_and_a_student_reads_it(
    live_server, browser, log_in, shot, tmp_path, transactional_db, classroom, teacher, student
):
    base = live_server.url
    article = Path(tmp_path) / "athens-sparta.md"
    article.write_text(ARTICLE, encoding="utf-8")

    page = browser.new_page()
    log_in(page, teacher.email)
    page.goto(f"{base}/comparisons/")
    page.get_by_role("link", name="Import a text").click()
    page.get_by_label("Or upload a file").set_input_files(str(article))
    page.get_by_role("button", name="Check the article").click()
    expect(page.get_by_role("heading", name="Ready to import")).to_be_visible()
    expect(page.locator(".import-report")).to_contain_text("2 subjects, 2 dimensions")
    expect(page.locator(".import-report")).to_contain_text("contains HTML tags")
    shot(page, "comparisons-import-report")
    page.get_by_role("button", name="Create comparison").click()

    expect(
        page.get_by_role("heading", name="How was Athens different from Sparta?")
    ).to_be_visible()
    expect(
        page.get_by_text(
            "Imported How was Athens different from Sparta? Check it, then publish it."
        )
    ).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published. You can now assign it to a class.")).to_be_visible()
    shot(page, "comparisons-editor", full_page=False)

    page.goto(f"{base}/classes/{classroom.pk}/")
    page.get_by_role("link", name="Assign a comparison").click()
    page.get_by_label("Comparison").select_option(label="How was Athens different from Sparta?")
    due = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Due").fill(due)
    page.get_by_label("Essay question").fill("Which city prepared its citizens better?")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Assigned How was Athens different from Sparta?")).to_be_visible()

    reader = browser.new_context().new_page()
    log_in(reader, student.email)
    reader.get_by_role("link", name="How was Athens different from Sparta?").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "How was Athens different from Sparta?"
    )
    matrix = reader.get_by_role("table")
    expect(matrix.get_by_role("columnheader", name="Athens")).to_be_visible()
    expect(matrix.get_by_role("rowheader", name="Education")).to_be_visible()
    expect(reader.locator("#p2")).to_contain_text("Athens let its citizens vote")
    expect(reader.locator("script", has_text="alert")).to_have_count(0)
    reader.get_by_role("link", name="paragraph 4").first.click()
    expect(reader).to_have_url(f"{reader.url.split('#')[0]}#p4")
    shot(reader, "comparisons-reading-page")

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(phone, student.email)
    phone.goto(reader.url.split("#")[0])
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    shot(phone, "comparisons-reading-page-phone")


LEFT_OUT = """# How was Athens different from Sparta?

Two Greek city-states. ![A map of Greece](greece.png)

## Government

Athens let its citizens vote, as [Pericles said](https://example.test/pericles).

---

## At a glance

| Dimension | Athens | Sparta |
| --- | --- | --- |
| Government | Direct democracy of citizens | Two kings and a council |
| Education | Broad schooling in the arts | Harsh military training |
"""


def test_import_report_lists_every_piece_left_out(
    live_server, browser, log_in, shot, transactional_db, teacher
):
    for name, options in (
        ("", {"viewport": {"width": 1366, "height": 900}}),
        ("-phone", {"viewport": {"width": 390, "height": 844}}),
        ("-dark", {"viewport": {"width": 1366, "height": 900}, "color_scheme": "dark"}),
    ):
        page = browser.new_context(**options).new_page()
        log_in(page, teacher.email)
        page.goto(f"{live_server.url}/comparisons/import/")
        page.get_by_label("Article", exact=True).fill(LEFT_OUT)
        page.get_by_role("button", name="Check the article").click()
        report = page.locator(".import-report")
        expect(report.get_by_role("heading", name="Ready to import")).to_be_visible()
        for words in (
            "The picture on line 3",
            "The link on line 7",
            "The horizontal rule on line 9",
            "The section 'At a glance' on line 11 holds only the comparison table",
            "No paragraph is about the dimension 'Education'",
        ):
            expect(report).to_contain_text(words)
        expect(report).not_to_contain_text("nothing was left out")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"comparisons-import-report-left-out{name}")
