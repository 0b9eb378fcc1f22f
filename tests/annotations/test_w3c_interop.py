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
from annotations.models import Annotation, Link
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
    assert "Accept" in mine["Vary"]
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


# --- import -----------------------------------------------------------------------------


def post(client, assignment, payload):
    return client.post(url(assignment), json.dumps(payload), content_type="application/ld+json")


def annotation_with(selector, body=None, **extra):
    return {
        "@context": w3c.CONTEXT,
        "type": "Annotation",
        **({"body": body} if body is not None else {"bodyValue": "Imported note"}),
        "target": {"source": "http://elsewhere.example/text", "selector": selector},
        **extra,
    }


# --- 5. nested selectors ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_fragment_selector_refined_by_a_quote_is_imported(assignment, passages, student):
    selector = {
        "type": "FragmentSelector",
        "value": f"passage-{passages[1].pk}",
        "refinedBy": {"type": "TextQuoteSelector", "exact": "Secret Speech"},
    }

    report = post(api_client(student), assignment, annotation_with(selector)).json()

    assert report["created"] == 1, report
    annotation = Annotation.objects.get(pk=report["items"][0]["id"])
    assert (annotation.passage_id, annotation.exact) == (passages[1].pk, "Secret Speech")


@pytest.mark.django_db
def test_a_chain_of_refinements_ends_at_its_most_refined_quote(assignment, passages, student):
    selector = {
        "type": "CssSelector",
        "value": "main",
        "refinedBy": {
            "type": "TextQuoteSelector",
            "exact": "the Secret Speech of 1956",
            "refinedBy": {"type": "TextQuoteSelector", "exact": "1956"},
        },
    }

    report = post(api_client(student), assignment, annotation_with(selector)).json()

    assert Annotation.objects.get(pk=report["items"][0]["id"]).exact == "1956"


@pytest.mark.django_db
def test_a_range_of_refined_quotes_is_imported_up_to_its_end(assignment, passages, student):
    selector = {
        "type": "RangeSelector",
        "startSelector": {
            "type": "XPathSelector",
            "value": "/p[2]",
            "refinedBy": {"type": "TextQuoteSelector", "exact": "denounced"},
        },
        "endSelector": {"type": "TextQuoteSelector", "exact": "of 1956"},
    }

    report = post(api_client(student), assignment, annotation_with(selector)).json()

    annotation = Annotation.objects.get(pk=report["items"][0]["id"])
    assert annotation.exact == "denounced Stalin 🙂 in the Secret Speech"
    assert annotation.passage_id == passages[1].pk


@pytest.mark.django_db
def test_a_refinement_chain_that_is_too_deep_is_skipped_with_a_reason(
    assignment, passages, student
):
    selector = {"type": "TextQuoteSelector", "exact": "1956"}
    for _ in range(12):
        selector = {"type": "FragmentSelector", "value": "x", "refinedBy": selector}

    report = post(api_client(student), assignment, annotation_with(selector)).json()

    assert report["skipped"] == 1
    assert "nested more than 8 deep" in report["items"][0]["reason"]


# --- 6. import keeps what it is given, or says so -----------------------------------------


@pytest.mark.django_db
def test_tags_iri_bodies_and_html_are_kept_or_the_change_reported(assignment, passages, student):
    body = [
        {"type": "TextualBody", "value": "<p>Look</p><script>alert(1)</script><style>p{}</style>",
         "format": "text/html"},
        "https://example.org/speech.pdf",
        {"type": "TextualBody", "value": "Cold War, USSR", "purpose": "tagging"},
        {"type": "TextualBody", "value": "thaw", "purpose": "tagging"},
        {"type": "Image", "id": "javascript:alert(1)"},
    ]  # fmt: skip
    selector = {"type": "TextQuoteSelector", "exact": "Secret Speech"}

    report = post(api_client(student), assignment, annotation_with(selector, body=body)).json()

    [entry] = report["items"]
    annotation = Annotation.objects.get(pk=entry["id"])
    assert annotation.body == "Look\n\nhttps://example.org/speech.pdf"
    assert "alert" not in annotation.body
    assert [tag.name for tag in annotation.tags.order_by("pk")] == ["cold war", "ussr", "thaw"]
    assert entry["warnings"] == [
        "Its HTML body was turned into plain text, leaving out what was inside its script "
        "and style elements.",
        "The body https://example.org/speech.pdf is kept as a link in the note's text.",
        "A body that is neither text nor a web address was left out.",
        "The tag “Cold War, USSR” was split at its commas into “cold war”, “ussr”: tags here "
        "cannot hold a comma.",
    ]


def test_html_becomes_plain_text_without_script_or_style():
    assert w3c.html_to_text("<p>One &amp; two</p><p>Three<br>four</p>") == (
        "One & two\n\nThree\nfour",
        False,
    )
    assert w3c.html_to_text("a<script>b</script><STYLE>c</STYLE>d") == ("ad", True)


# --- 7. whitespace ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_quote_with_other_spaces_is_placed_and_the_report_says_so(assignment, passages, student):
    selector = {"type": "TextQuoteSelector", "exact": "Secret\u00a0Speech  of\n1956"}

    report = post(api_client(student), assignment, annotation_with(selector)).json()

    [entry] = report["items"]
    assert entry["status"] == "created", entry
    assert Annotation.objects.get(pk=entry["id"]).exact == "Secret Speech of 1956"
    assert "spaces were evened out" in entry["warnings"][0]


@pytest.mark.django_db
def test_a_missing_quote_says_whether_a_near_match_exists(assignment, passages, student):
    near = {"type": "TextQuoteSelector", "exact": "denounced Stalin in the Secrett Speach"}
    nothing = {"type": "TextQuoteSelector", "exact": "Brezhnev stagnation"}

    report = post(
        api_client(student), assignment, [annotation_with(near), annotation_with(nothing)]
    ).json()

    near_reason, nothing_reason = (entry["reason"] for entry in report["items"])
    assert "Paragraph 2 has a near match: “denounced Stalin 🙂 in the Secret Speech”" in (
        near_reason
    )
    assert nothing_reason.endswith("No paragraph has a near match.")
    assert Annotation.objects.count() == 0


# --- 9. Hypothesis ------------------------------------------------------------------------


def hypothesis_row(exact, *, text="", tags=(), references=None, prefix="", suffix=""):
    row = {
        "id": "h1",
        "created": "2026-11-02T10:00:00.000000+00:00",
        "updated": "2026-11-02T10:00:00.000000+00:00",
        "user": "acct:someone@hypothes.is",
        "uri": "https://elsewhere.example/reading",
        "text": text,
        "tags": list(tags),
        "group": "__world__",
        "permissions": {"read": ["group:__world__"]},
        "target": [
            {
                "source": "https://elsewhere.example/reading",
                "selector": [
                    {
                        "type": "RangeSelector",
                        "endOffset": 20,
                        "startOffset": 7,
                        "endContainer": "/main[1]/p[2]",
                        "startContainer": "/main[1]/p[2]",
                    },
                    {"type": "TextPositionSelector", "start": 400, "end": 413},
                    {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix,
                     "suffix": suffix},
                ],
            }
        ],
        "document": {"title": ["Reading"]},
        "links": {},
        "user_info": {"display_name": "Someone"},
    }  # fmt: skip
    if references:
        row["references"] = references
    return row


@pytest.mark.django_db
def test_a_hypothesis_search_result_is_imported_by_its_quotes(assignment, passages, student):
    payload = {
        "total": 4,
        "rows": [
            hypothesis_row("fear", text="Which **fear**?", tags=["Terror"], prefix="and "),
            hypothesis_row("Secret Speech"),
            hypothesis_row("fear", text="A reply", references=["h1"]),
            hypothesis_row("not in this text at all"),
        ],
    }

    report = post(api_client(student), assignment, payload).json()

    assert report["created"] == 2, report
    statuses = [entry["status"] for entry in report["items"]]
    assert statuses == ["created", "created", "skipped", "skipped"]
    comment = Annotation.objects.get(pk=report["items"][0]["id"])
    assert (comment.kind, comment.body, comment.author) == ("comment", "Which **fear**?", student)
    assert comment.passage_id == passages[2].pk
    assert comment.start == passages[2].text.index("and fear") + 4
    assert [tag.name for tag in comment.tags.all()] == ["terror"]
    assert comment.visibility == "private"
    highlight = Annotation.objects.get(pk=report["items"][1]["id"])
    assert (highlight.kind, highlight.body) == ("evidence", "")
    assert "Replies are not imported" in report["items"][2]["reason"]


@pytest.mark.django_db
def test_a_single_hypothesis_annotation_is_imported(assignment, passages, student):
    report = post(api_client(student), assignment, hypothesis_row("Cuba", text="Hm")).json()

    assert report["created"] == 1


def test_a_text_typed_body_is_read_as_text_and_an_image_with_an_address_as_a_link():
    item = {
        "type": "Annotation",
        "body": [
            {"type": "Text", "value": "Typed as Text"},
            {"type": "Image", "id": "https://example.org/a.png", "value": "alt"},
        ],
        "target": {"source": "x", "selector": {"type": "TextQuoteSelector", "exact": "fear"}},
    }

    imported = w3c.read_item(item)

    assert imported.body == "Typed as Text\n\nhttps://example.org/a.png"
    assert imported.changes == [
        "The body https://example.org/a.png is kept as a link in the note's text."
    ]
