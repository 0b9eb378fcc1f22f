"""Creating, replying, editing, deleting, marking helpful and linking, over htmx and without."""

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation, Helpful, Link
from tests.annotations.helpers import annotate, first_passage, selection_post
from tests.factories import comparison_with_content

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def new_url(assignment):
    return reverse("annotations:new", args=[assignment.pk])


def test_student_annotates_a_selection_and_gets_a_blank_form_and_the_new_card(
    client, assignment, student, django_assert_max_num_queries
):
    passage = first_passage(assignment)
    stalin = assignment.comparison.subjects.get(name="Stalin")
    client.force_login(student)

    response = client.post(
        new_url(assignment),
        selection_post(
            passage,
            "Paragraph",
            body="Key evidence",
            subjects=[stalin.pk],
            tags="Cult, terror, cult",
        ),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#annotate-form"
    assert response["HX-Reswap"] == "outerHTML"
    annotation = Annotation.objects.get()
    assert (annotation.exact, annotation.start, annotation.end) == ("Paragraph", 0, 9)
    assert sorted(annotation.tags.values_list("name", flat=True)) == ["cult", "terror"]
    assert list(annotation.subjects.all()) == [stalin]
    page = response.content.decode()
    assert page.lstrip().startswith('<form id="annotate-form"') and "<html" not in page
    assert 'name="body"' in page and "Key evidence" in page.split("</form>", 1)[1]
    # The new card, in full, in the update list live.js merges; and the fresh counts.
    assert '<ol id="annotation-updates" hx-swap-oob="true" hidden>' in page
    assert f'id="annotation-{annotation.pk}"' in page and "is-collapsed" not in page
    assert 'data-start="0" data-end="9"' in page
    assert "1 annotation" in page
    assert "announce" in response.headers["HX-Trigger"]


def test_a_new_annotation_on_a_filtered_panel_gets_the_filtered_panel_back(
    client, assignment, student
):
    client.force_login(student)
    page_url = "http://testserver" + reverse("comparisons:read", args=[assignment.pk])

    response = client.post(
        new_url(assignment),
        selection_post(first_passage(assignment), "Paragraph", body="Filtered", kind="question"),
        headers={**HTMX, "HX-Current-URL": page_url + "?kind=evidence"},
    )

    page = response.content.decode()
    assert 'id="annotation-panel"' in page
    assert "No annotations match these filters." in page


def test_without_htmx_a_new_annotation_redirects_to_it(client, assignment, student):
    client.force_login(student)

    response = client.post(
        new_url(assignment), selection_post(first_passage(assignment), "Paragraph")
    )

    annotation = Annotation.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#annotation-{annotation.pk}")


def test_a_selection_that_does_not_match_the_text_is_a_400_with_a_message(
    client, assignment, student
):
    passage = first_passage(assignment)
    data = selection_post(passage, "Paragraph", exact="Something else")
    client.force_login(student)

    response = client.post(new_url(assignment), data, headers=HTMX)

    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert not Annotation.objects.exists()


def test_a_passage_of_another_comparison_is_refused(client, assignment, student, teacher):
    elsewhere = first_passage_of(comparison_with_content(teacher))
    client.force_login(student)

    response = client.post(
        new_url(assignment), selection_post(elsewhere, "Paragraph"), headers=HTMX
    )

    assert response.status_code == 400
    assert not Annotation.objects.exists()


def first_passage_of(comparison):
    return comparison.sections.order_by("order").first().passages.order_by("order").first()


def test_a_question_without_words_keeps_what_was_typed_and_says_what_to_fix(
    client, assignment, student
):
    client.force_login(student)
    data = selection_post(
        first_passage(assignment), "Paragraph", kind="question", body="", tags="my-tag"
    )

    response = client.post(new_url(assignment), data, headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 422
    assert "needs some words" in page
    assert 'value="my-tag"' in page
    assert "“Paragraph”" in page
    assert not Annotation.objects.exists()


def test_too_long_a_note_is_refused_with_a_message(client, assignment, student):
    client.force_login(student)
    data = selection_post(first_passage(assignment), "Paragraph", body="x" * 5001)

    response = client.post(new_url(assignment), data, headers=HTMX)

    assert response.status_code == 422
    assert "at most 5000 characters" in response.content.decode()


def test_too_many_tags_are_refused(client, assignment, student):
    client.force_login(student)
    data = selection_post(
        first_passage(assignment), "Paragraph", tags=",".join(f"t{i}" for i in range(11))
    )

    response = client.post(new_url(assignment), data, headers=HTMX)

    assert "at most 10 tags" in response.content.decode()


@pytest.mark.parametrize("who", ["outsider_student", "outsider_teacher"])
def test_another_class_cannot_annotate(request, client, assignment, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        new_url(assignment), selection_post(first_passage(assignment), "Paragraph")
    )

    assert response.status_code == 404


def test_annotating_needs_a_csrf_token(assignment, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(
        new_url(assignment), selection_post(first_passage(assignment), "Paragraph"), headers=HTMX
    )

    assert response.status_code == 403


def test_user_text_is_escaped_in_the_panel(client, assignment, student):
    annotate(assignment, student, body='<script>alert("x")</script>')
    client.force_login(student)

    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()

    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


# Replies


def test_classmate_replies_and_the_card_comes_back_with_the_reply(
    client, assignment, student, classmate
):
    annotation = annotate(assignment, student)
    client.force_login(classmate)

    response = client.post(
        reverse("annotations:reply", args=[annotation.pk]), {"body": "Good find"}, headers=HTMX
    )

    assert response.status_code == 200
    assert "Good find" in response.content.decode()
    reply = Annotation.objects.get(parent=annotation)
    assert (reply.author, reply.visibility, reply.passage) == (
        classmate,
        "class",
        annotation.passage,
    )


def test_replying_to_a_reply_joins_the_same_thread(client, assignment, student, classmate):
    annotation = annotate(assignment, student)
    client.force_login(classmate)
    client.post(reverse("annotations:reply", args=[annotation.pk]), {"body": "One"})
    first = Annotation.objects.get(parent=annotation)

    client.post(reverse("annotations:reply", args=[first.pk]), {"body": "Two"})

    assert Annotation.objects.filter(parent=annotation).count() == 2


def test_nobody_can_reply_to_an_annotation_they_cannot_see(client, assignment, student, classmate):
    private = annotate(assignment, student, visibility="private")
    client.force_login(classmate)

    response = client.post(reverse("annotations:reply", args=[private.pk]), {"body": "Hi"})

    assert response.status_code == 404


def test_an_empty_reply_is_refused(client, assignment, student, classmate):
    annotation = annotate(assignment, student)
    client.force_login(classmate)

    response = client.post(
        reverse("annotations:reply", args=[annotation.pk]), {"body": ""}, headers=HTMX
    )

    assert response.status_code == 422
    assert not Annotation.objects.filter(parent=annotation).exists()


# Editing and deleting


def test_author_edits_their_annotation(client, assignment, student):
    annotation = annotate(assignment, student)
    client.force_login(student)

    response = client.post(
        reverse("annotations:edit", args=[annotation.pk]),
        {"body": "Better wording", "kind": "comment", "visibility": "class", "tags": "x"},
        headers=HTMX,
    )

    assert response.status_code == 200
    annotation.refresh_from_db()
    assert annotation.body == "Better wording"
    assert list(annotation.tags.values_list("name", flat=True)) == ["x"]


def test_a_classmate_cannot_edit_or_delete_it(client, assignment, student, classmate):
    annotation = annotate(assignment, student)
    client.force_login(classmate)

    assert (
        client.post(reverse("annotations:edit", args=[annotation.pk]), {"body": "x"}).status_code
        == 403
    )
    assert client.post(reverse("annotations:delete", args=[annotation.pk])).status_code == 403


def test_deleting_an_annotation_without_replies_removes_it(client, assignment, student):
    annotation = annotate(assignment, student)
    client.force_login(student)

    response = client.post(reverse("annotations:delete", args=[annotation.pk]), headers=HTMX)

    assert response.status_code == 200
    assert response.content == b""
    assert not Annotation.objects.filter(pk=annotation.pk).exists()


def test_deleting_an_annotation_with_replies_leaves_a_stub_so_the_thread_survives(
    client, assignment, student, classmate
):
    annotation = annotate(assignment, student, body="Original words")
    Annotation.objects.create(
        assignment=assignment,
        passage=annotation.passage,
        author=classmate,
        parent=annotation,
        body="A reply",
        visibility="class",
    )
    client.force_login(student)

    client.post(reverse("annotations:delete", args=[annotation.pk]))

    annotation.refresh_from_db()
    assert annotation.is_deleted and annotation.body == ""
    client.force_login(classmate)
    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()
    assert "Deleted annotation" in page
    assert "A reply" in page
    assert "Original words" not in page


# Helpful


def test_classmate_marks_helpful_and_unmarks(client, assignment, student, classmate):
    annotation = annotate(assignment, student)
    client.force_login(classmate)
    url = reverse("annotations:helpful", args=[annotation.pk])

    response = client.post(url, headers=HTMX)
    assert Helpful.objects.filter(annotation=annotation, user=classmate).exists()
    assert 'aria-pressed="true"' in response.content.decode()

    client.post(url, headers=HTMX)
    assert not Helpful.objects.exists()


def test_nobody_marks_their_own_annotation_helpful(client, assignment, student):
    annotation = annotate(assignment, student)
    client.force_login(student)

    response = client.post(reverse("annotations:helpful", args=[annotation.pk]))

    assert response.status_code == 400


# Comparison links


def test_linking_two_annotations_about_different_subjects_shows_on_both(
    client, assignment, student, classmate
):
    stalin, khrushchev = assignment.comparison.subjects.order_by("order")
    mine = annotate(assignment, student, subjects=[stalin], body="Terror")
    theirs = annotate(assignment, classmate, subjects=[khrushchev], body="Thaw")
    client.force_login(student)

    response = client.post(
        reverse("annotations:link", args=[mine.pk]),
        {"target": theirs.pk, "relation": "difference", "explanation": "Fear versus relief."},
        headers=HTMX,
    )

    assert response.status_code == 200
    link = Link.objects.get()
    assert (link.source, link.target, link.author) == (mine, theirs, student)
    page = response.content.decode()
    assert page.count("Fear versus relief.") == 2


def test_linking_two_annotations_about_the_same_subject_is_refused(
    client, assignment, student, classmate
):
    stalin = assignment.comparison.subjects.get(name="Stalin")
    mine = annotate(assignment, student, subjects=[stalin])
    theirs = annotate(assignment, classmate, subjects=[stalin])
    client.force_login(student)

    response = client.post(
        reverse("annotations:link", args=[mine.pk]),
        {"target": theirs.pk, "relation": "difference", "explanation": "Same man."},
        headers=HTMX,
    )

    # Annotations about the same subject are not even offered.
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert response.headers["HX-Retarget"] == f"#annotation-{mine.pk}-extra"
    assert not Link.objects.exists()


def test_a_private_annotation_of_someone_else_cannot_be_a_link_target(
    client, assignment, student, classmate
):
    mine = annotate(assignment, student)
    hidden = annotate(assignment, classmate, visibility="private")
    client.force_login(student)

    response = client.post(
        reverse("annotations:link", args=[mine.pk]),
        {"target": hidden.pk, "relation": "difference", "explanation": "x"},
    )

    assert response.status_code == 422
    assert not Link.objects.exists()


def test_changing_visibility_takes_the_replies_along(client, assignment, student, classmate):
    annotation = annotate(assignment, student, visibility="teacher")
    reply = Annotation.objects.create(
        assignment=assignment,
        passage=annotation.passage,
        author=student,
        parent=annotation,
        body="r",
        visibility="teacher",
    )
    client.force_login(student)

    client.post(
        reverse("annotations:edit", args=[annotation.pk]),
        {"body": "Now for everyone", "kind": "comment", "visibility": "class", "tags": ""},
    )

    reply.refresh_from_db()
    assert reply.visibility == "class"


def test_search_does_not_reveal_words_of_a_reply_you_cannot_see(
    client, assignment, student, classmate, teacher
):
    annotation = annotate(assignment, student, visibility="class", body="Plain")
    Annotation.objects.create(
        assignment=assignment,
        passage=annotation.passage,
        author=teacher,
        parent=annotation,
        body="zebra",
        is_private_reply=True,
    )
    client.force_login(classmate)

    response = client.get(reverse("comparisons:read", args=[assignment.pk]), {"q": "zebra"})

    assert response.context["cards"] == []
