import re

from playwright.sync_api import expect

from tests.factories import UserFactory


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


def test_teacher_shows_the_qr_code_and_a_logged_in_student_joins_by_the_link(
    live_server, browser, log_in, shot, transactional_db, classroom, teacher
):
    UserFactory(display_name="Lin Link", email="lin@example.test")
    refused = []
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    teacher_page = context.new_page()
    teacher_page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(teacher_page, teacher.email)
    teacher_page.goto(f"{live_server.url}/classes/{classroom.pk}/")
    card = teacher_page.locator("#join-code")
    expect(card.get_by_role("img", name="QR code that opens the join link")).to_be_visible()
    link = card.locator(".join-link a").inner_text()
    assert link == f"{live_server.url}/classes/join/?code={classroom.join_code_display}"
    box = card.locator(".qr-code").bounding_box()
    assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 1
    shot(teacher_page, "platform-join-qr-class-page")

    card.get_by_role("link", name="Show for the projector").click()
    expect(teacher_page.get_by_role("heading", name="Join Year 11 History")).to_be_visible()
    expect(teacher_page.locator(".projector-code")).to_have_text(classroom.join_code_display)
    expect(teacher_page.locator(".projector-link")).to_have_text(link)
    assert teacher_page.locator(".qr-code").bounding_box()["width"] >= 500
    shot(teacher_page, "platform-join-projector", full_page=False)
    assert refused == []

    for name, options in (
        ("phone", {"viewport": {"width": 390, "height": 844}}),
        ("dark", {"viewport": {"width": 1366, "height": 900}, "color_scheme": "dark"}),
    ):
        other = browser.new_context(**options).new_page()
        log_in(other, teacher.email)
        other.goto(f"{live_server.url}/classes/{classroom.pk}/")
        expect(other.locator("#join-code .qr-code")).to_be_visible()
        assert other.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(other, f"platform-join-qr-class-page-{name}")
        other.goto(f"{live_server.url}/classes/{classroom.pk}/projector/")
        assert other.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(other, f"platform-join-projector-{name}", full_page=False)

    student = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(student, "lin@example.test")
    student.goto(link)
    expect(student.get_by_role("heading", name="Join Year 11 History")).to_be_visible()
    expect(student.get_by_label("Join code")).to_have_value(classroom.join_code_display)
    shot(student, "platform-join-by-link-phone")
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_text("You joined Year 11 History.")).to_be_visible()

    teacher_page.goto(f"{live_server.url}/classes/{classroom.pk}/")
    expect(teacher_page.locator(".roster")).to_contain_text("Lin Link")
    teacher_page.get_by_role("button", name="Make a new code").click()
    expect(teacher_page.locator(".join-link a")).not_to_have_text(link)
    expect(teacher_page.locator(".join-code")).not_to_have_text(classroom.join_code_display)
