"""Student privacy: take your data with you, delete your account, leave a class the way the
teacher chose, keep your e-mail from classmates, and keep your words out of the logs."""

import json
import logging
import sys

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from annotations.models import Annotation, Flag, Helpful, Link, ModerationAction
from counterpoint.models import Classroom, Membership, User
from essays.models import Outline
from tests.annotations.helpers import annotate, selection_post
from tests.factories import PASSWORD
from tests.trust.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    return build()


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- download everything I wrote --------------------------------------------------------


def test_a_student_downloads_everything_they_wrote(w):
    Helpful.objects.create(annotation=w.classmate_annotation, user=w.student)
    Flag.objects.create(annotation=w.classmate_annotation, reporter=w.student, reason="unkind")
    private = annotate(w.assignment, w.student, body="Only for me", visibility="private")
    Annotation.objects.create(
        assignment=w.assignment,
        passage=w.passage,
        author=w.student,
        parent=w.classmate_annotation,
        body="My reply",
    )
    w.comment.state, w.comment.student_reply = "wont_fix", "I disagree, because"
    w.comment.save()

    response = logged_in(w.student).get(reverse("account_export"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="counterpoint-my-data.json"'
    data = json.loads(response.content)
    assert data["profile"]["email"] == "sam@example.test"
    assert data["memberships"] == [
        {
            "class": "Year 11 History",
            "role": "student",
            "joined": data["memberships"][0]["joined"],
            "group": None,
            "sees_whole_class": False,
        }
    ]
    notes = data["annotations"]
    assert notes["@context"] == "http://www.w3.org/ns/anno.jsonld"
    bodies = [b["value"] for item in notes["items"] for b in item.get("body", [])]
    assert "Terror" in bodies and "Only for me" in bodies
    assert all(item["type"] == "Annotation" for item in notes["items"])
    assert notes["items"][0]["target"]["selector"][0]["type"] == "TextQuoteSelector"
    assert [i["body"][0]["value"] for i in data["replies"]["items"]] == ["My reply"]
    assert data["flags"][0]["reason"] == "unkind"
    assert data["marked_helpful"] == [
        f"http://testserver/api/v1/annotations/{w.classmate_annotation.pk}/"
    ]
    outline = data["outlines"][0]
    assert outline["title"] == w.outline.title
    assert outline["sections"][1]["evidence"][0]["quote"]
    assert outline["answers_to_feedback"] == [
        {
            "comment": "Say more about the thaw.",
            "answer": "wont_fix",
            "reply": "I disagree, because",
        }
    ]
    # Nobody else's words or addresses: the classmate's note and reply are not there.
    text = response.content.decode()
    assert "Thaw" not in bodies and "I agree" not in text
    assert "cleo@example.test" not in text and "teacher@example.test" not in text
    assert private.pk


def test_the_download_needs_a_login(client, db):
    response = client.get(reverse("account_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_profile_page_offers_the_download_and_the_delete(w):
    page = logged_in(w.student).get(reverse("profile")).content.decode()

    assert f'href="{reverse("account_export")}"' in page
    assert f'href="{reverse("account_delete")}"' in page


# --- leaving: the class's choice -------------------------------------------------------------


def remove_from_class(w, user):
    membership = Membership.objects.get(classroom=w.classroom, user=user)
    return logged_in(w.teacher).post(
        reverse("membership_remove", args=[w.classroom.pk, membership.pk])
    )


def test_the_teacher_chooses_what_happens_to_a_leaving_students_annotations(w):
    page = logged_in(w.teacher).get(reverse("classroom", args=[w.classroom.pk]))
    assert "When a student leaves, their annotations and replies" in page.content.decode()

    response = logged_in(w.teacher).post(
        reverse("classroom_leaving", args=[w.classroom.pk]), {"leaving_annotations": "remove"}
    )

    assert response.status_code == 302
    w.classroom.refresh_from_db()
    assert w.classroom.leaving_annotations == Classroom.LeavingAnnotations.REMOVE


def test_a_bad_choice_is_refused_and_nothing_changes(w):
    logged_in(w.teacher).post(
        reverse("classroom_leaving", args=[w.classroom.pk]), {"leaving_annotations": "sell"}
    )

    w.classroom.refresh_from_db()
    assert w.classroom.leaving_annotations == Classroom.LeavingAnnotations.ANONYMISE


def test_removed_student_annotations_are_kept_anonymised_by_default(w):
    private = annotate(w.assignment, w.classmate, body="Private", visibility="private")
    ModerationAction.objects.create(
        classroom=w.classroom,
        annotation=w.classmate_annotation,
        annotation_author=w.classmate,
        actor=w.teacher,
        action="pin",
        snapshot="Thaw",
    )

    remove_from_class(w, w.classmate)

    former = User.objects.get(display_name="Former student")
    assert not former.is_active and not former.has_usable_password()
    assert Annotation.objects.get(pk=w.classmate_annotation.pk).author == former
    assert Annotation.objects.get(pk=w.reply.pk).author == former
    assert Link.objects.get(pk=w.link.pk).author == former
    assert Flag.objects.get(pk=w.flag.pk).reporter == former
    assert not Annotation.objects.filter(pk=private.pk).exists()
    assert ModerationAction.objects.get().annotation_author is None
    assert not Membership.objects.filter(user=w.classmate, classroom=w.classroom).exists()
    page = logged_in(w.student).get(reverse("comparisons:read", args=[w.assignment.pk]))
    text = page.content.decode()
    assert "Former student" in text and "Cleo Classmate" not in text


def test_removed_student_annotations_are_removed_when_the_class_says_so(w):
    w.classroom.leaving_annotations = Classroom.LeavingAnnotations.REMOVE
    w.classroom.save()
    # The student's note has the classmate's reply: it stays as an empty stub for the thread.
    remove_from_class(w, w.student)

    stub = Annotation.objects.get(pk=w.annotation.pk)
    assert stub.is_deleted and stub.body == "" and stub.author.display_name == "Former student"
    assert not stub.tags.exists()
    assert Annotation.objects.get(pk=w.reply.pk).author == w.classmate
    assert not Annotation.objects.filter(author=w.student).exists()
    # Their outline is theirs, and stays with them.
    assert Outline.objects.filter(author=w.student).exists()


def test_removing_a_classmate_in_remove_mode_takes_their_reply_and_link(w):
    w.classroom.leaving_annotations = Classroom.LeavingAnnotations.REMOVE
    w.classroom.save()

    remove_from_class(w, w.classmate)

    assert not Annotation.objects.filter(author=w.classmate).exists()
    assert not Link.objects.filter(pk=w.link.pk).exists()
    assert Annotation.objects.get(pk=w.annotation.pk).body == "Terror"


def test_the_remove_button_warns_what_will_happen(w):
    page = logged_in(w.teacher).get(reverse("classroom", args=[w.classroom.pk])).content.decode()
    assert "Their annotations stay, shown as “Former student”." in page

    w.classroom.leaving_annotations = Classroom.LeavingAnnotations.REMOVE
    w.classroom.save()
    page = logged_in(w.teacher).get(reverse("classroom", args=[w.classroom.pk])).content.decode()
    assert "Their annotations and replies are removed." in page


# --- deleting an account -------------------------------------------------------------------


def test_the_delete_page_says_what_happens_in_each_class(w):
    page = logged_in(w.student).get(reverse("account_delete")).content.decode()

    assert "In Year 11 History, your annotations and replies are" in page
    assert "shown as written by “Former student”" in page
    assert "Type your e-mail address to confirm" in page


def test_deleting_needs_the_right_email_and_keeps_everything_otherwise(w):
    client = logged_in(w.student)

    response = client.post(
        reverse("account_delete"), {"email": "someone@example.test", "password": PASSWORD}
    )

    assert response.status_code == 422
    assert "That is not the address you sign in with" in response.content.decode()
    assert User.objects.filter(pk=w.student.pk).exists()


def test_deleting_needs_the_password_too(w):
    """A signed-in laptop left open is not enough to delete its owner's account."""
    client = logged_in(w.student)
    page = client.get(reverse("account_delete")).content.decode()
    assert 'type="password"' in page and "Your password" in page

    response = client.post(
        reverse("account_delete"), {"email": "sam@example.test", "password": "not-it"}
    )
    missing = client.post(reverse("account_delete"), {"email": "sam@example.test"})

    assert response.status_code == 422
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert 'value="sam@example.test"' in response.content.decode()
    assert missing.status_code == 422
    assert User.objects.filter(pk=w.student.pk).exists()


def test_password_tries_on_the_delete_page_are_limited(w):
    client = logged_in(w.student)
    for _ in range(5):
        client.post(reverse("account_delete"), {"email": "sam@example.test", "password": "guess"})

    response = client.post(
        reverse("account_delete"), {"email": "sam@example.test", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert User.objects.filter(pk=w.student.pk).exists()


def test_a_student_deletes_their_account(w):
    Helpful.objects.create(annotation=w.classmate_annotation, user=w.student)
    client = logged_in(w.student)

    response = client.post(
        reverse("account_delete"), {"email": "SAM@example.test ", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not User.objects.filter(email="sam@example.test").exists()
    assert not Outline.objects.filter(pk=w.outline.pk).exists()
    assert not Helpful.objects.exists()
    former = User.objects.get(display_name="Former student")
    assert Annotation.objects.get(pk=w.annotation.pk).author == former
    assert Annotation.objects.get(pk=w.reply.pk).author == w.classmate
    assert client.get(reverse("dashboard")).status_code == 302  # logged out


def test_deleting_in_a_remove_class_removes_the_notes_but_not_the_replies_to_them(w):
    w.classroom.leaving_annotations = Classroom.LeavingAnnotations.REMOVE
    w.classroom.save()

    logged_in(w.classmate).post(
        reverse("account_delete"), {"email": "cleo@example.test", "password": PASSWORD}
    )

    assert not User.objects.filter(pk=w.classmate.pk).exists()
    assert not Annotation.objects.filter(pk=w.classmate_annotation.pk).exists()
    assert not Annotation.objects.filter(pk=w.reply.pk).exists()
    assert Annotation.objects.get(pk=w.annotation.pk).body == "Terror"
    assert not Flag.objects.filter(pk=w.flag.pk).exists() or Flag.objects.get().reporter


def test_a_comparison_a_class_reads_outlives_its_authors_account(w):
    from comparisons.models import Comparison
    from tests.factories import AssignmentFactory, comparison_with_content

    theirs = comparison_with_content(w.student)
    AssignmentFactory(classroom=w.other_classroom, comparison=theirs)
    draft = comparison_with_content(w.student)

    logged_in(w.student).post(
        reverse("account_delete"), {"email": "sam@example.test", "password": PASSWORD}
    )

    assert Comparison.objects.get(pk=theirs.pk).author.display_name == "Former student"
    assert not Comparison.objects.filter(pk=draft.pk).exists()


def test_a_teacher_hands_the_class_over_before_deleting(w):
    client = logged_in(w.teacher)

    page = client.get(reverse("account_delete")).content.decode()
    response = client.post(
        reverse("account_delete"), {"email": "teacher@example.test", "password": PASSWORD}
    )

    assert "You are the only teacher of" in page
    assert response.status_code == 422
    assert "You are the only teacher of" in response.content.decode()
    assert User.objects.filter(pk=w.teacher.pk).exists()


def test_failed_login_records_go_with_the_account(w):
    from axes.models import AccessAttempt

    Client().post(reverse("login"), {"username": "sam@example.test", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="sam@example.test").exists()

    logged_in(w.student).post(
        reverse("account_delete"), {"email": "sam@example.test", "password": PASSWORD}
    )

    assert not AccessAttempt.objects.exists()


# --- logs and error reports carry no one's words ---------------------------------------------

SECRET = "my-secret-thoughts-about-stalin"


def test_annotating_replying_moderating_and_failing_log_no_annotation_text(w, caplog):
    caplog.set_level(logging.DEBUG)
    student, teacher = logged_in(w.student), logged_in(w.teacher)
    errors = Client(raise_request_exception=False)
    errors.force_login(w.student)

    student.post(
        reverse("annotations:new", args=[w.assignment.pk]),
        selection_post(w.passage, "Paragraph", body=SECRET),
    )
    student.post(
        reverse("annotations:new", args=[w.assignment.pk]),
        {**selection_post(w.passage, "Paragraph", body=SECRET), "start": "x"},  # a 422
    )
    student.post(reverse("annotations:reply", args=[w.annotation.pk]), {"body": SECRET})
    student.post(
        "/api/v1/annotations/",
        {"parent": w.annotation.pk, "body": SECRET * 200},  # too long: a 400
        content_type="application/json",
    )
    note = Annotation.objects.get(body=SECRET, parent=None)
    teacher.post(
        reverse("annotations:moderate", args=[note.pk]), {"action": "hide", "reason": SECRET}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("annotations.views.reply_create", _explode)
        failed = errors.post(reverse("annotations:reply", args=[w.annotation.pk]), {"body": SECRET})

    assert failed.status_code == 500
    logged = "\n".join(
        record.getMessage() + (caplog.text if record.exc_info else "") for record in caplog.records
    )
    assert "Internal Server Error" in logged  # the failure was logged...
    assert SECRET not in logged  # ...without the words


def _explode(**kwargs):
    raise RuntimeError("the database went away")


def test_error_reports_hide_what_was_posted(w, settings):
    settings.DEBUG = False
    request = RequestFactory().post("/annotations/1/reply/", {"body": SECRET})
    request.user = w.student
    try:
        body = request.POST["body"]  # a local variable the traceback would show
        raise RuntimeError(f"failed on {len(body)} characters")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info())

    assert SECRET not in report.get_traceback_text()
    assert SECRET not in report.get_traceback_html()
    assert "failed on" in report.get_traceback_text()
