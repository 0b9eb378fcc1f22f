"""A hidden annotation is gone for the rest of the class in every channel that shows
annotations (reading page, live poll, counts, search, API, W3C export), while its author
still sees it, marked, with the reason, and teachers see it. Then think first: a gated
student sees only their own and the teachers' annotations, everywhere, until the gate opens.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from annotations import anchoring
from annotations.api import AnnotationSerializer, for_api
from annotations.models import Annotation, ModerationAction
from annotations.services import annotation_moderate
from tests.annotations.helpers import annotate, first_passage
from tests.factories import AnnotationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LIST_URL = "/api/v1/annotations/"
REASON = "Please keep to the text: this is about a film."
HIDDEN_WORDS = "Zebra crossing anecdote"
REPLY_WORDS = "Quagga reply"
OWN_REPLY_WORDS = "Okapi reply"
VISIBLE_WORDS = "Thaw after fifty-six"


def read_url(assignment):
    return reverse("comparisons:read", args=[assignment.pk])


def poll_url(assignment):
    return reverse("annotations:poll", args=[assignment.pk])


def export_url(assignment):
    return reverse("annotation-collection", args=[assignment.pk])


def detail_url(annotation):
    return f"{LIST_URL}{annotation.pk}/"


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def card_ids(response):
    return [int(pk) for pk in re.findall(r'data-annotation="(\d+)"', response.content.decode())]


def api_ids(response):
    return [row["id"] for row in response.json()["results"]]


def exported(response):
    return [item["id"] for item in response.json()["first"]["items"]]


@pytest.fixture
def hidden(assignment, student, classmate, teacher):
    """Sam's question, hidden by the teacher after a reply from each of the others; and
    Cleo's own visible note beside it."""
    annotation = annotate(assignment, student, body=HIDDEN_WORDS, kind="question")
    AnnotationFactory(parent=annotation, author=teacher, body=REPLY_WORDS)
    AnnotationFactory(parent=annotation, author=classmate, body=OWN_REPLY_WORDS)
    annotate(assignment, classmate, body=VISIBLE_WORDS, kind="comment")
    annotation_moderate(annotation=annotation, actor=teacher, action="hide", reason=REASON)
    return annotation


def replies_of(annotation):
    return list(annotation.replies.order_by("pk"))


# --- another student sees it nowhere --------------------------------------------------


def test_the_reading_page_leaves_it_out(client, assignment, classmate, hidden):
    client.force_login(classmate)

    response = client.get(read_url(assignment))

    page = response.content.decode()
    assert hidden.pk not in card_ids(response)
    for words in (HIDDEN_WORDS, REPLY_WORDS, OWN_REPLY_WORDS, REASON):
        assert words not in page
    assert VISIBLE_WORDS in page


def test_the_live_poll_leaves_it_out(client, assignment, classmate, hidden):
    client.force_login(classmate)

    response = client.get(poll_url(assignment), headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert hidden.pk not in card_ids(response)
    for words in (HIDDEN_WORDS, REPLY_WORDS, OWN_REPLY_WORDS):
        assert words not in page
    assert VISIBLE_WORDS in page


def test_counts_and_the_author_filter_leave_it_out(client, assignment, student, classmate, hidden):
    client.force_login(classmate)

    response = client.get(read_url(assignment))

    assert response.context["total"] == 1
    kinds = {label: count for label, _, count, _ in response.context["facets"][0][2]}
    assert kinds == {"Evidence": 0, "Question": 0, "Comment": 1}
    authors = [pk for pk, _ in response.context["filter_form"].fields["author"].choices]
    assert student.pk not in authors


@pytest.mark.parametrize("words", ["Zebra", "Quagga", "Okapi"])
def test_search_does_not_find_it_or_its_replies(client, assignment, classmate, hidden, words):
    client.force_login(classmate)

    page = client.get(read_url(assignment), {"q": words})
    listed = api_client(classmate).get(LIST_URL, {"q": words})

    assert card_ids(page) == []
    assert api_ids(listed) == []


def test_the_api_leaves_it_and_its_replies_out(assignment, classmate, hidden):
    client = api_client(classmate)

    listed = client.get(LIST_URL)

    hidden_ids = {hidden.pk, *(reply.pk for reply in replies_of(hidden))}
    assert hidden_ids.isdisjoint(api_ids(listed))
    assert len(api_ids(listed)) == 1
    for pk in hidden_ids:
        assert client.get(f"{LIST_URL}{pk}/").status_code == 404
    assert client.get(f"{detail_url(hidden)}replies/").status_code == 404


def test_the_w3c_export_leaves_it_out(assignment, classmate, hidden):
    response = api_client(classmate).get(export_url(assignment))

    content = response.content.decode()
    assert response.status_code == 200
    assert len(exported(response)) == 1
    for words in (HIDDEN_WORDS, REPLY_WORDS, OWN_REPLY_WORDS):
        assert words not in content


def test_unhiding_brings_it_back(client, assignment, classmate, teacher, hidden):
    annotation_moderate(annotation=hidden, actor=teacher, action=ModerationAction.Action.UNHIDE)
    client.force_login(classmate)

    response = client.get(read_url(assignment))

    assert hidden.pk in card_ids(response)
    assert api_client(classmate).get(detail_url(hidden)).status_code == 200


# --- its author sees it, marked, with the reason ---------------------------------------


def test_its_author_sees_it_marked_with_the_reason_on_the_page(client, assignment, student, hidden):
    client.force_login(student)

    response = client.get(read_url(assignment))

    (card,) = [card for card in response.context["cards"] if card.pk == hidden.pk]
    assert card.is_hidden
    assert card.hidden_reason == REASON
    page = response.content.decode()
    assert HIDDEN_WORDS in page
    assert REASON in page


def test_its_author_sees_it_hidden_with_the_reason_in_the_api(assignment, student, hidden):
    client = api_client(student)

    detail = client.get(detail_url(hidden))

    assert detail.status_code == 200
    assert detail.json()["is_hidden"] is True
    assert detail.json()["hidden_reason"] == REASON
    assert hidden.pk in api_ids(client.get(LIST_URL))


def test_its_author_does_not_see_the_replies_either(assignment, student, hidden):
    """The rule: a hidden annotation's replies are seen by no student, its author included."""
    listed = api_ids(api_client(student).get(LIST_URL))

    assert not {reply.pk for reply in replies_of(hidden)} & set(listed)


def test_the_reason_is_only_ever_serialized_for_its_author_and_teachers(
    student, classmate, teacher, hidden
):
    """A classmate never gets the row at all; were they to, the reason would stay out."""
    row = for_api(Annotation.objects.filter(pk=hidden.pk), teacher).get()

    def reason_for(user):
        request = SimpleNamespace(user=user)
        return AnnotationSerializer(row, context={"request": request}).data["hidden_reason"]

    assert reason_for(student) == REASON
    assert reason_for(teacher) == REASON
    assert reason_for(classmate) == ""


# --- teachers see it ---------------------------------------------------------------------


def test_teachers_see_it_and_its_replies_everywhere(client, assignment, teacher, hidden):
    client.force_login(teacher)
    api = api_client(teacher)

    page = client.get(read_url(assignment))
    listed = api.get(LIST_URL)
    export = api.get(export_url(assignment))

    assert hidden.pk in card_ids(page)
    assert HIDDEN_WORDS in page.content.decode()
    assert {hidden.pk, *(r.pk for r in replies_of(hidden))} <= set(api_ids(listed))
    detail = api.get(detail_url(hidden)).json()
    assert (detail["is_hidden"], detail["hidden_reason"]) == (True, REASON)
    assert f"http://testserver{detail_url(hidden)}" in exported(export)


# --- think first -----------------------------------------------------------------------


@pytest.fixture
def others(assignment, classmate, teacher):
    """A classmate's annotation and the teacher's, already there."""
    return {
        "classmate": annotate(assignment, classmate, body="Cleo's idea"),
        "teacher": annotate(assignment, teacher, body="Ms Teacher's model answer"),
    }


def seen_by(client, assignment, user):
    """The annotations (not replies) a user sees, through the API list and the reading
    page's cards, which must agree."""
    client.force_login(user)
    params = {"assignment": assignment.pk, "top_level": "true"}
    from_api = set(api_ids(api_client(user).get(LIST_URL, params)))
    from_page = set(card_ids(client.get(read_url(assignment))))
    assert from_api == from_page
    return from_api


def post_annotation(user, assignment, body):
    passage = first_passage(assignment)
    selector = anchoring.selector_for(passage.text, 0, len("Paragraph"))
    response = api_client(user).post(
        LIST_URL,
        {
            "assignment": assignment.pk,
            "passage": passage.pk,
            "exact": selector.exact,
            "prefix": selector.prefix,
            "suffix": selector.suffix,
            "start": selector.start,
            "end": selector.end,
            "body": body,
            "kind": "comment",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_student_who_has_not_posted_enough_sees_only_own_and_teachers(
    client, assignment, student, others
):
    assignment.reveal_after_posts = 2
    assignment.save()
    first = annotate(assignment, student, body="My first")

    assert seen_by(client, assignment, student) == {first.pk, others["teacher"].pk}
    assert api_client(student).get(detail_url(others["classmate"])).status_code == 404

    second = post_annotation(student, assignment, "My second")

    assert seen_by(client, assignment, student) == {
        first.pk,
        second,
        others["teacher"].pk,
        others["classmate"].pk,
    }


def test_the_panel_works_out_the_gate_once_for_its_list_and_counts(
    client, assignment, student, others
):
    assignment.reveal_after_posts = 2
    assignment.save()
    client.force_login(student)

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("comparisons:read", args=[assignment.pk]))

    own_counts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and "annotations_annotation" in q["sql"]
    ]
    # Once for the list, counts and replies; once for the "think first" notice.
    assert len(own_counts) == 2


def test_replies_do_not_count_toward_the_gate(client, assignment, student, others):
    assignment.reveal_after_posts = 2
    assignment.save()
    first = annotate(assignment, student, body="My first")
    AnnotationFactory(parent=first, author=student, body="Talking to myself")

    assert others["classmate"].pk not in seen_by(client, assignment, student)


def test_before_reveal_at_a_student_sees_only_own_and_teachers(client, assignment, student, others):
    assignment.reveal_at = timezone.now() + timedelta(hours=1)
    assignment.save()
    mine = [annotate(assignment, student, body=f"Mine {n}") for n in range(3)]

    assert seen_by(client, assignment, student) == {a.pk for a in mine} | {others["teacher"].pk}

    assignment.reveal_at = timezone.now() - timedelta(minutes=1)
    assignment.save()
    assert others["classmate"].pk in seen_by(client, assignment, student)


def test_a_teachers_prompt_is_seen_by_a_gated_student(client, assignment, student, teacher, others):
    assignment.reveal_after_posts = 2
    assignment.save()
    prompt = annotate(assignment, teacher, body="Where does the thaw begin?", is_prompt=True)

    seen = seen_by(client, assignment, student)

    assert prompt.pk in seen
    assert others["classmate"].pk not in seen
    row = api_client(student).get(detail_url(prompt)).json()
    assert row["is_prompt"] is True


def test_the_gate_never_applies_to_teachers(client, assignment, teacher, others):
    assignment.reveal_after_posts = 5
    assignment.reveal_at = timezone.now() + timedelta(days=1)
    assignment.save()

    assert others["classmate"].pk in seen_by(client, assignment, teacher)
