"""A teacher invites a colleague, who accepts on their dashboard, in place; then the first
teacher can leave the class to them (issue 15, finding 4)."""

from playwright.sync_api import expect

from counterpoint.models import Membership
from tests.factories import ClassroomFactory, MembershipFactory, UserFactory


def test_a_colleague_accepts_an_invitation_to_teach_in_place(
    live_server, browser, log_in, shot, transactional_db
):
    classroom = ClassroomFactory(name="Year 11 History")
    teacher = UserFactory(display_name="Ms Okafor", email="okafor@example.test")
    MembershipFactory(user=teacher, classroom=classroom, role="teacher")
    colleague = UserFactory(display_name="Mr Baptiste", email="baptiste@example.test")
    base = live_server.url

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "favicon" not in m.location.get("url", "")
            else None
        ),
    )
    log_in(page, teacher.email)
    page.goto(f"{base}/classes/{classroom.pk}/")
    page.get_by_label("Co-teacher's e-mail address").fill("Baptiste@example.test")
    page.get_by_role("button", name="Send an invitation").click()
    card = page.locator("#co-teachers")
    expect(card).to_contain_text("If that address has an account")
    expect(card).to_contain_text("baptiste@example.test")
    expect(card).not_to_contain_text("Mr Baptiste")
    shot(page, "platform-coteacher-invited")
    page.emulate_media(color_scheme="dark")
    shot(page, "platform-coteacher-invited-dark")
    page.emulate_media(color_scheme="light")

    other = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(other, colleague.email)
    expect(other.get_by_role("heading", name="Invitations to teach")).to_be_visible()
    shot(other, "platform-coteacher-invitation-phone")
    other.emulate_media(color_scheme="dark")
    shot(other, "platform-coteacher-invitation-phone-dark")
    other.get_by_role("button", name="Accept the invitation to teach Year 11 History").click()
    expect(other.get_by_text("You now teach Year 11 History.")).to_be_visible()
    assert Membership.objects.get(user=colleague, classroom=classroom).role == "teacher"
    shot(other, "platform-coteacher-accepted-phone")

    page.reload()
    expect(page.locator("#co-teachers")).to_contain_text("Mr Baptiste")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Leave this class").click()
    expect(page.get_by_text("You have left Year 11 History.")).to_be_visible()
    assert errors == []
