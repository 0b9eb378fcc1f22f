"""No page scrolls sideways, from a small phone to a wide screen (UX.md: 320-1920 px), as a
student and as a teacher: the page is no wider than the window and no visible element sticks
out of it. Wide tables may scroll inside their own box; nothing else may."""

import pytest
from playwright.sync_api import expect

from annotations.models import Flag
from annotations.services import flag_create
from essays.feedback import outline_transition
from essays.models import Outline
from essays.services import (
    draft_create,
)
from tests.annotations.helpers import annotate
from tests.essays.helpers import outline_from
from tests.factories import AssignmentFactory, comparison_with_content

WIDTHS = (320, 390, 640, 768, 1280, 1920)  # 640: 1280 px at 200 % zoom (WCAG 1.4.10)

# For each element wider than the window: is it inside a box that scrolls sideways on
# purpose (a wide table), or does it stick out of the page?
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth) problems.push(`the page is ${page}px wide`);
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += `#${el.id}`;
    if (el.classList.length) name += `.${[...el.classList].join(".")}`;
    const text = (el.innerText || el.value || "").trim().slice(0, 30);
    return text ? `${name} “${text}”` : name;
  };
  const scrollsSideways = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  const reported = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered
    if (box.left >= -1 && box.right <= width + 1) continue;
    if (getComputedStyle(el).visibility === "hidden" || scrollsSideways(el)) continue;
    if (reported.some((outer) => outer.contains(el))) continue;  // name the outermost only
    reported.push(el);
    problems.push(`${describe(el)} spans ${Math.round(box.left)} to ${Math.round(box.right)}px`);
  }
  return problems;
}
"""


def make_work(assignment, author, classmate_notes):
    """An outline with evidence in every section, as the builder makes it."""
    dimensions = list(assignment.comparison.dimensions.order_by("order"))
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    keys = [f"annotation:{a.pk}" for a in classmate_notes]
    for dimension in dimensions:
        note = annotate(
            assignment,
            author,
            subjects=[stalin],
            dimension=dimension,
            body="Fear kept the party in line; this is my own reading of the passage.",
        )
        keys.append(f"annotation:{note.pk}")
    return outline_from(assignment, author, keys, [d.pk for d in dimensions])


@pytest.fixture
def classwork(transactional_db, classroom, teacher, student, classmate):
    # Enough paragraphs that their numbers reach two digits, as real texts do.
    comparison = comparison_with_content(teacher, sections=2, passages_per_section=6)
    assignment = AssignmentFactory(
        classroom=classroom,
        comparison=comparison,
        essay_prompt="How far did Khrushchev break with Stalin, and what stayed the same?",
    )
    stalin, khrushchev = comparison.subjects.order_by("order")
    passages = [p for s in comparison.sections.order_by("order") for p in s.passages.all()]
    theirs = [
        annotate(
            assignment,
            classmate,
            passage=passage,
            subjects=[khrushchev],
            dimension=comparison.dimensions.order_by("order").first(),
            body="Khrushchev's secret speech denounced the cult of personality in 1956.",
        )
        for passage in passages[-3:]
    ]
    flag_create(annotation=theirs[0], reporter=student, reason=Flag.Reason.OFF_TOPIC)
    outline = make_work(assignment, student, theirs)
    draft = draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)
    handed_in = make_work(assignment, classmate, theirs)
    outline_transition(outline=handed_in, action="submit")
    return {
        "assignment": assignment,
        "comparison": comparison,
        "classroom": classroom,
        "outline": outline,
        "draft": draft,
        "handed_in": handed_in,
    }


def student_pages(work):
    a, c = work["assignment"].pk, work["classroom"].pk
    return {
        "dashboard": "/",
        "class": f"/classes/{c}/",
        "reading": f"/assignments/{a}/",
        "builder": f"/assignments/{a}/builder/",
        "outline": f"/outlines/{work['outline'].pk}/",
        "draft": f"/drafts/{work['draft'].pk}/",
        "process": f"/work/{work['draft'].pk}/process/",
        "join": "/classes/join/",
        "profile": "/accounts/profile/",
        "inbox": "/inbox/",
        "password": "/accounts/password_change/",
        "delete-account": "/accounts/delete/",
    }


def teacher_pages(work):
    a, c = work["assignment"].pk, work["classroom"].pk
    return {
        "dashboard": "/",
        "class": f"/classes/{c}/",
        "reading": f"/assignments/{a}/",
        "submissions": f"/assignments/{a}/submissions/",
        "review": f"/outlines/{work['handed_in'].pk}/review/",
        "outline-read": f"/outlines/{work['outline'].pk}/",
        "draft-read": f"/drafts/{work['draft'].pk}/",
        "revisions": f"/outlines/{work['handed_in'].pk}/revisions/",
        "rubric": f"/assignments/{a}/rubric/",
        "class-dashboard": f"/classes/{c}/dashboard/",
        "moderation": f"/classes/{c}/moderation/",
        "moderation-overview": "/moderation/",
        "comparisons": "/comparisons/",
        "comparison-new": "/comparisons/new/",
        "comparison-editor": f"/comparisons/{work['comparison'].pk}/edit/",
        "import": "/comparisons/import/",
        "assign": f"/classes/{c}/assign/",
        "assignment-settings": f"/assignments/{a}/settings/",
        "new-class": "/classes/new/",
        "profile": "/accounts/profile/",
    }


def overflows(page, base, pages, role, shot):
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            response = page.goto(f"{base}{path}")
            assert response.ok, f"{role} {name}: HTTP {response.status}"
            page.wait_for_load_state("networkidle")
            found = page.evaluate(OVERFLOW)
            problems += [f"{role} {name} at {width}px: {problem}" for problem in found[:4]]
            if found:
                shot(page, f"layout-{role}-{name}-{width}", full_page=False)
    return problems


def test_no_student_page_scrolls_sideways(page, live_server, log_in, shot, classwork, student):
    log_in(page, student.email)

    pages = student_pages(classwork)
    problems = overflows(page, live_server.url, pages, "student", shot)
    assert not problems, "\n".join(problems)

    # For a person to look at: the pages this check changed, wide, narrow and dark.
    for name in ("reading", "outline", "draft", "builder"):
        for width, scheme in ((1366, "light"), (390, "light"), (390, "dark")):
            page.emulate_media(color_scheme=scheme)
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{pages[name]}")
            shot(page, f"layout-{name}-{width}-{scheme}", full_page=False)
            if name == "outline":
                page.locator(".evidence-card").first.scroll_into_view_if_needed()
                shot(page, f"layout-outline-evidence-{width}-{scheme}", full_page=False)


def test_no_teacher_page_scrolls_sideways(page, live_server, log_in, shot, classwork, teacher):
    log_in(page, teacher.email)

    problems = overflows(page, live_server.url, teacher_pages(classwork), "teacher", shot)
    assert not problems, "\n".join(problems)


def test_no_signed_out_page_scrolls_sideways(page, live_server, shot, transactional_db):
    pages = {"log-in": "/accounts/login/", "sign-up": "/accounts/signup/"}
    pages["password-reset"] = "/accounts/password_reset/"

    problems = overflows(page, live_server.url, pages, "visitor", shot)
    assert not problems, "\n".join(problems)


def test_the_checker_notices_a_page_that_scrolls_sideways(page, live_server, transactional_db):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("main")).to_be_visible()
    page.evaluate(
        "() => { const wide = document.createElement('div'); wide.className = 'too-wide';"
        " wide.textContent = 'x'; wide.style.width = '500px';"
        " document.querySelector('main').append(wide); }"
    )

    problems = page.evaluate(OVERFLOW)

    assert problems[0].startswith("the page is 5")
    assert problems[1].startswith("div.too-wide “x” spans")
