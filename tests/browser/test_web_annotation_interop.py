"""An independent client re-anchors Counterpoint's export on the real reading page.

Apache Annotator (`@apache-annotator/dom`, vendored for the tests only in
tests/browser/vendor/apache-annotator/) is injected into the rendered reading page of the demo
class, like axe-core in test_accessibility.py. Every exported annotation that has selectors is
matched by the library in the element its source's fragment names: the quote, the position and
the CSS selector refined by the quote must each find exactly the exported words, at the
exported code-point offsets, and the library's own descriptions of those words must agree.
The demo gets two more annotations for the hard cases: words after emoji, and a word that
occurs several times in its paragraph.
"""

from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import expect

from annotations import anchoring
from annotations.models import Annotation
from comparisons.models import Passage
from counterpoint.management.commands.seed_demo import DEMO_CLASS, DEMO_PASSWORD, DEMO_TEACHER
from counterpoint.models import Assignment, User

ANNOTATOR = Path(__file__).parent / "vendor" / "apache-annotator" / "apache-annotator.min.js"
EMOJI = " 🇺🇦 Stalin, 👩‍🔬 said Stalin 🎉🎉, and Stalin again."

REANCHOR = """
async (items) => {
  const A = window.ApacheAnnotator;
  const codePoints = (text) => Array.from(text).length;
  const all = async (matches) => {
    const found = [];
    for await (const match of matches) found.push(match);
    return found;
  };
  const results = [];
  for (const item of items) {
    const [quote, position, css] = item.target.selector;
    const element = document.getElementById(item.target.source.split("#")[1]);
    if (!element) { results.push({id: item.id, missing: true}); continue; }
    const scope = document.createRange();
    scope.selectNodeContents(element);
    const offsets = (range) => {
      const before = document.createRange();
      before.setStart(scope.startContainer, scope.startOffset);
      before.setEnd(range.startContainer, range.startOffset);
      const start = codePoints(before.toString());
      return [start, start + codePoints(range.toString())];
    };
    const byQuote = await all(A.createTextQuoteSelectorMatcher(quote)(scope));
    const byPosition = await all(A.createTextPositionSelectorMatcher(position)(scope));
    const refinable = A.makeRefinable((selector) =>
      selector.type === "CssSelector"
        ? A.createCssSelectorMatcher(selector)
        : A.createTextQuoteSelectorMatcher(selector));
    const body = document.createRange();
    body.selectNodeContents(document.body);
    const byCss = await all(refinable(css)(body));
    results.push({
      id: item.id,
      text: element.textContent,
      quote: byQuote.map((range) => [range.toString(), ...offsets(range)]),
      position: byPosition.map((range) => [range.toString(), ...offsets(range)]),
      css: byCss.map((range) => [range.toString(), ...offsets(range)]),
      describedPosition: byQuote.length ? await A.describeTextPosition(byQuote[0], scope) : null,
      describedQuote: byPosition.length ? await A.describeTextQuote(byPosition[0], scope) : null,
    });
  }
  return results;
}
"""


def add_hard_cases(assignment, teacher):
    """Emoji and a thrice-repeated word in a paragraph no demo annotation is on."""
    passage = (
        Passage.objects.filter(section__comparison=assignment.comparison)
        .exclude(annotations__isnull=False)
        .order_by("section__order", "order")
        .first()
    )
    passage.text += EMOJI
    passage.save()
    text = passage.text
    second_stalin = text.index("Stalin", text.index("said Stalin"))
    third_stalin = text.index("Stalin again")
    for start, end in [
        (second_stalin, second_stalin + len("Stalin")),
        (third_stalin, third_stalin + len("Stalin")),
        (text.index("👩‍🔬 said"), text.index("👩‍🔬 said") + len("👩‍🔬 said")),
    ]:
        selector = anchoring.selector_for(text, start, end)
        Annotation.objects.create(
            assignment=assignment, passage=passage, author=teacher, body="Here.",
            exact=selector.exact, prefix=selector.prefix, suffix=selector.suffix,
            start=selector.start, end=selector.end, visibility="class",
        )  # fmt: skip
    return passage


def test_apache_annotator_reanchors_every_exported_annotation_of_the_demo(
    live_server, page, transactional_db, shot
):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    teacher = User.objects.get(email=DEMO_TEACHER[0])
    assignment = Assignment.objects.get(classroom__name=DEMO_CLASS)
    add_hard_cases(assignment, teacher)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(teacher.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/")
    expect(page.locator("mark.highlight").first).to_be_visible()
    export = page.request.get(
        f"{live_server.url}/api/v1/assignments/{assignment.pk}/annotations.jsonld",
        headers={"Accept": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'},
    )
    assert export.ok
    items = [
        item
        for item in export.json()["first"]["items"]
        if isinstance(item["target"], dict) and "selector" in item["target"]
    ]
    assert len(items) >= 10
    assert any("🎉" in item["target"]["selector"][0]["suffix"] for item in items)

    page.evaluate(ANNOTATOR.read_text())
    results = page.evaluate(REANCHOR, items)

    for item, result in zip(items, results, strict=True):
        quote, position, _ = item["target"]["selector"]
        expected = [quote["exact"], position["start"], position["end"]]
        assert not result.get("missing"), item["target"]["source"]
        assert result["quote"] == [expected], (item["id"], result)
        assert result["position"] == [expected], (item["id"], result)
        assert result["css"] == [expected], (item["id"], result)
        assert result["describedPosition"] == {
            "type": "TextPositionSelector",
            "start": position["start"],
            "end": position["end"],
        }
        assert result["describedQuote"]["exact"] == quote["exact"]
    shot(page, "web-annotation-interop-reading-page", full_page=False)


def test_an_exported_source_iri_opens_the_paragraph_marked_like_a_paragraph_link(
    live_server, browser, log_in, transactional_db, assignment, student, shot
):
    passage = assignment.comparison.sections.order_by("order")[1].passages.order_by("order")[0]
    for width, scheme in [(1366, "light"), (390, "light"), (1366, "dark"), (390, "dark")]:
        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
        page = context.new_page()
        log_in(page, student.email)
        page.goto(f"{live_server.url}/assignments/{assignment.pk}/#passage-{passage.pk}")
        paragraph = page.locator(f".passage[data-passage='{passage.pk}']")
        expect(paragraph).to_be_in_viewport()
        marked = paragraph.evaluate("(el) => getComputedStyle(el).backgroundColor")
        page.goto(f"{live_server.url}/assignments/{assignment.pk}/#p3")
        by_number = paragraph.evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert marked == by_number != "rgba(0, 0, 0, 0)"
        page.goto(f"{live_server.url}/assignments/{assignment.pk}/#passage-{passage.pk}")
        shot(page, f"web-annotation-source-fragment-{width}-{scheme}", full_page=False)
        context.close()
