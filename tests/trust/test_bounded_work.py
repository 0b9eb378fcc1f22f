"""Cheap requests may not tie up a worker: every parser and anchoring search has a bounded
cost, counted in work units rather than seconds, so these tests never time anything.
(Measured timings are in docs/decisions.md.)

- A Markdown article is weighed before markdown-it sees it; a megabyte of "[" (25 s of CPU
  before) is refused at once with a message that says why.
- A quote repeated a million times in a passage is weighed only near its old place, and the
  searches of one request share a budget: a W3C import of many items against a long,
  repetitive passage skips what it cannot reach in time, and says so.
"""

import json

import pytest
from rest_framework.test import APIClient

from annotations import anchoring, w3c
from annotations.models import Annotation
from comparisons import importer
from comparisons.models import Passage

pytestmark = pytest.mark.django_db

ARTICLE_HEAD = """# How was Khrushchev different from Stalin?

| Dimension | Stalin | Khrushchev |
|---|---|---|
| Terror | Mass | Less |

## Terror

"""


@pytest.fixture
def markdown_it_must_not_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("markdown-it was asked to parse an article over the budget")

    monkeypatch.setattr(importer._markdown, "parse", refuse)


@pytest.mark.parametrize(
    "article",
    [
        "[" * 1_000_000,  # every "[" opens a link to look for: 25 s before
        "*a" * 500_000,
        "- a\n" * 250_000,  # a quarter of a million list items
        ARTICLE_HEAD + "_<<[_&" * 160_000,
    ],
    ids=["brackets", "emphasis", "list-items", "mixed"],
)
def test_an_article_too_heavy_with_markup_is_refused_before_it_is_parsed(
    article, markdown_it_must_not_run
):
    parsed = importer.parse_comparison(article)
    assert not parsed.ok
    [problem] = parsed.problems
    assert problem.severity == importer.ERROR
    assert "too much Markdown punctuation" in problem.message
    assert "split it into smaller articles" in problem.message


def test_a_megabyte_of_ordinary_prose_is_within_the_budget_and_imports():
    sentence = "Khrushchev, unlike Stalin, denounced the cult of personality in 1956. "
    paragraph = sentence * 20
    article = ARTICLE_HEAD + "\n\n".join([paragraph] * 690)
    assert 950_000 < len(article.encode()) <= importer.MAX_BYTES
    assert importer.markup_weight(article) <= importer.MARKUP_BUDGET
    parsed = importer.parse_comparison(article)
    assert parsed.ok, parsed.problems
    assert parsed.summary_counts()["passages"] == 690


def test_hard_wrapped_prose_and_a_few_hundred_list_items_are_within_the_budget():
    lines = "\n".join(["Khrushchev denounced the cult of personality at a closed session."] * 40)
    items = "\n".join(f"- Point {n}: the Thaw let some prisoners come home." for n in range(400))
    article = ARTICLE_HEAD + "\n\n".join([lines] * 200) + "\n\n" + items
    assert importer.markup_weight(article) <= importer.MARKUP_BUDGET


def test_an_article_bigger_than_any_comparison_is_refused_with_its_counts():
    article = ARTICLE_HEAD + "".join(f"## Part {n}\n\nWords.\n\n" for n in range(301))
    parsed = importer.parse_comparison(article)
    messages = [problem.message for problem in parsed.errors]
    assert "The article has 301 sections; one comparison can have at most 300." in " ".join(
        messages
    )
    article = ARTICLE_HEAD + "\n\n".join(f"Paragraph {n}." for n in range(3001))
    parsed = importer.parse_comparison(article)
    assert any("3,001 paragraphs" in problem.message for problem in parsed.errors)


# --- anchoring ---------------------------------------------------------------------


def test_a_quote_repeated_a_million_times_is_weighed_only_near_its_old_place():
    """Listing every "a" in a million of them took seconds per annotation."""
    text = "a" * 1_000_000
    budget = anchoring.Budget(anchoring.REQUEST_WORK_BUDGET)
    selector = anchoring.Selector(exact="aa", prefix="", suffix="", start=500_001, end=500_004)
    anchor = anchoring.reanchor(text, selector, budget=budget)
    assert anchor.method == "quote"
    assert anchor.start == 500_001
    assert anchoring.REQUEST_WORK_BUDGET - budget.left < 10_000


def test_a_fuzzy_search_in_a_repetitive_megabyte_stays_within_its_budget():
    text = "ab" * 500_000
    selector = anchoring.Selector(
        exact="ab" * 500 + "c", prefix="ab" * 16, suffix="ab" * 16, start=None, end=None
    )
    budget = anchoring.Budget(anchoring.REQUEST_WORK_BUDGET)
    anchoring.reanchor(text, selector, budget=budget)
    assert anchoring.REQUEST_WORK_BUDGET - budget.left <= anchoring.WORK_BUDGET


def test_searches_sharing_a_spent_budget_place_nothing_more():
    budget = anchoring.Budget(10)
    text = "x" * 50_000 + "the words" + "y" * 50_000
    selector = anchoring.Selector(exact="the words", prefix="", suffix="", start=0, end=9)
    assert anchoring.reanchor(text, selector, budget=budget).orphaned
    assert anchoring.reanchor(text, selector).start == 50_000  # its own budget suffices


def test_a_w3c_import_against_a_long_repetitive_passage_skips_what_it_cannot_reach(
    assignment, student, monkeypatch
):
    """500 items against a megabyte of "a" cost about 2.8 s each before: 23 minutes."""
    monkeypatch.setattr(anchoring, "REQUEST_WORK_BUDGET", 50_000)
    passage = Passage.objects.filter(section__comparison=assignment.comparison).first()
    passage.text = "a" * 1_000_000
    passage.save()
    item = {
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Imported note"},
        "target": {
            "source": f"http://elsewhere.example/text#passage-{passage.pk}",
            "selector": {"type": "TextQuoteSelector", "exact": "a" * 1000 + "b"},
        },
    }
    client = APIClient()
    client.force_login(student)
    response = client.post(
        f"/api/v1/assignments/{assignment.pk}/annotations.jsonld",
        json.dumps([item] * 40),
        content_type="application/ld+json",
    )
    assert response.status_code == 200, response.content
    report = response.json()
    reasons = [entry["reason"] for entry in report["items"] if entry["status"] == "skipped"]
    assert len(reasons) == 40
    assert w3c.OUT_OF_WORK in reasons
    assert not Annotation.objects.filter(author=student).exists()
