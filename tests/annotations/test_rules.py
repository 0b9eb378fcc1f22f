"""The annotations' rules, each tested once where it lives (annotations.services), and each
channel once for how it translates the refusal: the page as a form error or a 400, the API
as a 400 naming the field. The page and the API call the same service, so the message is the
same on both."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotations import services
from annotations.access import get_thread_for
from annotations.models import Annotation, Flag, ModerationAction
from comparisons.models import Passage
from counterpoint.lib.errors import NotAllowed
from tests.factories import AnnotationFactory, ComparisonFactory, PassageFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
Action = ModerationAction.Action


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def note(assignment, student):
    return AnnotationFactory(assignment=assignment, author=student, body="Soft on everyone")


@pytest.fixture
def stub(note, classmate):
    """A deleted note that a classmate had answered: it stays as an empty stub."""
    AnnotationFactory(parent=note, author=classmate, body="Not so sure")
    note.soft_delete()
    note.refresh_from_db()
    assert note.is_deleted
    return note


@pytest.fixture
def reply(note, classmate):
    return AnnotationFactory(parent=note, author=classmate, body="Not so sure")


# --- the rules, at the service ----------------------------------------------------------


def test_a_deleted_stub_cannot_be_edited(stub):
    with pytest.raises(NotAllowed) as refused:
        services.annotation_update(stub, body="Written into the stub")

    assert refused.value.message == services.DELETED
    stub.refresh_from_db()
    assert stub.body == ""


def test_a_question_or_comment_needs_words_but_evidence_does_not(assignment, student, note):
    with pytest.raises(NotAllowed) as refused:
        services.annotation_update(note, body="   ")

    assert (refused.value.field, refused.value.message) == ("body", services.NEEDS_WORDS)
    services.annotation_update(note, kind=Annotation.Kind.EVIDENCE, body="")
    note.refresh_from_db()
    assert (note.kind, note.body) == ("evidence", "")


def test_nobody_flags_their_own_annotation(note, student):
    with pytest.raises(NotAllowed) as refused:
        services.flag_create(annotation=note, reporter=student, reason=Flag.Reason.UNKIND)

    assert refused.value.message == services.OWN_FLAG
    assert not Flag.objects.exists()


def test_something_else_needs_details(note, classmate):
    with pytest.raises(NotAllowed) as refused:
        services.flag_create(
            annotation=note, reporter=classmate, reason=Flag.Reason.OTHER, details="  "
        )

    assert (refused.value.field, refused.value.message) == (
        "details",
        services.FLAG_NEEDS_DETAILS,
    )
    assert not Flag.objects.exists()


def test_flagging_again_returns_the_first_flag(note, classmate):
    first, created = services.flag_create(
        annotation=note, reporter=classmate, reason=Flag.Reason.UNKIND
    )
    again, created_again = services.flag_create(
        annotation=note, reporter=classmate, reason=Flag.Reason.OFF_TOPIC
    )

    assert (created, created_again, again) == (True, False, first)
    assert Flag.objects.get().reason == Flag.Reason.UNKIND


def test_nobody_marks_their_own_annotation_helpful(note, student):
    with pytest.raises(NotAllowed) as refused:
        services.helpful_toggle(annotation=note, user=student)

    assert refused.value.message == services.OWN_HELPFUL
    assert not note.helpful_marks.exists()


def test_hiding_needs_a_reason(note, teacher):
    with pytest.raises(NotAllowed) as refused:
        services.annotation_moderate(annotation=note, actor=teacher, action=Action.HIDE)

    assert (refused.value.field, refused.value.message) == (
        "reason",
        services.HIDE_NEEDS_REASON,
    )
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("action", [Action.PIN, Action.UNPIN, Action.LOCK, Action.UNLOCK])
def test_a_reply_is_never_pinned_or_locked(reply, teacher, action):
    with pytest.raises(NotAllowed) as refused:
        services.annotation_moderate(annotation=reply, actor=teacher, action=action)

    assert refused.value.message == services.REPLY_NOT_PINNED
    reply.refresh_from_db()
    assert (reply.is_pinned, reply.is_locked) == (False, False)
    assert not ModerationAction.objects.exists()


def test_a_locked_thread_takes_no_replies(note, classmate):
    note.lock()

    with pytest.raises(services.ThreadLocked) as refused:
        services.reply_create(parent=note, author=classmate, body="Still here")

    assert refused.value.message == services.ThreadLocked.MESSAGE
    assert not note.replies.exists()


def test_a_reply_needs_words(note, classmate):
    with pytest.raises(NotAllowed) as refused:
        services.reply_create(parent=note, author=classmate, body="  ")

    assert (refused.value.field, refused.value.message) == ("body", services.REPLY_NEEDS_WORDS)


def test_a_reply_to_a_reply_joins_the_top_level_thread(reply, note, student):
    assert get_thread_for(student, reply.pk) == note


def test_only_a_teacher_replies_privately(note, teacher, classmate):
    theirs = services.reply_create(parent=note, author=classmate, body="Psst", private=True)
    mine = services.reply_create(parent=note, author=teacher, body="See me", private=True)

    assert (theirs.is_private_reply, mine.is_private_reply) == (False, True)


def test_a_passage_of_another_text_is_refused(assignment):
    other = PassageFactory(section__comparison=ComparisonFactory())

    with pytest.raises(NotAllowed) as refused:
        services.passage_of(assignment, other.pk)

    assert (refused.value.field, refused.value.message) == ("passage", services.NOT_IN_TEXT)
    own = Passage.objects.filter(section__comparison=assignment.comparison).first()
    assert services.passage_of(assignment, own.pk) == own


# --- each channel translates: the page --------------------------------------------------


def test_the_page_refuses_to_write_into_a_deleted_stub(client, stub, student):
    """It used to save the new body into the stub (the API refused)."""
    client.force_login(student)

    response = client.post(
        reverse("annotations:edit", args=[stub.pk]),
        {"body": "Written into the stub", "kind": "comment", "visibility": "class"},
        headers=HTMX,
    )

    assert response.status_code == 400
    assert services.DELETED in response.content.decode()
    assert "Written into the stub" in response.content.decode()  # what was typed stays
    stub.refresh_from_db()
    assert (stub.body, stub.is_deleted) == ("", True)


@pytest.mark.parametrize("action", ["pin", "lock"])
def test_the_moderation_page_refuses_to_pin_or_lock_a_reply(client, reply, teacher, action):
    """It used to pin or lock the reply (the API refused)."""
    client.force_login(teacher)

    response = client.post(
        reverse("annotations:moderate", args=[reply.pk]), {"action": action}, headers=HTMX
    )

    assert response.status_code == 400
    assert services.REPLY_NOT_PINNED in response.content.decode()
    reply.refresh_from_db()
    assert (reply.is_pinned, reply.is_locked) == (False, False)
    assert not ModerationAction.objects.exists()


def test_the_flag_form_shows_the_details_rule_at_its_field(client, note, classmate):
    client.force_login(classmate)

    response = client.post(
        reverse("annotations:flag", args=[note.pk]), {"reason": "other"}, headers=HTMX
    )

    assert response.status_code == 422
    assert services.FLAG_NEEDS_DETAILS in response.content.decode()
    assert not Flag.objects.exists()


def test_the_page_refuses_flagging_ones_own(client, note, student):
    client.force_login(student)

    response = client.post(reverse("annotations:flag", args=[note.pk]), {"reason": "unkind"})

    assert response.status_code == 400
    assert response.content.decode() == services.OWN_FLAG


# --- each channel translates: the API ---------------------------------------------------


def test_the_api_refuses_to_write_into_a_deleted_stub(stub, student):
    response = api(student).patch(
        f"/api/v1/annotations/{stub.pk}/", {"body": "Back"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [services.DELETED]}


def test_the_api_refuses_to_pin_a_reply(reply, teacher):
    response = api(teacher).post(f"/api/v1/annotations/{reply.pk}/pin/", format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [services.REPLY_NOT_PINNED]}


def test_the_api_names_the_details_field(note, classmate):
    response = api(classmate).post(
        f"/api/v1/annotations/{note.pk}/flag/", {"reason": "other"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"details": [services.FLAG_NEEDS_DETAILS]}


def test_the_api_refuses_flagging_ones_own(note, student):
    response = api(student).post(
        f"/api/v1/annotations/{note.pk}/flag/", {"reason": "unkind"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [services.OWN_FLAG]}
