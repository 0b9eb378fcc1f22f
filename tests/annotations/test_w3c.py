"""W3C Web Annotation export and import: /api/v1/assignments/<id>/annotations.jsonld.

The export is checked against what the Web Annotation Data Model requires of each item;
the import against the shapes other tools send; and a round trip between two classes
reading the same comparison keeps every quote, body, tag and classification.
"""

import json
import re
from datetime import datetime

import pytest
from rest_framework.test import APIClient

from annotations import w3c
from annotations.models import Annotation, Link
from comparisons.models import Passage
from tests.factories import AnnotationFactory, AssignmentFactory

TEXTS = [
    "Stalin ruled through fear, and the purges removed every rival who might challenge him.",
    "Khrushchev denounced Stalin in the Secret Speech of 1956 and released prisoners.",
    "Abroad, Stalin built a buffer of satellite states across Eastern Europe.",
    "Khrushchev spoke of peaceful coexistence, yet brought the world close to war over Cuba.",
]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def url(assignment):
    return f"/api/v1/assignments/{assignment.pk}/annotations.jsonld"


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def post(client, assignment, payload, query=""):
    return client.post(
        url(assignment) + query,
        json.dumps(payload),
        content_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    )


@pytest.fixture
def passages(assignment):
    """The comparison's four passages in reading order, with real sentences."""
    rows = list(
        Passage.objects.filter(section__comparison=assignment.comparison).order_by(
            "section__order", "order"
        )
    )
    for passage, text in zip(rows, TEXTS, strict=True):
        passage.text = text
        passage.save()
    return rows


def quote(passage, words):
    start = passage.text.index(words)
    return {"passage": passage, "start": start, "end": start + len(words)}


def items_of(response):
    assert response.status_code == 200, response.content
    return response.json()["first"]["items"]


# --- export ------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_is_a_valid_annotation_collection(
    assignment, passages, student, classmate, comparison
):
    stalin = comparison.subjects.get(name="Stalin")
    leadership = comparison.dimensions.get(name="Leadership style")
    evidence = AnnotationFactory(
        assignment=assignment,
        author=student,
        kind="evidence",
        body="Fear as method.",
        subjects=[stalin],
        dimension=leadership,
        tags=["terror"],
        **quote(passages[0], "ruled through fear"),
    )
    AnnotationFactory(assignment=assignment, author=classmate, parent=evidence, body="Yes.")
    AnnotationFactory(
        assignment=assignment, author=classmate, kind="question", body="Why?",
        **quote(passages[1], "Secret Speech"),
    )  # fmt: skip

    response = api_client(student).get(url(assignment))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    collection = response.json()
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    assert collection["id"] == f"http://testserver{url(assignment)}"
    assert collection["label"]
    assert collection["total"] == 3
    assert collection["first"]["type"] == "AnnotationPage"
    for item in collection["first"]["items"]:
        assert_valid_annotation(item)
    assert "@example.test" not in response.content.decode()


def assert_valid_annotation(item):
    """What the Web Annotation Data Model requires of one annotation, and what we promise."""
    assert item["id"].startswith("http://testserver/")
    assert item["type"] == "Annotation"
    assert item["motivation"] in {"commenting", "questioning", "describing", "replying"}
    assert ISO.match(item["created"]) and ISO.match(item["modified"])
    datetime.fromisoformat(item["created"].replace("Z", "+00:00"))
    assert item["creator"]["type"] == "Person"
    assert set(item["creator"]) == {"id", "type", "name"}
    for body in item.get("body", []):
        assert body["type"] == "TextualBody"
        assert isinstance(body["value"], str) and body["value"]
        assert body["purpose"] in {"commenting", "tagging", "classifying", "describing"}
    if item["motivation"] == "replying":
        assert isinstance(item["target"], str) and item["target"].startswith("http")
        return
    target = item["target"]
    assert re.match(r"^http://testserver/assignments/\d+/#passage-\d+$", target["source"])
    quote_selector, position, css = target["selector"]
    assert css["type"] == "CssSelector" and css["refinedBy"] == quote_selector
    assert quote_selector["type"] == "TextQuoteSelector"
    assert isinstance(quote_selector["exact"], str) and quote_selector["exact"]
    assert position["type"] == "TextPositionSelector"
    assert isinstance(position["start"], int) and isinstance(position["end"], int)
    assert 0 <= position["start"] <= position["end"]


@pytest.mark.django_db
def test_export_is_served_as_plain_json_when_asked(assignment, passages, student):
    response = api_client(student).get(url(assignment), HTTP_ACCEPT="application/json")

    assert response["Content-Type"].startswith("application/json")
    assert response.json()["type"] == "AnnotationCollection"


@pytest.mark.django_db
def test_exported_items_carry_kind_tags_and_classifications(
    assignment, passages, student, comparison
):
    stalin = comparison.subjects.get(name="Stalin")
    leadership = comparison.dimensions.get(name="Leadership style")
    annotation = AnnotationFactory(
        assignment=assignment,
        author=student,
        kind="evidence",
        body="Fear as method.",
        subjects=[stalin],
        dimension=leadership,
        tags=["cult", "terror"],
        **quote(passages[0], "ruled through fear"),
    )

    [item] = items_of(api_client(student).get(url(assignment)))

    assert item["id"] == f"http://testserver/api/v1/annotations/{annotation.pk}/"
    assert item["motivation"] == "describing"
    assert item["creator"]["name"] == "Sam Student"
    assert [(b["purpose"], b["value"]) for b in item["body"]] == [
        ("commenting", "Fear as method."),
        ("tagging", "cult"),
        ("tagging", "terror"),
        ("classifying", "Stalin"),
        ("classifying", "Leadership style"),
    ]
    assert item["target"]["source"].endswith(
        f"/assignments/{assignment.pk}/#passage-{passages[0].pk}"
    )
    text_quote = {
        "type": "TextQuoteSelector",
        "exact": "ruled through fear",
        "prefix": "Stalin ",
        "suffix": ", and the purges removed every r",
    }
    assert item["target"]["selector"] == [
        text_quote,
        {"type": "TextPositionSelector", "start": 7, "end": 25},
        {"type": "CssSelector", "value": f"#passage-{passages[0].pk}", "refinedBy": text_quote},
    ]


@pytest.mark.django_db
def test_replies_and_links_are_exported_between_the_annotations_they_join(
    assignment, passages, student, classmate, comparison
):
    stalin, khrushchev = comparison.subjects.all()
    one = AnnotationFactory(assignment=assignment, author=student, subjects=[stalin])
    two = AnnotationFactory(assignment=assignment, author=classmate, subjects=[khrushchev])
    reply = AnnotationFactory(assignment=assignment, author=classmate, parent=one, body="Hm.")
    Link.objects.create(
        assignment=assignment,
        source=one,
        target=two,
        relation="difference",
        explanation="Fear against thaw.",
        author=student,
    )

    items = {item["id"]: item for item in items_of(api_client(student).get(url(assignment)))}

    one_iri = f"http://testserver/api/v1/annotations/{one.pk}/"
    two_iri = f"http://testserver/api/v1/annotations/{two.pk}/"
    replying = items[f"http://testserver/api/v1/annotations/{reply.pk}/"]
    assert replying["motivation"] == "replying"
    assert replying["target"] == one_iri
    assert replying["body"] == [w3c.textual_body("Hm.", "commenting")]
    [linking] = [item for item in items.values() if item["motivation"] == "linking"]
    assert linking["target"] == [one_iri, two_iri]
    assert {(b["purpose"], b["value"]) for b in linking["body"]} == {
        ("describing", "Fear against thaw."),
        ("classifying", "difference"),
    }


@pytest.mark.django_db
def test_a_link_to_an_annotation_i_cannot_see_is_not_exported(
    assignment, passages, student, classmate
):
    mine = AnnotationFactory(assignment=assignment, author=student)
    private = AnnotationFactory(assignment=assignment, author=classmate, visibility="private")
    Link.objects.create(
        assignment=assignment,
        source=private,
        target=mine,
        relation="similarity",
        explanation="x",
        author=classmate,
    )

    items = items_of(api_client(student).get(url(assignment)))

    assert [item["motivation"] for item in items] == ["commenting"]


@pytest.mark.django_db
def test_orphaned_annotations_keep_their_last_quote_and_deleted_stubs_are_left_out(
    assignment, passages, student, classmate
):
    orphan = AnnotationFactory(
        assignment=assignment, author=student, is_orphaned=True, **quote(passages[0], "fear")
    )
    stub = AnnotationFactory(assignment=assignment, author=student, is_deleted=True, body="")
    AnnotationFactory(assignment=assignment, author=classmate, parent=stub, body="Answer")

    items = items_of(api_client(student).get(url(assignment)))

    ids = [item["id"].rsplit("/", 2)[-2] for item in items]
    assert str(orphan.pk) in ids and str(stub.pk) not in ids
    assert "selector" not in items[0]["target"]
    assert items[0]["body"][0] == w3c.textual_body("fear", "describing")


@pytest.mark.django_db
def test_an_outsider_can_neither_export_nor_import(assignment, passages, outsider_teacher):
    client = api_client(outsider_teacher)

    assert client.get(url(assignment)).status_code == 404
    assert post(client, assignment, []).status_code == 404


@pytest.mark.django_db
def test_import_needs_the_csrf_token_with_session_auth(assignment, passages, student):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)

    assert post(client, assignment, []).status_code == 403


# --- import --------------------------------------------------------------------------


def incoming(exact, *, source="http://elsewhere.example/text", prefix="", suffix="", **extra):
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "creator": {"type": "Person", "name": "Someone Else"},
        "body": {"type": "TextualBody", "value": "Imported note", "purpose": "commenting"},
        "target": {
            "source": source,
            "selector": {
                "type": "TextQuoteSelector",
                "exact": exact,
                "prefix": prefix,
                "suffix": suffix,
            },
        },
        **extra,
    }


@pytest.mark.django_db
def test_a_single_annotation_is_imported_as_mine_and_private(assignment, passages, student):
    response = post(api_client(student), assignment, incoming("Secret Speech"))

    assert response.status_code == 200
    report = response.json()
    assert report["created"] == 1
    [entry] = report["items"]
    annotation = Annotation.objects.get(pk=entry["id"])
    assert annotation.author == student
    assert annotation.visibility == "private"
    assert annotation.passage == passages[1]
    assert (annotation.exact, annotation.body, annotation.kind) == (
        "Secret Speech",
        "Imported note",
        "comment",
    )
    assert annotation.prefix == passages[1].text[: annotation.start][-32:]


@pytest.mark.django_db
def test_visibility_can_be_chosen_for_an_import(assignment, passages, student):
    client = api_client(student)

    assert post(client, assignment, incoming("Cuba"), "?visibility=class").status_code == 200
    assert Annotation.objects.get().visibility == "class"
    refused = post(client, assignment, incoming("Cuba"), "?visibility=world")
    assert refused.status_code == 400
    assert list(refused.json()) == ["visibility"]


@pytest.mark.django_db
def test_the_context_around_a_repeated_quote_picks_the_passage(assignment, passages, student):
    payload = [
        incoming("Stalin", prefix="Khrushchev denounced "),
        incoming("Stalin", prefix="Abroad, ", suffix=" built"),
        incoming("Stalin"),  # no context: the first in reading order
    ]

    post(api_client(student), assignment, payload)

    placed = Annotation.objects.order_by("pk").values_list("passage", flat=True)
    assert list(placed) == [passages[1].pk, passages[2].pk, passages[0].pk]


@pytest.mark.django_db
def test_the_passage_fragment_is_tried_first_and_reanchors_an_edited_position(
    assignment, passages, student
):
    source = f"http://old.example/assignments/1/#passage-{passages[2].pk}"
    item = incoming("Stalin", source=source)
    item["target"]["selector"] = [
        item["target"]["selector"],
        {"type": "TextPositionSelector", "start": 40, "end": 46},
    ]

    post(api_client(student), assignment, item)

    annotation = Annotation.objects.get()
    assert annotation.passage == passages[2]
    assert (annotation.start, annotation.end) == (8, 14)


@pytest.mark.django_db
def test_items_are_created_or_skipped_one_by_one(assignment, passages, student):
    payload = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationPage",
        "items": [
            incoming("peaceful coexistence"),
            incoming("not in this text at all"),
            incoming("Cuba", motivation="replying"),
            {**incoming("Cuba"), "motivation": "linking"},
            incoming("Cuba", body=[{"value": f"t{n}", "purpose": "tagging"} for n in range(11)]),
            "not an object",
            {"type": "Annotation", "target": "http://elsewhere.example/whole-page"},
        ],
    }  # fmt: skip

    response = post(api_client(student), assignment, payload)

    report = response.json()
    assert report["created"] == 1
    assert report["skipped"] == 6
    statuses = [(entry["index"], entry["status"]) for entry in report["items"]]
    assert statuses == [(0, "created")] + [(n, "skipped") for n in range(1, 7)]
    reasons = [entry.get("reason", "") for entry in report["items"]]
    assert "is not in any paragraph" in reasons[1]
    assert reasons[2].startswith("Replies are not imported")
    assert reasons[3] == "Comparison links are not imported."
    assert "at most 10 tags" in reasons[4]
    assert reasons[5].startswith("Not an annotation")
    assert "whole page or resource" in reasons[6]
    assert Annotation.objects.count() == 1


@pytest.mark.django_db
def test_motivations_bodies_and_classifications_are_read(assignment, passages, student, comparison):
    body = [
        {"type": "TextualBody", "value": "<p>Was it <b>real</b>?</p>", "format": "text/html"},
        {"type": "TextualBody", "value": "#Thaw", "purpose": "tagging"},
        {"type": "TextualBody", "value": "khrushchev", "purpose": "classifying"},
        {"type": "TextualBody", "value": "Foreign policy", "purpose": "classifying"},
        {"type": "TextualBody", "value": "Economy", "purpose": "classifying"},
        {"type": "Image", "id": "http://elsewhere.example/cat.png"},
    ]
    payload = [
        incoming("peaceful coexistence", motivation="questioning", body=body),
        incoming("Cuba", motivation=["bookmarking"], body=[]),
    ]

    report = post(api_client(student), assignment, payload).json()

    question, bookmark = Annotation.objects.order_by("pk")
    assert (question.kind, question.body) == (
        "question",
        "Was it real?\n\nhttp://elsewhere.example/cat.png",
    )
    assert [t.name for t in question.tags.all()] == ["thaw"]
    assert [s.name for s in question.subjects.all()] == ["Khrushchev"]
    assert question.dimension.name == "Foreign policy"
    assert report["items"][0]["warnings"] == [
        "Its HTML body was turned into plain text.",
        "The body http://elsewhere.example/cat.png is kept as a link in the note's text.",
        "The tag “#Thaw” is kept as “thaw”: tags here are lower case, without a leading # "
        "or extra spaces.",
        "“Economy” is not a subject or dimension of this text.",
    ]
    assert (bookmark.kind, bookmark.body) == ("evidence", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload, message",
    [
        ({"type": "Nothing"}, "Send an Annotation"),
        ({"type": "AnnotationCollection", "first": "http://x/page1"}, "first page"),
        (
            {"type": "AnnotationCollection", "first": {"items": [], "next": "http://x/2"}},
            "more than one page",
        ),
        ([{}] * 501, "at most 500"),
    ],
)
def test_unreadable_payloads_are_a_400(assignment, passages, student, payload, message):
    response = post(api_client(student), assignment, payload)

    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.django_db
def test_odd_values_anywhere_in_an_item_are_skipped_not_a_500(assignment, passages, student):
    odd = [None, 7, True, [], {}, {"x": 1}, "text", [{"y": 2}]]
    items = []
    for value in odd:
        for key in ("type", "motivation", "body", "bodyValue", "target"):
            items.append({**incoming("Cuba"), key: value})
        item = incoming("Cuba")
        item["target"]["selector"] = value
        items.append(item)
        item = incoming("Cuba")
        item["target"]["selector"]["exact"] = value
        items.append(item)
        item = incoming("Cuba", body=[{"type": "TextualBody", "value": "v", "purpose": value}])
        items.append(item)

    response = post(api_client(student), assignment, items)

    assert response.status_code == 200
    assert len(response.json()["items"]) == len(items)


@pytest.mark.django_db
def test_malformed_json_is_a_400(assignment, passages, student):
    response = api_client(student).post(
        url(assignment), "{oops", content_type="application/ld+json"
    )

    assert response.status_code == 400
    assert not Annotation.objects.exists()


@pytest.mark.django_db
def test_round_trip_into_another_class_keeps_quotes_bodies_and_tags(
    assignment, passages, student, classmate, comparison, other_classroom, outsider_student
):
    stalin, khrushchev = comparison.subjects.all()
    foreign = comparison.dimensions.get(name="Foreign policy")
    AnnotationFactory(
        assignment=assignment,
        author=student,
        kind="evidence",
        body="Fear.",
        subjects=[stalin],
        tags=["terror"],
        **quote(passages[0], "ruled through fear"),
    )
    AnnotationFactory(
        assignment=assignment,
        author=classmate,
        kind="question",
        body="Was it a thaw?",
        subjects=[khrushchev],
        dimension=foreign,
        tags=["cuba", "risk"],
        **quote(passages[3], "close to war over Cuba"),
    )
    AnnotationFactory(
        assignment=assignment, author=classmate, kind="comment", body="Same words, twice.",
        **quote(passages[2], "Stalin"),
    )  # fmt: skip
    theirs = AssignmentFactory(classroom=other_classroom, comparison=comparison)

    exported = api_client(student).get(url(assignment)).json()
    report = post(api_client(outsider_student), theirs, exported).json()

    assert report["created"] == 3

    def summary(annotations):
        return sorted(
            (
                a.passage_id, a.exact, a.prefix, a.suffix, a.start, a.end, a.body, a.kind,
                tuple(t.name for t in a.tags.all()),
                tuple(s.name for s in a.subjects.all()),
                a.dimension.name if a.dimension else None,
            )
            for a in annotations
        )  # fmt: skip

    imported = Annotation.objects.filter(assignment=theirs)
    assert summary(imported) == summary(Annotation.objects.filter(assignment=assignment))
    assert {a.author for a in imported} == {outsider_student}
    assert {a.visibility for a in imported} == {"private"}


# --- the pure functions -------------------------------------------------------------


def test_items_from_accepts_every_container():
    one = {"type": "Annotation"}

    assert w3c.items_from(one) == [one]
    assert w3c.items_from([one, one]) == [one, one]
    assert w3c.items_from({"type": "AnnotationPage", "items": [one]}) == [one]
    assert w3c.items_from({"type": ["AnnotationCollection"], "first": {"items": [one]}}) == [one]
    with pytest.raises(w3c.PayloadError):
        w3c.items_from({"type": "AnnotationPage", "items": "nope"})


def test_read_item_takes_body_value_and_ignores_the_creator():
    item = incoming("quote", bodyValue="Plain note", creator={"id": "mailto:x@example.test"})
    del item["body"]

    imported = w3c.read_item(item)

    assert imported.body == "Plain note"
    assert imported.kind == "comment"
    assert imported.passage_id is None


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"target": {"source": "x", "selector": {"type": "CssSelector"}}}, "no TextQuoteSelector"),
        ({"target": []}, "no target"),
        ({"body": {"type": "TextualBody", "value": "x" * 5001}}, "longer than"),
    ],
)
def test_read_item_explains_what_it_cannot_import(change, reason):
    with pytest.raises(w3c.ItemSkipped, match=reason):
        w3c.read_item({**incoming("quote"), **change})


def test_place_prefers_the_named_passage_and_falls_back_to_a_search():
    passages = [(1, "alpha beta gamma"), (2, "delta beta epsilon")]
    named = w3c.Imported(kind="comment", body="", exact="beta", passage_id=2)
    moved = w3c.Imported(kind="comment", body="", exact="gamma", passage_id=2)

    assert w3c.place(named, passages)[0] == 2
    passage_id, selector = w3c.place(moved, passages)
    assert passage_id == 1
    assert (selector.start, selector.end, selector.prefix) == (11, 16, "alpha beta ")
