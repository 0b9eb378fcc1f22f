"""The submissions page's whole-class tools: return, accept and release for the selected
students, each through the single action's rule; and every handed-in piece of work as one
ZIP of Word files named by student."""

import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from docx import Document

from counterpoint.models import Membership
from essays import bulk, feedback
from essays.models import Outline, Review
from tests.essays.helpers import make_outline
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def bulk_url(assignment):
    return reverse("essays:bulk", args=[assignment.pk])


def zip_url(assignment, kind="outline"):
    return reverse("essays:submissions_zip", args=[assignment.pk]) + f"?kind={kind}"


def outline_for(assignment, author, *moves):
    outline = Outline.objects.create(assignment=assignment, author=author, title="Mine")
    for move in moves:
        outline = feedback.outline_transition(outline=outline, action=move)
    return outline


def join(classroom, name):
    user = UserFactory(display_name=name)
    MembershipFactory(user=user, classroom=classroom, role=Membership.Role.STUDENT)
    return user


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def class_work(assignment, classroom, student, classmate, teacher):
    """Sam submitted; Cleo is still drafting; Nina has not started."""
    nina = join(classroom, "Nina")
    sams = outline_for(assignment, student, "submit")
    cleos = outline_for(assignment, classmate)
    return {"sam": sams, "cleo": cleos, "nina": nina}


def status_of(outline):
    outline.refresh_from_db()
    return outline.status


# --- the rules, in essays.bulk --------------------------------------------------------------


def test_each_student_goes_through_the_single_actions_rule(
    assignment, teacher, student, classmate, class_work
):
    outcomes = bulk.bulk_apply(
        assignment=assignment,
        user=teacher,
        action="return",
        student_ids=[student.pk, classmate.pk, class_work["nina"].pk],
        kind="outline",
    )

    by_name = {o.student.display_name: o for o in outcomes}
    assert by_name["Sam Student"].done
    assert not by_name["Cleo Classmate"].done
    assert (
        by_name["Cleo Classmate"].reason == "Only a submitted outline can be returned for revision."
    )
    assert by_name["Nina"].reason == "No outline yet."
    assert status_of(class_work["sam"]) == "returned"
    assert status_of(class_work["cleo"]) == "draft"


def test_a_student_of_another_class_is_left_out(assignment, teacher, outsider_student, student):
    theirs = outline_for(assignment, outsider_student, "submit")

    outcomes = bulk.bulk_apply(
        assignment=assignment,
        user=teacher,
        action="accept",
        student_ids=[outsider_student.pk],
        kind="outline",
    )

    assert outcomes == []
    assert status_of(theirs) == "submitted"


def test_release_needs_some_feedback_on_each_piece_of_work(
    assignment, teacher, student, classmate, class_work
):
    feedback.comment_add(outline=class_work["sam"], author=teacher, body="Cite ¶3.")

    outcomes = bulk.bulk_apply(
        assignment=assignment,
        user=teacher,
        action="release",
        student_ids=[student.pk, classmate.pk],
        kind="outline",
    )

    assert [(o.student.display_name, o.done) for o in outcomes] == [
        ("Cleo Classmate", False),
        ("Sam Student", True),
    ]
    assert outcomes[0].reason == feedback.NOTHING_TO_RELEASE
    assert feedback.feedback_released(class_work["sam"])
    assert not Review.objects.filter(outline=class_work["cleo"], released_at__isnull=False).exists()


def test_drafts_are_acted_on_when_asked_for(assignment, teacher, student, class_work):
    draft = Outline.objects.create(
        assignment=assignment, author=student, title="Draft", kind="draft", source=class_work["sam"]
    )
    draft = feedback.outline_transition(outline=draft, action="submit")

    bulk.bulk_apply(
        assignment=assignment, user=teacher, action="accept", student_ids=[student.pk], kind="draft"
    )

    assert status_of(draft) == "accepted"
    assert status_of(class_work["sam"]) == "submitted"


# --- the page ---------------------------------------------------------------------------


def test_the_page_reports_what_was_done_and_what_was_refused_and_why(
    client, assignment, teacher, student, classmate, class_work
):
    client.force_login(teacher)

    response = client.post(
        bulk_url(assignment),
        {"action": "accept", "kind": "outline", "student": [student.pk, classmate.pk]},
    )

    assert response.status_code == 302
    assert said(response) == [
        "Accepted (1): Sam Student.",
        "Not done (1): Cleo Classmate: Only a submitted outline can be accepted.",
    ]
    assert status_of(class_work["sam"]) == "accepted"


def test_every_student_can_be_chosen_without_ticking_each(
    client, assignment, teacher, classroom, class_work
):
    later = join(classroom, "Zed")
    zeds = outline_for(assignment, later, "submit")
    client.force_login(teacher)

    client.post(bulk_url(assignment), {"action": "return", "kind": "outline", "everyone": "1"})

    assert status_of(class_work["sam"]) == "returned"
    assert status_of(zeds) == "returned"


def test_nothing_selected_is_a_plain_message(client, assignment, teacher, class_work):
    client.force_login(teacher)

    response = client.post(bulk_url(assignment), {"action": "return", "kind": "outline"})

    assert said(response) == ["Select at least one student first."]
    assert status_of(class_work["sam"]) == "submitted"


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("outsider_teacher", 404)])
def test_only_the_class_teachers_act_on_the_class(
    request, client, assignment, class_work, who, status
):
    client.force_login(request.getfixturevalue(who))

    response = client.post(bulk_url(assignment), {"action": "accept", "everyone": "1"})

    assert response.status_code == status
    assert status_of(class_work["sam"]) == "submitted"


def test_the_submissions_page_offers_a_checkbox_per_student(
    client, assignment, teacher, student, class_work
):
    client.force_login(teacher)

    page = client.get(reverse("essays:submissions", args=[assignment.pk])).content.decode()

    assert f'name="student" value="{student.pk}" form="bulk-form"' in page
    assert 'aria-label="Select Sam Student"' in page
    assert 'data-select-all="student"' in page


# --- the ZIP ------------------------------------------------------------------------------


def test_the_zip_holds_one_word_file_per_handed_in_outline_named_by_student(
    client, assignment, classroom, teacher, student, cast
):
    sams = make_outline(assignment, student, cast)
    Outline.objects.filter(pk=sams.pk).update(thesis="Khrushchev broke with terror.")
    feedback.outline_transition(outline=sams, action="submit")
    namesake = join(classroom, "Sam Student")  # the same name twice
    outline_for(assignment, namesake, "submit")
    outline_for(assignment, join(classroom, "Дмитрий"), "submit")  # no Latin letters
    outline_for(assignment, join(classroom, "Still Drafting"))  # not handed in
    client.force_login(teacher)

    response = client.get(zip_url(assignment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('-outlines.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "sam-student-2_outline.docx",
        "sam-student_outline.docx",
        "student_outline.docx",
    ]
    texts = [
        "\n".join(p.text for p in Document(io.BytesIO(archive.read(name))).paragraphs)
        for name in archive.namelist()
    ]
    assert any("Khrushchev broke with terror." in text for text in texts)


def test_a_zip_file_name_is_safe_and_unique():
    used = set()

    names = [bulk.zip_filename(used, name, "draft") for name in ["../../etc", "A/B", "A B", ""]]

    assert names == ["etc_draft.docx", "ab_draft.docx", "a-b_draft.docx", "student_draft.docx"]
    assert all("/" not in name and ".." not in name for name in names)


def test_with_nothing_handed_in_the_zip_says_so(client, assignment, teacher, class_work):
    client.force_login(teacher)

    response = client.get(zip_url(assignment, "draft"))

    assert response.status_code == 302
    assert said(response) == ["No one has handed in work of that kind yet."]


def test_the_zip_is_bounded(client, assignment, teacher, class_work, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ZIP_FILES", 0)
    client.force_login(teacher)

    response = client.get(zip_url(assignment))

    assert response.status_code == 302
    assert "more than 0 files" in said(response)[0]


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("outsider_teacher", 404)])
def test_only_the_class_teachers_download_the_zip(
    request, client, assignment, class_work, who, status
):
    client.force_login(request.getfixturevalue(who))

    assert client.get(zip_url(assignment)).status_code == status


def test_the_bulk_form_keeps_csrf_protection(assignment, teacher, class_work):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = client.post(bulk_url(assignment), {"action": "accept", "everyone": "1"})

    assert response.status_code == 403
    assert status_of(class_work["sam"]) == "submitted"


def test_the_review_page_release_follows_the_same_rule(client, teacher, class_work):
    client.force_login(teacher)
    url = reverse("essays:review_overall", args=[class_work["sam"].pk])

    client.post(url, {"release": "1"})
    assert not feedback.feedback_released(class_work["sam"])

    client.post(url, {"overall_comment": "A clear start.", "release": "1"})
    assert feedback.feedback_released(class_work["sam"])


def test_with_htmx_a_refused_release_is_said_beside_the_button(client, teacher, class_work):
    client.force_login(teacher)

    response = client.post(
        reverse("essays:review_overall", args=[class_work["sam"].pk]),
        {"release": "1"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    assert feedback.NOTHING_TO_RELEASE in response.content.decode()
    assert "<html" not in response.content.decode()
    assert feedback.NOTHING_TO_RELEASE in response["HX-Trigger"]
