"""Every page names its icon, so no page load asks for /favicon.ico and gets a 404."""

from playwright.sync_api import expect


def test_no_page_load_requests_anything_that_is_not_there(
    live_server, page, log_in, transactional_db, assignment, student
):
    failed = []
    icons = []
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on(
        "requestfinished",
        lambda request: icons.append(request.url) if "favicon" in request.url else None,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, student.email)
    for path in ["/", f"/assignments/{assignment.pk}/", f"/classes/{assignment.classroom_id}/"]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("link[rel=icon]")).to_have_attribute("href", "/static/img/favicon.svg")

    page.wait_for_timeout(500)  # the icon is fetched after the page has loaded
    assert failed == []
    assert icons and all(url.endswith("/static/img/favicon.svg") for url in icons)
