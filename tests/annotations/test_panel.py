"""The panel's filters and counts, the live poll, and query counts that do not grow."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Tag
from annotations.panel import PAGE_SIZE, PANEL_FULL_CARDS
from annotations.services import helpful_toggle
from notifications.models import Notification
from tests.annotations.helpers import (
    annotate,
    class_with_annotations,
    first_passage,
    selection_post,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def read_url(assignment):
    return reverse("comparisons:read", args=[assignment.pk])


def poll_url(assignment):
    return reverse("annotations:poll", args=[assignment.pk])


@pytest.fixture
def spread(assignment, student, classmate, teacher):
    """A few annotations that differ in every filterable way."""
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    leadership = assignment.comparison.dimensions.order_by("order").first()
    a = annotate(
        assignment,
        student,
        body="Purges and fear",
        kind="evidence",
        subjects=[stalin],
        dimension=leadership,
    )
    Tag.objects.create(annotation=a, name="terror")
    annotate(assignment, classmate, body="Why the thaw?", kind="question", subjects=[khrushchev])
    annotate(assignment, teacher, body="Look at paragraph two", kind="comment")
    return {"stalin": stalin, "khrushchev": khrushchev, "leadership": leadership}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "question"}, ["Why the thaw?"]),
        ({"subject": "stalin"}, ["Purges and fear"]),
        ({"dimension": "leadership"}, ["Purges and fear"]),
        ({"tag": "terror"}, ["Purges and fear"]),
        ({"mine": "on"}, ["Purges and fear"]),
        ({"q": "THAW"}, ["Why the thaw?"]),
        ({}, ["Purges and fear", "Why the thaw?", "Look at paragraph two"]),
    ],
)
def test_filters_narrow_the_panel(client, assignment, student, spread, params, expected):
    params = {k: (spread[v].pk if v in spread else v) for k, v in params.items()}
    client.force_login(student)

    response = client.get(read_url(assignment), params)

    bodies = [card.body for card in response.context["cards"]]
    assert sorted(bodies) == sorted(expected)


def test_teacher_looks_at_one_students_work_alone(client, assignment, teacher, student, spread):
    client.force_login(teacher)

    response = client.get(read_url(assignment), {"author": student.pk})

    assert [c.author for c in response.context["cards"]] == [student]


def test_filtering_over_htmx_returns_only_the_results(client, assignment, student, spread):
    client.force_login(student)

    response = client.get(
        read_url(assignment),
        {"kind": "question"},
        headers={**HTMX, "HX-Target": "annotation-results"},
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="annotation-results">')
    assert "Why the thaw?" in page and "Purges and fear" not in page


def test_filtered_results_are_announced_not_swapped_in_as_a_live_region(
    client, assignment, student, spread
):
    client.force_login(student)

    response = client.get(
        read_url(assignment),
        {"kind": "question"},
        headers={**HTMX, "HX-Target": "annotation-results"},
    )

    # A replaced role=status is often not read: the count goes to the page's one live region.
    assert 'role="status"' not in response.content.decode()
    announced = json.loads(response.headers["HX-Trigger"])["announce"]["message"]
    assert announced == "1 shown of 3."
    assert "1 shown of 3" in response.content.decode()


def test_nonsense_filter_values_are_ignored_not_an_error(client, assignment, student, spread):
    client.force_login(student)

    response = client.get(read_url(assignment), {"subject": "abc", "kind": "poem", "author": "-1"})

    assert response.status_code == 200
    assert len(response.context["cards"]) == 3


def test_counts_per_filter(client, assignment, student, spread):
    client.force_login(student)

    response = client.get(read_url(assignment))

    kinds = {label: count for label, _, count, _ in response.context["facets"][0][2]}
    assert kinds == {"Evidence": 1, "Question": 1, "Comment": 1}


def test_counts_by_author_add_up_to_the_counts_and_name_only_visible_authors(
    assignment, student, classmate, teacher, spread
):
    """The page's counts and its author list come from one query grouped by author
    (Annotation.objects.facet_counts_and_authors): the same counts as facet_counts, over the
    same visible cards, and no author whose only notes the viewer may not see."""
    outsider_note = annotate(assignment, teacher, body="For teachers", kind="question")
    outsider_note.visibility = Annotation.Visibility.TEACHER
    outsider_note.save()
    annotate(assignment, classmate, body="Mine alone", kind="question", visibility="private")
    comparison = assignment.comparison
    subjects, dimensions = list(comparison.subjects.all()), list(comparison.dimensions.all())
    cards = Annotation.objects.visible_to(
        student, assignment, is_teacher=False, top_level_only=True
    )

    counts, authors = cards.facet_counts_and_authors(subjects=subjects, dimensions=dimensions)

    assert counts == cards.facet_counts(subjects=subjects, dimensions=dimensions)
    assert sorted(pk for pk, _ in authors) == sorted([student.pk, classmate.pk, teacher.pk])
    assert counts["kind"] == {"evidence": 1, "question": 1, "comment": 1}
    private_only = annotate(assignment, UserFactory(), body="Hidden author", visibility="private")
    MembershipFactory(user=private_only.author, classroom=assignment.classroom)
    _, authors = cards.facet_counts_and_authors(subjects=subjects, dimensions=dimensions)
    assert private_only.author_id not in [pk for pk, _ in authors]


# The live poll


def settle(assignment):
    """Age the annotations made so far, a minute apart, the newest five minutes ago: as in a
    class where they were written a while back. Returns the newest, which a delta re-sends
    (the overlap in annotations.live), and no other."""
    rows = list(Annotation.objects.filter(assignment=assignment).order_by("-pk"))
    for minutes, row in enumerate(rows, start=5):
        Annotation.objects.filter(pk=row.pk).update(
            updated_at=timezone.now() - timedelta(minutes=minutes)
        )
    return rows[0]


def card_ids(page):
    return {
        int(pk)
        for pk in re.findall(r'<article class="annotation-card[^>]* id="annotation-(\d+)"', page)
    }


def test_a_classmates_new_annotation_arrives_alone_collapsed_on_a_full_panel(
    client, assignment, student, classmate, spread
):
    newest = settle(assignment)
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    fresh = annotate(assignment, classmate, body="Fresh from a classmate", quote="Paragraph")

    full_panel = ",".join(str(pk) for pk in range(1000, 1000 + PANEL_FULL_CARDS))
    response = client.get(
        poll_url(assignment), {"open": full_panel}, headers={**HTMX, "If-None-Match": etag}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert response["ETag"] != etag
    # Only the new card, collapsed (one line with its quote), not the whole list.
    assert '<ol id="annotation-updates" hx-swap-oob="true" hidden>' in page
    assert card_ids(page) == {fresh.pk, newest.pk}
    assert f'id="annotation-{fresh.pk}"' in page and "is-collapsed" in page
    assert 'id="annotation-list"' not in page
    assert 'id="annotation-poll" hx-swap-oob="true"' in page
    assert "4 annotations" in page  # the counts are fresh


def test_a_panel_with_room_gets_a_new_annotation_in_full(
    client, assignment, student, classmate, spread
):
    settle(assignment)
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    annotate(assignment, classmate, body="Fresh from a classmate", quote="Paragraph")

    response = client.get(poll_url(assignment), headers={**HTMX, "If-None-Match": etag})

    assert "Fresh from a classmate" in response.content.decode()


def test_the_newest_card_gets_the_last_room_on_the_panel(
    client, assignment, student, classmate, spread
):
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    annotate(assignment, classmate, body="Fresh from a classmate", quote="Paragraph")
    almost_full = ",".join(str(pk) for pk in range(1000, 1000 + PANEL_FULL_CARDS - 1))

    # The spread's cards were written moments ago too, so they come again (the overlap).
    response = client.get(
        poll_url(assignment), {"open": almost_full}, headers={**HTMX, "If-None-Match": etag}
    )

    page = response.content.decode()
    assert "Fresh from a classmate" in page
    assert page.count("is-collapsed") == 3


def test_a_card_shown_in_full_comes_back_in_full(client, assignment, student, classmate, spread):
    newest = settle(assignment)
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    thaw = Annotation.objects.get(body="Why the thaw?")
    Annotation.objects.create(
        assignment=assignment,
        passage=thaw.passage,
        author=classmate,
        parent=thaw,
        body="A reply that just came in",
    )

    response = client.get(
        poll_url(assignment), {"open": f"{thaw.pk},junk"}, headers={**HTMX, "If-None-Match": etag}
    )

    page = response.content.decode()
    assert "A reply that just came in" in page and "Why the thaw?" in page
    assert card_ids(page) == {thaw.pk, newest.pk}


def test_a_card_hidden_by_the_teacher_is_taken_away(
    client, assignment, student, classmate, teacher, spread
):
    settle(assignment)
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    thaw = Annotation.objects.get(body="Why the thaw?")
    thaw.hide(by=teacher, reason="")

    response = client.get(poll_url(assignment), headers={**HTMX, "If-None-Match": etag})

    page = response.content.decode()
    assert f'<li data-remove="annotation-{thaw.pk}"></li>' in page
    assert "Why the thaw?" not in page


def test_a_helpful_mark_refreshes_the_card(client, assignment, student, classmate, teacher, spread):
    settle(assignment)
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    thaw = Annotation.objects.get(body="Why the thaw?")  # the classmate's
    helpful_toggle(annotation=thaw, user=teacher)

    response = client.get(poll_url(assignment), headers={**HTMX, "If-None-Match": etag})

    assert response.status_code == 200
    assert f'id="annotation-{thaw.pk}"' in response.content.decode()


def test_a_row_deleted_outright_sends_the_whole_list(
    client, assignment, student, classmate, spread
):
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    Annotation.objects.get(body="Why the thaw?").delete()

    response = client.get(poll_url(assignment), headers={**HTMX, "If-None-Match": etag})

    page = response.content.decode()
    assert 'id="annotation-list" class="annotation-list" hx-swap-oob="true"' in page
    assert "Why the thaw?" not in page


def test_a_poll_with_a_foreign_or_old_etag_sends_the_whole_list(
    client, assignment, student, classmate, spread
):
    client.force_login(classmate)
    theirs = client.get(poll_url(assignment))["ETag"]
    client.force_login(student)

    for held in (theirs, '"7-1-3-1700000000.000000-0-0-1"'):
        response = client.get(poll_url(assignment), headers={**HTMX, "If-None-Match": held})
        page = response.content.decode()
        assert 'id="annotation-list" class="annotation-list" hx-swap-oob="true"' in page


def test_the_poll_keeps_the_filters(client, assignment, student, classmate, spread):
    client.force_login(student)
    annotate(assignment, classmate, body="Another question?", kind="question")

    response = client.get(poll_url(assignment), {"kind": "question"}, headers=HTMX)

    page = response.content.decode()
    assert "Why the thaw?" in page and "Another question?" in page
    assert page.count('class="annotation-card ') == 2


def test_a_private_annotation_never_reaches_another_students_poll(
    client, assignment, student, classmate, spread
):
    client.force_login(classmate)
    annotate(assignment, student, body="Only mine", visibility="private")

    response = client.get(poll_url(assignment), headers=HTMX)

    assert "Only mine" not in response.content.decode()


def test_anonymous_poll_is_401(client, assignment):
    assert client.get(poll_url(assignment)).status_code == 401


def test_a_removed_student_polls_into_a_404(client, assignment, student, classroom, spread):
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    classroom.memberships.filter(user=student).delete()

    response = client.get(poll_url(assignment), headers={"If-None-Match": etag})

    assert response.status_code == 404


def test_outsider_poll_is_404(client, assignment, outsider_student, spread):
    client.force_login(outsider_student)

    assert client.get(poll_url(assignment)).status_code == 404


# Query counts that do not grow with the class's annotations


@pytest.mark.parametrize("count", [10, 1000])
def test_reading_page_query_count_does_not_grow_with_annotations(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    client.force_login(student)

    # session, user, assignment, my roles; the comparison and its 6 prefetches (the first
    # read of this version of the text; comparisons.reading keeps it); the facet counts with
    # the filter's authors (one query), the first page's ids (a top-N by the panel's order)
    # and their rows, the cards in full, their subjects, tags, replies, links (one query for
    # both ends), the class's teachers, the poll fingerprint
    # (one more than when the page sent every card: the page's ids; in exchange the page no
    # longer grows, annotations.panel)
    # + the navigation's unread count (notifications.context_processors)
    # (the reading goal comes with the assignment; a student's navigation has no moderation
    # link, and their roles say so without a query)
    with django_assert_num_queries(22):
        response = client.get(read_url(assignment))

    assert len(response.context["cards"]) == min(count, PAGE_SIZE)

    # the next reader: as above, less the text's 7
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(15):
        client.get(read_url(assignment))


@pytest.mark.parametrize("count", [10, 1000])
def test_changed_poll_query_count_does_not_grow(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    client.force_login(student)

    # session, user, my access to the assignment (it, my role, my own notes for the
    # think-first gate), the fingerprint, my roles, then the panel as on the page (less the
    # fingerprint, already made)
    with django_assert_num_queries(21):
        client.get(poll_url(assignment), headers=HTMX)

    # the next poll: the text is kept (comparisons.reading)
    with django_assert_num_queries(14):
        client.get(poll_url(assignment), headers=HTMX)


@pytest.mark.parametrize("count", [10, 1000])
def test_a_live_delta_query_count_does_not_grow(
    client, assignment, classroom, student, classmate, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    settle(assignment)
    client.force_login(student)
    etag = client.get(poll_url(assignment))["ETag"]
    for n in range(5):
        annotate(assignment, classmate, body=f"New {n}", quote="Paragraph")
    shown = range(100_000, 100_000 + PANEL_FULL_CARDS)  # a full panel of other cards

    # session, user, my access to the assignment (it, my role, my own notes), the
    # fingerprint, the rows changed since, their entries, the class's teachers, facet counts
    # (paragraph numbers, subjects and dimensions come from the text the first poll kept,
    # comparisons.reading; my role came with my access)
    with django_assert_num_queries(8):
        response = client.get(
            poll_url(assignment),
            {"open": ",".join(str(pk) for pk in shown)},
            headers={**HTMX, "If-None-Match": etag},
        )

    assert response.content.decode().count('class="annotation-card is-collapsed') == 6


@pytest.mark.parametrize("count", [10, 1000])
def test_posting_a_note_query_count_does_not_grow(
    client, assignment, classroom, student, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    client.force_login(student)
    client.get(read_url(assignment))  # the text is kept from here on (comparisons.reading)
    comparison = assignment.comparison
    data = selection_post(
        first_passage(assignment),
        "Paragraph",
        subjects=[comparison.subjects.first().pk],
        dimension=comparison.dimensions.first().pk,
        tags="cult, terror",
    )

    # session, user, the assignment, my roles (the paragraph, subjects and dimension are
    # checked against the kept text); the note, its subject, its tags (a savepoint around
    # them: two more here, none in production's autocommit); then the new card as a live
    # update: its entry, the class's teachers, the card, its subjects, tags, replies, links
    # (one query for both ends), and the facet counts
    with django_assert_num_queries(17):
        response = client.post(reverse("annotations:new", args=[assignment.pk]), data, headers=HTMX)

    assert response.status_code == 200
    note = Annotation.objects.get(body="My note")
    assert f'id="annotation-{note.pk}"' in response.content.decode()
    assert sorted(note.tags.values_list("name", flat=True)) == ["cult", "terror"]
    assert list(note.subjects.all()) == [comparison.subjects.first()]


@pytest.mark.parametrize("count", [10, 1000])
def test_replying_query_count_does_not_grow(
    client, assignment, classroom, student, classmate, teacher, django_assert_num_queries, count
):
    class_with_annotations(assignment, classroom, student, count)
    thread = annotate(assignment, classmate, body="A thread")
    Annotation.objects.create(
        assignment=assignment, passage=thread.passage, author=teacher, parent=thread, body="Hm"
    )
    client.force_login(student)
    client.get(read_url(assignment))

    # session, user, the note with its assignment, my roles, whether I may see the note;
    # the reply (in a savepoint: two more); who hears of it (the note's author and the
    # teacher who replied before, with their memberships), whether each may see it (one
    # query for both), their two notifications (one insert); then the card (the note was
    # found visible above, and is not asked again): it, its subjects, tags, replies, links
    # out, links in, and the class's teachers
    with django_assert_num_queries(17):
        response = client.post(
            reverse("annotations:reply", args=[thread.pk]), {"body": "Agreed"}, headers=HTMX
        )

    assert response.status_code == 200 and "Agreed" in response.content.decode()
    told = Notification.objects.filter(annotation__body="Agreed")
    assert sorted(told.values_list("recipient_id", "kind")) == sorted(
        [(classmate.pk, "reply"), (teacher.pk, "thread_reply")]
    )
