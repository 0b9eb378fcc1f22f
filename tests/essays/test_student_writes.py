"""The builder scaffolds; the student writes (issue 18), through the database, the API and the
pages: judgements on the outline, claim–evidence–reasoning cards carrying the student's note,
relation and reasoning, checks with levels, the example thesis under the teacher's setting,
and notes and reasoning in the editor, the draft, the review page and every export."""

import io

import pytest
from django.urls import reverse
from docx import Document
from rest_framework.test import APIClient

from annotations.models import Link
from counterpoint.models import Assignment
from essays import draft_exports, exports
from essays.models import Evidence, Outline
from essays.services import draft_create, open_checks
from tests.annotations.helpers import annotate

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/outlines/"
STRONG = (
    "Khrushchev largely broke with Stalin's terror whereas Stalin ruled through fear, and "
    "that choice shaped how Soviet citizens spoke, worked and remembered the camps."
)


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def url(outline, tail=""):
    return f"{LIST_URL}{outline.pk}/{tail}"


@pytest.fixture
def notes(assignment, student, classmate, cast):
    """The student's notes on both leaders (one says "like Stalin did"), a classmate's note,
    and a comparison link the student marked as a similarity."""
    leadership = cast["leadership"]
    fear = annotate(
        assignment,
        student,
        body="He ruled by fear",
        subjects=[cast["stalin"]],
        dimension=leadership,
    )
    tanks = annotate(
        assignment,
        student,
        body="like Stalin did",
        subjects=[cast["khrushchev"]],
        dimension=leadership,
        passage=cast["passages"][1],
    )
    theirs = annotate(
        assignment,
        classmate,
        body="A classmate's reading",
        subjects=[cast["khrushchev"]],
        dimension=cast["foreign"],
        passage=cast["passages"][2],
    )
    link = Link.objects.create(
        assignment=assignment,
        source=fear,
        target=tanks,
        relation=Link.Relation.SIMILARITY,
        dimension=leadership,
        explanation="Both used force.",
        author=student,
    )
    return {"fear": fear, "tanks": tanks, "theirs": theirs, "link": link}


@pytest.fixture
def outline(assignment, student, cast, notes):
    cell = cast["foreign"].contrasts.get(subject=cast["stalin"])
    response = api(student).post(
        LIST_URL,
        {
            "assignment": assignment.pk,
            "structure": "point_by_point",
            "dimensions": [cast["leadership"].pk, cast["foreign"].pk],
            "evidence": [
                f"link:{notes['link'].pk}",
                f"annotation:{notes['theirs'].pk}",
                f"contrast:{cell.pk}",
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return Outline.objects.for_editor().get(pk=response.json()["id"])


def cards(outline) -> dict[str, Evidence]:
    return {e.key: e for e in Evidence.objects.filter(section__outline=outline)}


# --- creating: nothing written for the student -------------------------------------------


def test_a_new_outline_has_no_prose_but_frames_and_the_essay_question(outline, assignment):
    body = api(outline.author).get(url(outline)).json()

    assert body["thesis"] == "" and body["stance"] is None
    assert {s["claim"] for s in body["sections"]} == {""}
    assert {s["reasoning"] for s in body["sections"]} == {""}
    assert all(s["prompt"] for s in body["sections"])
    assert body["thesis_frames"] and all("___" in f for f in body["thesis_frames"])
    # The teacher's essay question, never the article's title question.
    assert body["question"] == assignment.essay_prompt
    assert assignment.comparison.question not in " ".join(
        [*body["thesis_frames"], *(s["prompt"] for s in body["sections"])]
    )
    assert assignment.essay_prompt in next(
        s["prompt"] for s in body["sections"] if s["key"] == "conclusion"
    )


def test_cards_carry_note_source_and_only_the_relation_a_link_gave(outline, notes, cast):
    by_key = cards(outline)
    fear, tanks = (
        by_key[f"annotation:{notes['fear'].pk}"],
        by_key[f"annotation:{notes['tanks'].pk}"],
    )
    theirs = by_key[f"annotation:{notes['theirs'].pk}"]
    cell = next(e for e in by_key.values() if e.key.startswith("contrast:"))

    assert (fear.note, fear.source, fear.relation) == ("He ruled by fear", "own", "similarity")
    # "like Stalin did" was linked as a similarity by the student: never a guessed difference.
    assert tanks.relation == "similarity"
    assert (theirs.source, theirs.relation) == ("classmate", None)
    assert (cell.source, cell.relation, cell.citation) == ("table", None, "summary table")
    card = next(
        e
        for s in api(outline.author).get(url(outline)).json()["sections"]
        for e in s["evidence"]
        if e["key"] == theirs.key
    )
    assert {
        "note": "A classmate's reading",
        "relation": None,
        "source": "classmate",
    }.items() <= card.items()
    assert card["reasoning"] == ""


def test_the_stance_never_sets_a_relation(assignment, student, cast, notes):
    for stance in ("differences", "similarities", "degree"):
        response = api(student).post(
            LIST_URL,
            {
                "assignment": assignment.pk,
                "stance": stance,
                "dimensions": [cast["foreign"].pk],
                "evidence": [f"annotation:{notes['theirs'].pk}"],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        (card,) = [e for s in response.json()["sections"] for e in s["evidence"]]
        assert card["relation"] is None


# --- judgements, thesis and checks through PATCH --------------------------------------


def test_patch_sets_judgements_and_thesis_and_the_checks_follow(outline, cast):
    leadership, foreign = cast["leadership"], cast["foreign"]
    before = api(outline.author).get(url(outline)).json()
    assert before["judgements"] == []
    assert "judgement_missing" in {c["code"] for c in before["checks"]}

    response = api(outline.author).patch(
        url(outline),
        {
            "version": outline.version,
            "thesis": STRONG,
            "judgements": [
                {
                    "dimension": leadership.pk,
                    "kind": "kind",
                    "sentence": "Fear gave way to talk.",
                    "most_significant": True,
                    "why": "it changed daily life",
                },
                {"dimension": foreign.pk, "kind": "alike", "sentence": "Both held the bloc."},
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["thesis"] == STRONG
    assert body["judgements"][0] == {
        "dimension": leadership.pk,
        "kind": "kind",
        "sentence": "Fear gave way to talk.",
        "most_significant": True,
        "why": "it changed daily life",
    }
    thesis_checks = [c for c in body["checks"] if c["target"] == "thesis"]
    assert thesis_checks and all(c["ok"] for c in thesis_checks)
    assert not [c for c in body["checks"] if c["code"].startswith("judgement") and not c["ok"]]


def test_an_empty_reason_in_the_thesis_is_a_problem_on_the_thesis(outline):
    response = api(outline.author).patch(
        url(outline),
        {
            "version": outline.version,
            "thesis": "Khrushchev largely differed from Stalin, which shows they were different.",
        },
        format="json",
    )

    (found,) = [c for c in response.json()["checks"] if c["code"] == "thesis_gives_reason"]
    assert (found["ok"], found["level"], found["target"]) == (False, "problem", "thesis")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"dimension": 999999, "kind": "kind"}, "not one of this outline's areas"),
        ({"kind": "changed"}, "followed one another"),
        ({"kind": "sideways"}, "valid choice"),
    ],
)
def test_bad_judgements_get_a_clear_400_and_change_nothing(outline, cast, row, message):
    row = {"dimension": cast["leadership"].pk, **row}

    response = api(outline.author).patch(
        url(outline), {"version": outline.version, "judgements": [row]}, format="json"
    )

    assert response.status_code == 400
    assert message in str(response.json()["judgements"])
    outline.refresh_from_db()
    assert (outline.judgements, outline.version) == ([], 1)


def test_changed_is_a_judgement_for_successive_subjects(outline, cast):
    outline.assignment.comparison.successive = True
    outline.assignment.comparison.save()

    response = api(outline.author).patch(
        url(outline),
        {"version": 1, "judgements": [{"dimension": cast["leadership"].pk, "kind": "changed"}]},
        format="json",
    )

    assert response.status_code == 200, response.json()


def test_reasoning_and_relation_are_set_on_a_card(outline, notes):
    card = cards(outline)[f"annotation:{notes['theirs'].pk}"]

    response = api(outline.author).patch(
        url(outline),
        {
            "version": 1,
            "evidence": [
                {"id": card.pk, "reasoning": "This shows a thaw abroad.", "relation": "degree"}
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    card.refresh_from_db()
    assert (card.commentary, card.relation) == ("This shows a thaw abroad.", "degree")


def test_submitting_with_a_problem_open_asks_for_confirmation(client, outline):
    client.force_login(outline.author)

    response = client.post(reverse("essays:submit", args=[outline.pk]))

    outline.refresh_from_db()
    assert outline.status == "draft"
    assert "Write your thesis" in response.content.decode()
    assert "Write your thesis: one sentence that answers the question in the box above it." in (
        open_checks(Outline.objects.for_editor().get(pk=outline.pk))
    )


# --- the example thesis obeys the teacher ---------------------------------------------


def judge(outline, cast):
    outline.judgements = [
        {
            "dimension": cast["leadership"].pk,
            "kind": "kind",
            "sentence": "Stalin ruled by terror whereas Khrushchev ruled by argument.",
            "most_significant": True,
            "why": "fear decided how people lived",
        },
    ]
    outline.save()


def test_by_default_the_example_waits_for_a_first_attempt(outline, cast):
    judge(outline, cast)
    assert outline.assignment.examples == Assignment.Examples.AFTER_FIRST_ATTEMPT

    before = api(outline.author).get(url(outline, "example/"))
    api(outline.author).patch(url(outline), {"version": 1, "thesis": "My try."}, format="json")
    api(outline.author).patch(url(outline), {"version": 2, "thesis": ""}, format="json")
    after = api(outline.author).get(url(outline, "example/"))

    assert before.status_code == 403
    assert "Write your own thesis first" in before.json()["detail"]
    assert after.status_code == 200  # a first attempt, even cleared, opens it for good
    assert after.json()["example"] == (
        "Stalin ruled by terror whereas Khrushchev ruled by argument, which matters because "
        "fear decided how people lived."
    )


def test_examples_off_are_refused_and_always_are_given(outline, cast):
    judge(outline, cast)
    assignment = outline.assignment

    assignment.examples = Assignment.Examples.OFF
    assignment.save()
    off = api(outline.author).get(url(outline, "example/"))
    assignment.examples = Assignment.Examples.ALWAYS
    assignment.save()
    always = api(outline.author).get(url(outline, "example/"))

    assert off.status_code == 403 and "not to show" in off.json()["detail"]
    assert always.status_code == 200
    for cell in assignment.comparison.dimensions.get(pk=cast["leadership"].pk).contrasts.all():
        assert cell.statement.rstrip(".").lower() not in always.json()["example"].lower()


def test_no_example_before_a_judgement_sentence(outline):
    outline.assignment.examples = Assignment.Examples.ALWAYS
    outline.assignment.save()

    response = api(outline.author).get(url(outline, "example/"))

    assert response.status_code == 400


def test_an_outsider_gets_404_for_the_example(outline, outsider_student):
    assert api(outsider_student).get(url(outline, "example/")).status_code == 404


# --- notes and reasoning go everywhere the evidence goes -------------------------------


@pytest.fixture
def reasoned(outline, notes):
    card = cards(outline)[f"annotation:{notes['fear'].pk}"]
    card.commentary = "This shows terror was the tool of rule."
    card.save()
    return Outline.objects.for_editor().get(pk=outline.pk)


def test_notes_and_reasoning_are_in_the_markdown_and_word_exports(reasoned):
    markdown = exports.to_markdown(reasoned)
    document = Document(io.BytesIO(exports.to_docx(reasoned)))
    text = "\n".join(p.text for p in document.paragraphs)

    for output in (markdown, text):
        assert "Note: He ruled by fear" in output
        assert "This shows terror was the tool of rule." in output
        assert "From the summary table." in output


def test_notes_and_reasoning_are_in_the_drafts_exports(reasoned):
    draft = draft_create(outline=reasoned, author=reasoned.author)
    draft = Outline.objects.for_editor().get(pk=draft.pk)

    markdown = draft_exports.to_markdown(draft)
    document = Document(io.BytesIO(draft_exports.to_docx(draft)))
    text = "\n".join(p.text for p in document.paragraphs)

    for output in (markdown, text):
        assert "My notes and reasoning" in output
        assert "Note: He ruled by fear This shows terror was the tool of rule." in output


def test_notes_and_reasoning_are_on_the_editor_draft_and_review_pages(client, reasoned, teacher):
    draft = draft_create(outline=reasoned, author=reasoned.author)
    client.force_login(reasoned.author)
    editor = client.get(reverse("essays:outline", args=[reasoned.pk]))
    draft_page = client.get(reverse("essays:draft", args=[draft.pk]))
    client.force_login(teacher)
    review = client.get(reverse("essays:review", args=[reasoned.pk]))

    for response in (editor, draft_page, review):
        assert response.status_code == 200
        page = response.content.decode()
        assert "He ruled by fear" in page
        assert "This shows terror was the tool of rule." in page
    assert "From the summary table" in editor.content.decode()
    assert "A classmate&#x27;s note" in review.content.decode()


def test_the_teacher_can_see_whose_thinking_the_evidence_is(outline, cast):
    outline.judgements = [{"dimension": cast["leadership"].pk, "kind": "kind", "sentence": ""}]

    assert outline.evidence_sources() == {"own": 2, "classmate": 1, "table": 1}
    assert [row["dimension"] for row in outline.judgements_made] == [cast["leadership"].pk]


def test_the_editor_lists_problems_before_suggestions(client, outline):
    client.force_login(outline.author)

    page = client.get(reverse("essays:outline", args=[outline.pk])).content.decode()

    checks = page[page.index('id="outline-status"') :]
    problem = checks.index('<span class="check-level">Problem</span>')
    assert problem < checks.index("Write your thesis")
    assert checks.index("Write your thesis") < checks.index(
        '<span class="check-level">Suggestion</span>'
    )
    assert 'href="#thesis-input"' in checks  # a check links to the box to fix
    assert 'href="#section-' in checks  # a section's checks link to its box


def test_the_teacher_sets_the_builder_per_assignment(client, assignment, teacher):
    client.force_login(teacher)
    url = reverse("comparisons:assignment_settings", args=[assignment.pk])
    data = {
        "due_at": assignment.due_at.strftime("%Y-%m-%dT%H:%M"),
        "essay_prompt": "To what extent did Khrushchev break with Stalin?",
        "steps": "outline",
        "reveal_after_posts": 0,
        "scaffolding": "light",
        "examples": "always",
        "min_evidence": 9,
    }

    bad = client.post(url, data)
    assert bad.status_code == 200
    assert "between 1 and 5" in bad.content.decode()

    response = client.post(url, {**data, "min_evidence": 2})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.scaffolding, assignment.examples, assignment.min_evidence) == (
        "light",
        "always",
        2,
    )


def test_the_drafts_sentence_starters_include_reasoning_words(client, outline):
    draft = draft_create(outline=outline, author=outline.author)
    client.force_login(outline.author)

    page = client.get(reverse("essays:draft", args=[draft.pk])).content.decode()

    for phrase in ("because", "but", "so", "This shows"):
        assert f'data-insert="{phrase} "' in page
