"""Each kind of notification: made for the people it concerns, never for the person who did
it, never about a note the recipient may not see, and never carrying anyone's words."""

import pytest
from django.urls import reverse

from annotations.models import Annotation
from annotations.services import annotation_create, annotation_moderate, reply_create
from counterpoint import services as platform
from counterpoint.models import CoTeacherInvitation, Membership
from essays import feedback
from essays.models import FeedbackComment, Outline, Review
from notifications.models import Notification
from tests.annotations.helpers import annotate, first_passage
from tests.essays.helpers import make_outline
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- replies ------------------------------------------------------------------------------


def test_a_reply_tells_the_notes_author_and_not_the_replier(
    client, assignment, student, classmate, teacher
):
    note = annotate(assignment, student, body="Stalin ruled by fear", visibility="class")
    client.force_login(classmate)

    response = client.post(
        reverse("annotations:reply", args=[note.pk]), {"body": "Cleo's secret words"}
    )

    assert response.status_code == 302
    told = Notification.objects.get(recipient=student)
    assert told.kind == Kind.REPLY
    assert told.actor == classmate
    assert told.message == (
        f"Cleo Classmate replied to your note on ¶1 in {assignment.comparison.title}"
    )
    assert told.url == f"{reverse('comparisons:read', args=[assignment.pk])}#annotation-{note.pk}"
    assert "secret" not in told.message
    assert kinds_for(classmate) == []
    assert kinds_for(teacher) == []


def test_a_reply_tells_those_who_replied_before_in_the_thread(
    assignment, student, classmate, teacher
):
    note = annotate(assignment, student, visibility="class")
    reply_create(parent=note, author=teacher, body="Why?")

    reply_create(parent=note, author=classmate, body="Because")

    assert kinds_for(student) == [Kind.REPLY, Kind.REPLY]
    assert kinds_for(teacher) == [Kind.THREAD_REPLY]
    assert kinds_for(classmate) == []


def test_replying_to_my_own_note_tells_nobody(assignment, student):
    note = annotate(assignment, student, visibility="class")

    reply_create(parent=note, author=student, body="Adding to myself")

    assert Notification.objects.count() == 0


def test_a_teachers_private_reply_is_not_announced_to_classmates_in_the_thread(
    assignment, student, classmate, teacher
):
    note = annotate(assignment, student, visibility="class")
    reply_create(parent=note, author=classmate, body="Nice")

    reply_create(parent=note, author=teacher, body="Just for Sam", private=True)

    assert kinds_for(student) == [Kind.REPLY, Kind.REPLY]
    assert kinds_for(classmate) == []  # they may not see a private reply


def test_a_reply_on_a_hidden_note_tells_no_student(assignment, student, classmate, teacher):
    note = annotate(assignment, student, visibility="class")
    reply_create(parent=note, author=classmate, body="First")
    annotation_moderate(annotation=note, actor=teacher, action="hide", reason="Off-topic")

    reply_create(parent=note, author=teacher, body="Please rewrite this")

    # Students see no replies under a hidden note: neither its author nor the classmate.
    assert Notification.objects.filter(kind=Kind.THREAD_REPLY).count() == 0
    assert not Notification.objects.filter(recipient=student, actor=teacher).exists()


def test_hiding_a_reply_takes_back_what_told_students_about_it(
    assignment, student, classmate, teacher
):
    note = annotate(assignment, student, visibility="class")
    reply = reply_create(parent=note, author=classmate, body="Something unkind")
    assert kinds_for(student) == [Kind.REPLY]

    annotation_moderate(annotation=reply, actor=teacher, action="hide", reason="Unkind")

    assert kinds_for(student) == []


def test_making_a_note_private_takes_back_what_told_others_about_its_thread(
    assignment, student, classmate, teacher
):
    note = annotate(assignment, classmate, visibility="class")
    reply_create(parent=note, author=student, body="Agree")
    reply_create(parent=note, author=teacher, body="Good point")
    assert kinds_for(student) == [Kind.THREAD_REPLY]

    note.change_visibility(Annotation.Visibility.PRIVATE)

    assert kinds_for(student) == []
    assert kinds_for(classmate) == [Kind.REPLY, Kind.REPLY]  # their own note: still theirs


# --- prompts ---------------------------------------------------------------------------


def _prompt(assignment, teacher):
    passage = first_passage(assignment)
    word = passage.text.split()[0]
    return annotation_create(
        assignment=assignment,
        author=teacher,
        passage=passage,
        exact=word,
        prefix="",
        suffix=passage.text[len(word) : len(word) + 20],
        start=0,
        end=len(word),
        body="What does this tell us about power?",
        kind=Annotation.Kind.QUESTION,
        subjects=[],
        dimension=None,
        tags=[],
        visibility="class",
        is_prompt=True,
    )


def test_a_prompt_tells_every_student_of_the_class(
    assignment, student, classmate, teacher, outsider_student
):
    prompt = _prompt(assignment, teacher)

    assert kinds_for(student) == [Kind.PROMPT]
    assert kinds_for(classmate) == [Kind.PROMPT]
    assert kinds_for(teacher) == []
    assert kinds_for(outsider_student) == []
    told = Notification.objects.get(recipient=student)
    assert told.message.startswith("Ms Teacher posted a prompt on ¶1 in ")
    assert told.url.endswith(f"#annotation-{prompt.pk}")


def test_a_note_that_is_not_a_prompt_tells_nobody(assignment, student, classmate, teacher):
    passage = first_passage(assignment)
    word = passage.text.split()[0]
    annotation_create(
        assignment=assignment,
        author=student,
        passage=passage,
        exact=word,
        prefix="",
        suffix="",
        start=0,
        end=len(word),
        body="Mine",
        kind="comment",
        subjects=[],
        dimension=None,
        tags=[],
        visibility="class",
    )

    assert Notification.objects.count() == 0


# --- flags -----------------------------------------------------------------------------


def test_a_flag_tells_the_class_teachers_and_nobody_else(
    client, assignment, student, classmate, teacher, outsider_teacher
):
    note = annotate(assignment, student, visibility="class")
    client.force_login(classmate)

    response = client.post(
        reverse("annotations:flag", args=[note.pk]), {"reason": "unkind", "details": "Mean words"}
    )

    assert response.status_code == 302
    told = Notification.objects.get()
    assert (told.recipient, told.kind, told.actor) == (teacher, Kind.FLAG, classmate)
    assert told.message.endswith("as unkind")
    assert "Mean" not in told.message
    assert told.url == reverse("annotations:moderation", args=[assignment.classroom_id])
    assert kinds_for(outsider_teacher) == []


def test_flagging_again_tells_nobody_again(client, assignment, student, classmate, teacher):
    note = annotate(assignment, student, visibility="class")
    client.force_login(classmate)
    for _ in range(2):
        client.post(reverse("annotations:flag", args=[note.pk]), {"reason": "unkind"})

    assert kinds_for(teacher) == [Kind.FLAG]


# --- submissions, returns, acceptance -----------------------------------------------------


@pytest.fixture
def outline(assignment, student, cast):
    return make_outline(assignment, student, cast)


def test_submitting_tells_the_teachers_and_not_the_student(client, outline, student, teacher):
    co_teacher = UserFactory(display_name="Mr Co")
    MembershipFactory(user=co_teacher, classroom=outline.assignment.classroom, role="teacher")
    client.force_login(student)

    response = client.post(reverse("essays:submit", args=[outline.pk]), {"confirm": "1"})

    assert response.status_code == 302
    assert kinds_for(teacher) == [Kind.SUBMITTED]
    assert kinds_for(co_teacher) == [Kind.SUBMITTED]
    assert kinds_for(student) == []
    told = Notification.objects.get(recipient=teacher)
    assert told.message == f"Sam Student submitted their outline for {told.place}"
    assert told.url == reverse("essays:review", args=[outline.pk])


def test_returning_accepting_and_resubmitting(client, outline, student, teacher):
    feedback.outline_transition(outline=outline, action="submit")
    client.force_login(teacher)

    client.post(reverse("essays:review_decide", args=[outline.pk]), {"action": "return"})
    assert kinds_for(student) == [Kind.RETURNED]
    feedback.outline_transition(outline=outline, action="submit")
    assert kinds_for(teacher) == [Kind.RESUBMITTED, Kind.SUBMITTED]
    client.post(reverse("essays:review_decide", args=[outline.pk]), {"action": "accept"})

    assert kinds_for(student) == [Kind.ACCEPTED, Kind.RETURNED]
    returned = Notification.objects.get(recipient=student, kind=Kind.RETURNED)
    assert returned.message == f"Your outline for {returned.place} was returned for revision"
    assert returned.url == reverse("essays:outline", args=[outline.pk])
    assert kinds_for(teacher) == [Kind.RESUBMITTED, Kind.SUBMITTED]  # not told what they did


# --- feedback released -------------------------------------------------------------------


def test_releasing_to_the_class_tells_those_who_handed_in_once(
    client, outline, student, classmate, teacher, cast, django_capture_on_commit_callbacks
):
    make_outline(outline.assignment, classmate, cast)  # never submitted
    feedback.outline_transition(outline=outline, action="submit")
    client.force_login(teacher)
    url = reverse("essays:release", args=[outline.assignment_id])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"released": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"released": "1"})  # again: nothing new to say

    assert kinds_for(student) == [Kind.FEEDBACK_RELEASED]
    assert kinds_for(classmate) == []
    told = Notification.objects.get(recipient=student)
    assert told.message == f"Feedback on your outline for {told.place} is ready"
    assert told.url == reverse("essays:outline", args=[outline.pk]) + "#feedback-heading"


def test_releasing_one_review_tells_its_author_and_again_after_a_resubmission(
    client, outline, student, teacher, django_capture_on_commit_callbacks
):
    feedback.outline_transition(outline=outline, action="submit")
    client.force_login(teacher)
    url = reverse("essays:review_overall", args=[outline.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"overall_comment": "Good", "release": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"overall_comment": "Good, truly"})  # still released
    assert kinds_for(student) == [Kind.FEEDBACK_RELEASED]

    feedback.outline_transition(outline=outline, action="return")
    feedback.outline_transition(outline=outline, action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"overall_comment": "Better", "release": "1"})

    assert kinds_for(student) == [Kind.FEEDBACK_RELEASED, Kind.FEEDBACK_RELEASED, Kind.RETURNED]


# --- answers to comments ---------------------------------------------------------------


def test_a_students_answer_tells_the_teacher_who_wrote_the_comment(
    client, outline, student, teacher
):
    co_teacher = UserFactory(display_name="Mr Co")
    MembershipFactory(user=co_teacher, classroom=outline.assignment.classroom, role="teacher")
    feedback.outline_transition(outline=outline, action="submit")
    comment = FeedbackComment.objects.create(outline=outline, author=teacher, body="Say more")
    Review.objects.create(outline=outline, released_at=outline.updated_at)
    feedback.outline_transition(outline=outline, action="return")
    client.force_login(student)

    response = client.post(
        reverse("essays:comment_reply", args=[outline.pk, comment.pk]),
        {"state": "addressed", "student_reply": "My private answer"},
    )

    assert response.status_code == 302
    told = Notification.objects.get(kind=Kind.ANSWERED)
    assert told.recipient == teacher
    assert told.message == f"Sam Student answered your comment on their outline for {told.place}"
    assert told.url == reverse("essays:review", args=[outline.pk]) + f"#comment-{comment.pk}"
    assert kinds_for(co_teacher) == [Kind.SUBMITTED]


def test_an_answer_through_the_api_tells_the_teacher_too(client, outline, student, teacher):
    comment = FeedbackComment.objects.create(outline=outline, author=teacher, body="Say more")
    Review.objects.create(outline=outline, released_at=outline.updated_at)
    client.force_login(student)

    response = client.post(
        f"/api/v1/outlines/{outline.pk}/comments/{comment.pk}/reply/",
        {"state": "wont_fix", "student_reply": "I disagree"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert kinds_for(teacher) == [Kind.ANSWERED]


# --- co-teacher invitations ---------------------------------------------------------------


def test_an_invitation_tells_the_invited_account(classroom, teacher):
    invitee = UserFactory(display_name="Dr New", email="new.teacher@example.test")

    platform.coteacher_invite(
        classroom=classroom, email="New.Teacher@example.test", invited_by=teacher
    )

    told = Notification.objects.get()
    assert (told.recipient, told.kind) == (invitee, Kind.INVITATION)
    assert told.message == f"Ms Teacher invited you to teach {classroom.name}"
    invitation = CoTeacherInvitation.objects.get()
    assert told.url == f"{reverse('dashboard')}#invitation-{invitation.pk}"

    platform.coteacher_accept(invitation=invitation, user=invitee)

    told.refresh_from_db()
    assert told.is_read  # nothing left to act on


def test_an_invitation_to_an_address_with_no_account_tells_nobody(classroom, teacher):
    platform.coteacher_invite(classroom=classroom, email="nobody@example.test", invited_by=teacher)

    assert Notification.objects.count() == 0


# --- leaving ---------------------------------------------------------------------------


def test_a_student_removed_from_the_class_loses_its_notifications(
    assignment, classroom, student, classmate
):
    note = annotate(assignment, student, visibility="class")
    reply_create(parent=note, author=classmate, body="Hi")

    platform.student_leave(classroom=classroom, student=student)

    assert kinds_for(student) == []
    assert not Membership.objects.filter(user=student, classroom=classroom).exists()


def test_outlines_still_in_draft_say_nothing_when_moved_back(outline):
    assert outline.status == Outline.Status.DRAFT
    assert Notification.objects.count() == 0
