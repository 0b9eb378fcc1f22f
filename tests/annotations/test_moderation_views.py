"""Moderation in the browser's HTML: flags, the moderation page and its actions, teacher
presence (prompts, private replies), think first, and the posting rate limit."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Flag, ModerationAction
from tests.annotations.helpers import annotate, first_passage, selection_post
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def read(client, assignment, **params):
    return client.get(reverse("comparisons:read", args=[assignment.pk]), params)


def moderate(client, annotation, action, reason="", htmx=True):
    return client.post(
        reverse("annotations:moderate", args=[annotation.pk]),
        {"action": action, "reason": reason},
        headers=HTMX if htmx else {},
    )


@pytest.fixture
def note(assignment, student):
    return annotate(assignment, student, body="Khrushchev was soft on everyone")


# Flagging


def test_classmate_flags_an_annotation_and_flagging_twice_changes_nothing(client, note, classmate):
    client.force_login(classmate)
    url = reverse("annotations:flag", args=[note.pk])

    first = client.post(url, {"reason": "inaccurate"}, headers=HTMX)
    client.post(url, {"reason": "unkind"}, headers=HTMX)

    assert first.status_code == 200
    assert "You flagged this" in first.content.decode()
    flag = Flag.objects.get()
    assert (flag.reporter, flag.reason, flag.state) == (classmate, "inaccurate", "open")


def test_something_else_needs_a_few_words(client, note, classmate):
    client.force_login(classmate)

    response = client.post(
        reverse("annotations:flag", args=[note.pk]), {"reason": "other"}, headers=HTMX
    )

    assert response.status_code == 422
    assert "Say in a few words" in response.content.decode()
    assert not Flag.objects.exists()


def test_nobody_flags_their_own_annotation(client, note, student):
    client.force_login(student)

    response = client.post(reverse("annotations:flag", args=[note.pk]), {"reason": "unkind"})

    assert response.status_code == 400


def test_a_reply_can_be_flagged(client, note, classmate, teacher):
    reply = Annotation.objects.create(
        assignment=note.assignment,
        passage=note.passage,
        author=teacher,
        parent=note,
        body="x",
        visibility="class",
    )
    client.force_login(classmate)

    client.post(reverse("annotations:flag", args=[reply.pk]), {"reason": "off_topic"})

    assert Flag.objects.get().annotation == reply


def test_the_teachers_navigation_counts_open_flags(client, note, classmate, teacher, student):
    Flag.objects.create(annotation=note, reporter=classmate, reason="unkind")

    client.force_login(teacher)
    teacher_page = client.get(reverse("dashboard")).content.decode()
    client.force_login(student)
    student_page = client.get(reverse("dashboard")).content.decode()

    assert 'Moderation <span class="badge">1</span>' in teacher_page
    assert "Moderation" not in student_page


# The moderation page


@pytest.mark.parametrize(
    ("who", "status"),
    [("teacher", 200), ("student", 403), ("outsider_teacher", 404), ("outsider_student", 404)],
)
def test_who_may_open_the_moderation_page(request, client, classroom, note, who, status):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("annotations:moderation", args=[classroom.pk]))

    assert response.status_code == status


def test_a_co_teacher_moderates_too(client, classroom, note):
    co_teacher = UserFactory()
    MembershipFactory(user=co_teacher, classroom=classroom, role="teacher")
    client.force_login(co_teacher)

    response = moderate(client, note, "hide", reason="Please check the facts")

    assert response.status_code == 200
    note.refresh_from_db()
    assert note.is_hidden


def test_flagged_items_are_shown_with_their_passage_context(
    client, classroom, note, classmate, teacher
):
    Flag.objects.create(annotation=note, reporter=classmate, reason="inaccurate", details="Wrong")
    client.force_login(teacher)

    page = client.get(reverse("annotations:moderation", args=[classroom.pk])).content.decode()

    assert f"<mark>{note.exact}</mark>" in page
    assert "flagged by Cleo Classmate" in page
    assert "Wrong" in page


def test_moderation_page_queries_do_not_grow_with_flags(
    client, classroom, assignment, teacher, student, django_assert_num_queries
):
    reporters = [UserFactory() for _ in range(3)]
    for user in reporters:
        MembershipFactory(user=user, classroom=classroom)
    for i in range(30):
        item = annotate(assignment, student, body=f"n{i}")
        for user in reporters:
            Flag.objects.create(annotation=item, reporter=user, reason="unkind")
    client.force_login(teacher)

    # session, user, classroom, my roles, flagged annotations, their open flags with
    # reporters, latest activity, audit, the navigation's moderation link
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(10):
        client.get(reverse("annotations:moderation", args=[classroom.pk]))


# Actions


def test_hiding_needs_a_reason_and_keeps_what_was_typed(client, note, teacher):
    client.force_login(teacher)

    response = moderate(client, note, "hide", reason="")

    assert response.status_code == 422
    assert "Give a reason" in response.content.decode()
    note.refresh_from_db()
    assert not note.is_hidden


def test_hiding_collapses_the_row_with_an_undo_and_records_it(client, note, classmate, teacher):
    Flag.objects.create(annotation=note, reporter=classmate, reason="unkind")
    client.force_login(teacher)

    response = moderate(client, note, "hide", reason="Keep it respectful")

    page = response.content.decode()
    assert 'class="mod-row is-done' in page
    assert 'value="unhide"' in page
    record = ModerationAction.objects.get()
    assert (record.actor, record.action, record.reason) == (teacher, "hide", "Keep it respectful")
    assert record.snapshot == note.body
    assert Flag.objects.get().state == "hidden"


def test_hidden_annotation_is_gone_for_classmates_marked_for_its_author_and_teachers(
    client, assignment, note, classmate, teacher, student
):
    client.force_login(teacher)
    moderate(client, note, "hide", reason="Check the facts")

    client.force_login(classmate)
    assert note.body not in read(client, assignment).content.decode()
    client.force_login(student)
    own = read(client, assignment).content.decode()
    assert note.body in own and "Check the facts" in own and "Your teacher hid this" in own
    client.force_login(teacher)
    theirs = read(client, assignment).content.decode()
    assert note.body in theirs and "Hidden from students" in theirs


def test_hiding_an_annotation_hides_its_replies_from_students(
    client, assignment, note, classmate, teacher
):
    Annotation.objects.create(
        assignment=assignment,
        passage=note.passage,
        author=classmate,
        parent=note,
        body="A classmate's reply",
        visibility="class",
    )
    note.hide(teacher, "no")
    client.force_login(classmate)

    assert "A classmate&#x27;s reply" not in read(client, assignment).content.decode()


def test_unhide_puts_it_back(client, assignment, note, classmate, teacher):
    note.hide(teacher, "no")
    client.force_login(teacher)

    moderate(client, note, "unhide")

    client.force_login(classmate)
    assert note.body in read(client, assignment).content.decode()


def test_keep_closes_the_flags_and_leaves_the_annotation(client, note, classmate, teacher):
    Flag.objects.create(annotation=note, reporter=classmate, reason="unkind")
    client.force_login(teacher)

    moderate(client, note, "keep")

    note.refresh_from_db()
    assert not note.is_hidden
    assert Flag.objects.get().state == "kept"


def test_pinned_annotations_come_first_and_are_marked(client, assignment, student, teacher):
    annotate(assignment, student, body="First written")
    later = annotate(assignment, student, body="Exemplary")
    client.force_login(teacher)
    moderate(client, later, "pin")

    client.force_login(student)
    response = read(client, assignment)

    assert [c.body for c in response.context["cards"]][0] == "Exemplary"
    assert "Pinned by your teacher" in response.content.decode()


def test_a_locked_thread_takes_no_replies(client, assignment, note, classmate, teacher):
    client.force_login(teacher)
    moderate(client, note, "lock")
    client.force_login(classmate)

    response = client.post(
        reverse("annotations:reply", args=[note.pk]), {"body": "Hi"}, headers=HTMX
    )

    assert response.status_code == 400
    assert "closed this thread to new replies" in response.content.decode()
    assert not Annotation.objects.filter(parent=note).exists()


def test_teacher_delete_keeps_the_audit_row(client, note, teacher):
    client.force_login(teacher)
    text = note.body

    moderate(client, note, "delete")

    assert not Annotation.objects.filter(pk=note.pk).exists()
    record = ModerationAction.objects.get(action="delete")
    assert record.annotation is None
    assert record.snapshot == text


def test_students_cannot_moderate(client, note, classmate):
    client.force_login(classmate)

    assert moderate(client, note, "hide", reason="x").status_code == 403
    assert not ModerationAction.objects.exists()


def test_teachers_of_another_class_cannot_moderate(client, note, outsider_teacher):
    client.force_login(outsider_teacher)

    assert moderate(client, note, "hide", reason="x").status_code == 404


# Teacher presence


def test_a_teacher_prompt_is_marked_and_for_the_whole_class(client, assignment, teacher, classmate):
    client.force_login(teacher)
    data = selection_post(
        first_passage(assignment),
        "Paragraph",
        kind="question",
        body="What changed first?",
        visibility="teacher",
        is_prompt="on",
    )

    client.post(reverse("annotations:new", args=[assignment.pk]), data, headers=HTMX)

    prompt = Annotation.objects.get()
    assert prompt.is_prompt and prompt.visibility == "class"
    client.force_login(classmate)
    page = read(client, assignment).content.decode()
    assert "What changed first?" in page and ">Prompt<" in page


def test_students_cannot_post_prompts(client, assignment, student):
    client.force_login(student)
    data = selection_post(first_passage(assignment), "Paragraph", is_prompt="on")

    client.post(reverse("annotations:new", args=[assignment.pk]), data, headers=HTMX)

    assert not Annotation.objects.get().is_prompt


def test_a_teacher_replies_privately_to_one_student(
    client, assignment, note, teacher, student, classmate
):
    client.force_login(teacher)

    client.post(
        reverse("annotations:reply", args=[note.pk]),
        {"body": "See me after class", "private": "on"},
    )

    client.force_login(student)
    assert "See me after class" in read(client, assignment).content.decode()
    client.force_login(classmate)
    assert "See me after class" not in read(client, assignment).content.decode()


# Think first


def test_think_first_shows_only_own_and_teachers_until_enough_are_posted(
    client, assignment, student, classmate, teacher
):
    assignment.reveal_after_posts = 2
    assignment.save()
    annotate(assignment, classmate, body="Classmate's view")
    annotate(assignment, teacher, body="Teacher's prompt", is_prompt=True)
    annotate(assignment, student, body="My first")
    client.force_login(student)

    response = read(client, assignment)
    assert {c.body for c in response.context["cards"]} == {"Teacher's prompt", "My first"}
    assert "post 2 annotations of your own" in response.content.decode()

    annotate(assignment, student, body="My second")
    response = read(client, assignment)
    assert "Classmate's view" in {c.body for c in response.context["cards"]}


def test_think_first_until_a_reveal_time(client, assignment, student, classmate):
    assignment.reveal_at = timezone.now() + timedelta(hours=1)
    assignment.save()
    annotate(assignment, classmate, body="Classmate's view")
    client.force_login(student)

    response = read(client, assignment)

    assert response.context["cards"] == []
    assert "appear on" in response.content.decode()


def test_teacher_sets_think_first_rules(client, assignment, teacher):
    client.force_login(teacher)
    url = reverse("comparisons:assignment_settings", args=[assignment.pk])

    response = client.post(
        url,
        {
            "due_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "instructions": "Read first",
            "steps": "outline_then_draft",
            "essay_prompt": "Why?",
            "reveal_after_posts": 3,
            "reveal_at": "",
        },
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.reveal_after_posts == 3


def test_students_cannot_change_assignment_settings(client, assignment, student):
    client.force_login(student)

    url = reverse("comparisons:assignment_settings", args=[assignment.pk])
    assert client.get(url).status_code == 403


# Posting limits


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_posting_too_fast_gets_a_friendly_message_and_keeps_the_words(
    client, assignment, student, settings, fresh_cache
):
    settings.ANNOTATION_RATE_LIMIT = 2
    client.force_login(student)
    url = reverse("annotations:new", args=[assignment.pk])
    passage = first_passage(assignment)
    for _ in range(2):
        client.post(url, selection_post(passage, "Paragraph"), headers=HTMX)

    response = client.post(
        url, selection_post(passage, "Paragraph", body="Third thought"), headers=HTMX
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "posting very quickly" in page
    assert "Third thought" in page
    assert Annotation.objects.count() == 2


def test_the_moderation_page_never_shows_private_notes(
    client, classroom, assignment, student, teacher
):
    annotate(assignment, student, body="My private thought", visibility="private")
    client.force_login(teacher)

    page = client.get(reverse("annotations:moderation", args=[classroom.pk])).content.decode()

    assert "My private thought" not in page
