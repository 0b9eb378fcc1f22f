import re

from playwright.sync_api import expect


def sign_up(page, base, name, email):
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-phrase")
    page.get_by_label("Password confirmation").fill("a-long-and-unusual-phrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome, {name}.")).to_be_visible()


def test_teacher_creates_a_class_and_a_student_joins_with_the_code(
    live_server, browser, shot, transactional_db
):
    base = live_server.url
    teacher = browser.new_page()
    sign_up(teacher, base, "Ms Okafor", "okafor@example.test")
    teacher.get_by_role("link", name="Create a class (teachers)").click()
    teacher.get_by_label("Class name").fill("Year 11 History")
    teacher.get_by_role("button", name="Create class").click()
    expect(teacher.get_by_role("heading", name="Year 11 History")).to_be_visible()
    code = teacher.locator(".join-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    shot(teacher, "platform-teacher-class")

    student = browser.new_context().new_page()
    sign_up(student, base, "Jon", "jon@example.test")
    student.get_by_role("link", name="Join a class with a code").click()
    student.get_by_label("Join code").fill("WRNG-CODE")
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_text("No class has that code")).to_be_visible()
    expect(student.get_by_label("Join code")).to_have_value("WRNG-CODE")
    student.get_by_label("Join code").fill(code.lower())
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_text("You joined Year 11 History.")).to_be_visible()
    shot(student, "platform-student-joined")

    teacher.reload()
    expect(teacher.locator(".roster")).to_contain_text("Jon")
    teacher.get_by_role("button", name="Make a new code").click()
    expect(teacher.locator(".join-code")).not_to_have_text(code)
    shot(teacher, "platform-teacher-roster")
