"""Web Annotation interop: what a standards-following client needs from an export, and what
an import must keep (issue 20).

The export is run through the W3C test suite's MUST assertions (tests/annotations/suite.py),
its fragments are looked up in the rendered reading page, and orphans, UTF-16 context,
content negotiation and the import's readings of other tools' JSON are pinned here.
"""

import json
from html.parser import HTMLParser

import pytest
from rest_framework.test import APIClient

from annotations import w3c
from annotations.models import Link
from comparisons.models import Passage
from tests.annotations.suite import failed_musts, must_count
from tests.factories import AnnotationFactory

PROFILE_ACCEPT = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
TEXTS = [
    "Stalin ruled through fear, and the purges removed every rival who might challenge him.",
    "Khrushchev denounced Stalin 🙂 in the Secret Speech of 1956 and released prisoners.",
    "🇺🇦👩‍🔬" + "🎉" * 28 + " fear " + "🎉" * 32 + " and fear again.",
    "Khrushchev spoke of peaceful coexistence, yet brought the world close to war over Cuba.",
]


def url(assignment):
    return f"/api/v1/assignments/{assignment.pk}/annotations.jsonld"


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def passages(assignment):
    rows = list(
        Passage.objects.filter(section__comparison=assignment.comparison).order_by(
            "section__order", "order"
        )
    )
    for passage, text in zip(rows, TEXTS, strict=True):
        passage.text = text
        passage.save()
    return rows


def quote(passage, words, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = passage.text.index(words, start + 1)
    return {"passage": passage, "start": start, "end": start + len(words)}


@pytest.fixture
def everything(assignment, passages, student, classmate, comparison):
    """One of each thing an export holds: evidence with tags and classifications, a question
    near emoji, a repeated word, a reply, a link and an orphan."""
    stalin = comparison.subjects.get(name="Stalin")
    leadership = comparison.dimensions.get(name="Leadership style")
    evidence = AnnotationFactory(
        assignment=assignment, author=student, kind="evidence", body="Fear as method.",
        subjects=[stalin], dimension=leadership, tags=["terror"],
        **quote(passages[0], "ruled through fear"),
    )  # fmt: skip
    question = AnnotationFactory(
        assignment=assignment, author=classmate, kind="question", body="Why?",
        **quote(passages[1], "Secret Speech"),
    )  # fmt: skip
    repeated = AnnotationFactory(
        assignment=assignment, author=student, body="Again", **quote(passages[2], "fear", 1)
    )
    AnnotationFactory(assignment=assignment, author=classmate, parent=evidence, body="Yes.")
    Link.objects.create(
        assignment=assignment, source=evidence, target=question, relation="difference",
        explanation="Fear against thaw.", author=student,
    )  # fmt: skip
    orphan = AnnotationFactory(
        assignment=assignment, author=student, body="Lost", **quote(passages[3], "Cuba")
    )
    orphan.is_orphaned = True
    orphan.save()
    return {"evidence": evidence, "question": question, "repeated": repeated, "orphan": orphan}


def export(client, assignment, **extra):
    response = client.get(url(assignment), **extra)
    assert response.status_code == 200, response.content
    return response.json()


# --- 1. the W3C test suite ----------------------------------------------------------


def test_the_suite_is_loaded_and_catches_a_bare_partof_iri():
    """The harness runs every MUST of the three lists, and fails the old page shape."""
    assert (must_count("annotation"), must_count("collection"), must_count("page")) == (54, 10, 15)
    old_page = {
        "@context": w3c.CONTEXT,
        "id": "http://example.test/c#page-1",
        "type": "AnnotationPage",
        "partOf": "http://example.test/c",
        "startIndex": 0,
        "items": [],
    }
    assert len(failed_musts(old_page, "page")) == 7


@pytest.mark.django_db
def test_every_export_shape_passes_the_w3c_suites_must_assertions(assignment, student, everything):
    client = api_client(student)
    collection = export(client, assignment)

    assert failed_musts(collection, "collection") == []
    assert failed_musts(collection, "page") == []
    page_response = client.get(collection["first"]["id"])
    assert page_response.status_code == 200
    page = page_response.json()
    assert page["type"] == "AnnotationPage" and page["items"] == collection["first"]["items"]
    assert page["partOf"]["id"] == collection["id"] and page["partOf"]["total"] == 6
    assert failed_musts(page, "page") == []
    for item in collection["first"]["items"]:
        assert failed_musts({"@context": w3c.CONTEXT, **item}, "annotation") == [], item
        if "#link-" in item["id"]:
            continue
        single = client.get(item["id"], HTTP_ACCEPT=PROFILE_ACCEPT)
        assert single.status_code == 200, item["id"]
        assert single.json() == {"@context": w3c.CONTEXT, **item}
        assert failed_musts(single.json(), "annotation") == []


@pytest.mark.django_db
def test_only_the_first_page_exists(assignment, student, everything):
    client = api_client(student)

    assert client.get(url(assignment) + "?page=2").status_code == 404
    assert client.get(url(assignment) + "?page=x").status_code == 404


# --- 2. fragments that point at the element the selectors describe ------------------


class _Elements(HTMLParser):
    """Each element's id mapped to its text content (enough for the reading page's spans)."""

    def __init__(self):
        super().__init__()
        self.text: dict[str, str] = {}
        self.open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "col", "area", "wbr"}:
            return
        element_id = dict(attrs).get("id")
        if element_id is not None:
            self.text.setdefault(element_id, "")
        self.open.append((tag, element_id))

    def handle_endtag(self, tag):
        while self.open:
            open_tag, _ = self.open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self.open:
            if element_id is not None:
                self.text[element_id] += data


@pytest.mark.django_db
def test_every_exported_source_fragment_is_an_element_holding_the_described_text(
    assignment, student, everything
):
    client = api_client(student)
    items = export(client, assignment)["first"]["items"]
    page = client.get(f"/assignments/{assignment.pk}/")
    assert page.status_code == 200
    elements = _Elements()
    elements.feed(page.content.decode())

    targets = [item["target"] for item in items if isinstance(item["target"], dict)]
    with_fragment = [target for target in targets if "selector" in target]
    assert len(with_fragment) == 3
    for target in with_fragment:
        base, fragment = target["source"].split("#")
        assert base == f"http://testserver/assignments/{assignment.pk}/"
        assert fragment in elements.text, fragment
        text = elements.text[fragment]
        quote_selector, position, css = target["selector"]
        assert text[position["start"] : position["end"]] == quote_selector["exact"]
        assert text.count(quote_selector["prefix"] + quote_selector["exact"]) >= 1
        assert css == {
            "type": "CssSelector",
            "value": f"#{fragment}",
            "refinedBy": quote_selector,
        }


# --- 3. orphans -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("passage_removed", [False, True])
def test_an_orphan_is_exported_without_selectors_and_keeps_its_last_quote(
    assignment, student, everything, passage_removed
):
    orphan = everything["orphan"]
    if passage_removed:
        orphan.passage = None
        orphan.save()
    items = export(api_client(student), assignment)["first"]["items"]

    [item] = [i for i in items if i["id"].endswith(f"/annotations/{orphan.pk}/")]
    assert item["target"] == {"source": f"http://testserver/assignments/{assignment.pk}/"}
    assert item["body"][0] == {
        "type": "TextualBody",
        "value": "Cuba",
        "format": "text/plain",
        "purpose": "describing",
    }
    assert item["body"][1]["value"] == "Lost"


@pytest.mark.django_db
def test_an_exported_orphan_is_not_reimported_as_if_it_were_placed(assignment, student, everything):
    items = export(api_client(student), assignment)["first"]["items"]
    [orphan] = [i for i in items if i["id"].endswith(f"/{everything['orphan'].pk}/")]

    response = api_client(student).post(
        url(assignment), json.dumps(orphan), content_type="application/ld+json"
    )

    assert response.json()["skipped"] == 1
    assert "orphaned" in response.json()["items"][0]["reason"]


# --- 4. UTF-16 context ---------------------------------------------------------------


def utf16(text):
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.django_db
def test_context_is_at_most_32_utf16_units_and_offsets_count_code_points(
    assignment, passages, student, everything
):
    items = export(api_client(student), assignment)["first"]["items"]
    repeated = next(i for i in items if i["id"].endswith(f"/{everything['repeated'].pk}/"))

    quote_selector, position, _ = repeated["target"]["selector"]
    text = passages[2].text
    assert text[position["start"] : position["end"]] == "fear"
    assert position["start"] == text.index("fear", text.index("fear") + 1)
    assert 0 < utf16(quote_selector["prefix"]) <= 32
    assert 0 < utf16(quote_selector["suffix"]) <= 32
    assert text[: position["start"]].endswith(quote_selector["prefix"])
    assert text[position["end"] :].startswith(quote_selector["suffix"])
    targets = [item["target"] for item in items if isinstance(item["target"], dict)]
    for target in targets:
        for selector in target.get("selector", []):
            if selector["type"] == "TextQuoteSelector":
                assert utf16(selector["prefix"]) <= 32 and utf16(selector["suffix"]) <= 32


def test_utf16_cuts_never_split_a_code_point():
    assert w3c.utf16_head("ab🎉", 3) == "ab"
    assert w3c.utf16_head("ab🎉", 4) == "ab🎉"
    assert w3c.utf16_tail("🎉ab", 3) == "ab"
    assert w3c.utf16_tail("🎉ab", 4) == "🎉ab"
    assert w3c.utf16_units("👩‍🔬") == 5


# --- 8. content negotiation ------------------------------------------------------------


@pytest.mark.django_db
def test_the_collection_answers_the_anno_profile_with_that_profile(assignment, student, everything):
    response = api_client(student).get(url(assignment), HTTP_ACCEPT=PROFILE_ACCEPT)

    assert response.status_code == 200
    assert response["Content-Type"] == PROFILE_ACCEPT
    plain = api_client(student).get(url(assignment), HTTP_ACCEPT="application/ld+json")
    assert plain["Content-Type"] == "application/ld+json"


@pytest.mark.django_db
def test_an_annotation_id_dereferences_to_the_annotation_with_the_same_access_rules(
    assignment, student, classmate, outsider_teacher, everything
):
    evidence = everything["evidence"]
    evidence.visibility = "private"
    evidence.save()
    iri = f"/api/v1/annotations/{evidence.pk}/"

    mine = api_client(student).get(iri, HTTP_ACCEPT=PROFILE_ACCEPT)
    assert mine.status_code == 200
    assert mine["Content-Type"] == PROFILE_ACCEPT
    assert mine.json()["id"] == f"http://testserver{iri}"
    assert mine.json()["@context"] == w3c.CONTEXT
    assert api_client(classmate).get(iri, HTTP_ACCEPT=PROFILE_ACCEPT).status_code == 404
    assert api_client(outsider_teacher).get(iri, HTTP_ACCEPT=PROFILE_ACCEPT).status_code == 404
    # The app's own JSON is unchanged for everyone else.
    assert "exact" in api_client(student).get(iri).json()


@pytest.mark.django_db
def test_a_deleted_stub_is_not_served_as_a_web_annotation(assignment, student, everything):
    evidence = everything["evidence"]
    evidence.is_deleted = True
    evidence.save()

    response = api_client(student).get(
        f"/api/v1/annotations/{evidence.pk}/", HTTP_ACCEPT=PROFILE_ACCEPT
    )

    assert response.status_code == 404
