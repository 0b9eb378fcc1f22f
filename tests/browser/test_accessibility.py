"""axe-core on every main page, light and dark, at 1366 px (and a representative set at 390
and 320 px): no serious or critical violations, and no Content-Security-Policy refusals in the
console.

axe-core is injected by Playwright from tests/browser/vendor/axe-core/ (never served to
users). Each page is checked as the person who uses it, with the shared trust world's data
(tests/trust/world.py): annotations, a reply, a flag, a link, an outline with feedback and a
draft. A screenshot of each page in dark mode goes to artifacts/screenshots/.
"""

import json
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from essays.models import Outline
from tests.trust.world import build

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text()
BLOCKING = {"serious", "critical"}


def pages(w):
    """(who, name, url) for every main page."""
    a, o, c = w.assignment, w.outline, w.comparison
    return [
        (None, "login", reverse("login")),
        (None, "signup", reverse("signup")),
        ("student", "student-dashboard", reverse("dashboard")),
        ("student", "class-student", reverse("classroom", args=[w.classroom.pk])),
        ("student", "reading-page", reverse("comparisons:read", args=[a.pk])),
        ("student", "builder", reverse("essays:builder", args=[a.pk])),
        ("student", "outline-editor", reverse("essays:outline", args=[o.pk])),
        ("student", "draft-editor", reverse("essays:draft", args=[w.draft.pk])),
        ("student", "join", reverse("join")),
        ("student", "profile", reverse("profile")),
        ("student", "inbox", reverse("notifications:inbox")),
        ("student", "account-delete", reverse("account_delete")),
        ("teacher", "teacher-dashboard", reverse("dashboard")),
        ("teacher", "class-teacher", reverse("classroom", args=[w.classroom.pk])),
        ("teacher", "projector", reverse("classroom_projector", args=[w.classroom.pk])),
        ("teacher", "reading-page-teacher", reverse("comparisons:read", args=[a.pk])),
        ("teacher", "moderation", reverse("annotations:moderation", args=[w.classroom.pk])),
        ("teacher", "comparison-editor", reverse("comparisons:edit", args=[c.pk])),
        ("teacher", "comparison-list", reverse("comparisons:list")),
        ("teacher", "import", reverse("comparisons:import")),
        ("teacher", "assign", reverse("comparisons:assign", args=[w.classroom.pk])),
        ("teacher", "review", reverse("essays:review", args=[o.pk])),
        ("teacher", "submissions", reverse("essays:submissions", args=[a.pk])),
        ("teacher", "class-dashboard", reverse("insights:class_dashboard", args=[w.classroom.pk])),
    ]


def violations(page):
    # Evaluated through the DevTools protocol rather than added as a <script>, which the
    # page's Content-Security-Policy rightly refuses; the page keeps its real policy.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


# Narrow screens (and 200-400 % zoom) lay pages out differently, so every page runs at each
# width in both schemes. States reached by an in-page update are checked where the browser
# tests reach them (tests/browser/states.py).
RUNS = [
    (1366, "light", None),
    (1366, "dark", None),
    (390, "light", None),
    (390, "dark", None),
    (320, "light", None),
    (320, "dark", None),
]


def test_every_main_page_passes_axe_wide_and_narrow_in_light_and_dark(
    live_server, browser, log_in, shot, transactional_db
):
    w = build()
    Outline.objects.filter(pk=w.outline.pk).update(status=Outline.Status.SUBMITTED)
    found, refused = {}, []
    for width, scheme, only in RUNS:
        context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        who_now = "nobody"
        for who, name, url in pages(w):
            if only is not None and name not in only:
                continue
            if who != who_now:
                context.clear_cookies()
                if who:
                    log_in(page, getattr(w, who).email)
                who_now = who
            page.goto(live_server.url + url)
            expect(page.locator("main")).to_be_visible()
            if problems := violations(page):
                found[f"{name} ({width} px, {scheme})"] = problems
            if scheme == "dark" and width == 1366:
                shot(page, f"a11y-dark-{name}", full_page=False)
            elif width == 390:
                shot(page, f"a11y-390-{scheme}-{name}", full_page=False)
        context.close()

    assert not found, json.dumps(found, indent=1)
    assert not refused, refused


def test_the_api_docs_work_under_the_content_security_policy(live_server, page, transactional_db):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Counterpoint API")
    expect(page.locator(".opblock-tag").first).to_be_visible()
    assert not refused, refused


def test_the_api_docs_pass_axe_wide_and_narrow(live_server, page, shot, transactional_db):
    found = {}
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/api/docs/")
        expect(page.locator(".opblock-summary-method").first).to_be_visible()
        if problems := violations(page):
            found[width] = problems
        shot(page, f"a11y-api-docs-{width}", full_page=False)

    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert not found, json.dumps(found, indent=1)
