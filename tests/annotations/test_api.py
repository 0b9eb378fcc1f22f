"""/api/v1/annotations/: who sees and changes what, creating and replying, filters, and a
query count that does not grow with the class."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations import anchoring
from annotations.api import visible_annotations
from annotations.models import BODY_MAX_LENGTH, MAX_TAGS, Annotation, Helpful, Tag
from comparisons.models import Comparison, Passage
from comparisons.reading import reading_for
from counterpoint.models import Membership
from tests.factories import (
    AnnotationFactory,
    AssignmentFactory,
    MembershipFactory,
    UserFactory,
    comparison_with_content,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/annotations/"
TEXT = "Stalin ruled through fear, and the purges removed every rival who might challenge him."


def detail_url(annotation):
    return f"{LIST_URL}{annotation.pk}/"


def export_url(assignment):
    return f"/api/v1/assignments/{assignment.pk}/annotations.jsonld"


def api_client(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def ids(response):
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def passage(assignment):
    passage = Passage.objects.filter(section__comparison=assignment.comparison).first()
    passage.text = TEXT
    passage.save()
    return passage


def new_annotation(assignment, passage, **extra):
    """A create payload selecting "ruled through fear" in TEXT."""
    start = TEXT.index("ruled through fear")
    selector = anchoring.selector_for(TEXT, start, start + len("ruled through fear"))
    return {
        "assignment": assignment.pk,
        "passage": passage.pk,
        "exact": selector.exact,
        "prefix": selector.prefix,
        "suffix": selector.suffix,
        "start": selector.start,
        "end": selector.end,
        "body": "Fear was the method.",
        "kind": "evidence",
        **extra,
    }


# --- visibility: every visibility against every role -------------------------------

ROLES = ["author", "classmate", "teacher", "outsider_student", "outsider_teacher", "anonymous"]
SEEN_BY = {
    "private": {"author"},
    "class": {"author", "classmate", "teacher"},
    "teacher": {"author", "teacher"},
}


def user_for(request, role):
    if role == "anonymous":
        return None
    return request.getfixturevalue("student" if role == "author" else role)


@pytest.mark.parametrize("visibility", SEEN_BY)
@pytest.mark.parametrize("role", ROLES)
def test_visibility_decides_list_detail_and_export(
    request, assignment, student, outsider_student, outsider_teacher, visibility, role
):
    annotation = AnnotationFactory(assignment=assignment, author=student, visibility=visibility)
    client = api_client(user_for(request, role))

    listed = client.get(LIST_URL)
    detail = client.get(detail_url(annotation))
    export = client.get(export_url(assignment))

    if role == "anonymous":
        assert {listed.status_code, detail.status_code, export.status_code} <= {401, 403}
        return
    assert listed.status_code == 200
    iri = f"http://testserver{detail_url(annotation)}"
    if role in SEEN_BY[visibility]:
        assert ids(listed) == [annotation.pk]
        assert detail.status_code == 200
        assert iri in [item["id"] for item in export.json()["first"]["items"]]
    else:
        assert ids(listed) == []
        assert detail.status_code == 404
        if role.startswith("outsider"):
            assert export.status_code == 404
        else:
            assert iri not in [item["id"] for item in export.json()["first"]["items"]]


def test_a_private_reply_is_seen_by_its_author_and_the_thread_author_only(
    assignment, student, classmate, teacher
):
    thread = AnnotationFactory(assignment=assignment, author=student, visibility="class")
    reply = AnnotationFactory(
        assignment=assignment, author=teacher, parent=thread, is_private_reply=True
    )

    for user, sees in ((teacher, True), (student, True), (classmate, False)):
        client = api_client(user)
        assert (reply.pk in ids(client.get(LIST_URL))) is sees
        assert client.get(detail_url(reply)).status_code == (200 if sees else 404)
        replies = client.get(f"{detail_url(thread)}replies/").json()["results"]
        assert [r["id"] for r in replies] == ([reply.pk] if sees else [])
        assert client.get(detail_url(thread)).json()["reply_count"] == (1 if sees else 0)


def test_a_reply_under_a_private_annotation_stays_hidden_with_it(
    assignment, student, classmate, teacher
):
    thread = AnnotationFactory(assignment=assignment, author=student, visibility="private")
    reply = AnnotationFactory(
        assignment=assignment, author=student, parent=thread, visibility="class"
    )

    assert ids(api_client(classmate).get(LIST_URL)) == []
    assert ids(api_client(teacher).get(LIST_URL)) == []
    assert ids(api_client(student).get(LIST_URL)) == [thread.pk, reply.pk]


def test_visible_annotations_matches_visible_to_for_every_member(
    assignment, other_classroom, student, classmate, teacher, outsider_student, outsider_teacher
):
    """The API's one-query rule across classes and the panel's per-assignment rule agree."""
    for author in (student, classmate, teacher):
        for visibility in SEEN_BY:
            thread = AnnotationFactory(assignment=assignment, author=author, visibility=visibility)
            for replier in (student, classmate, teacher):
                for reply_visibility in SEEN_BY:
                    AnnotationFactory(
                        assignment=assignment,
                        author=replier,
                        parent=thread,
                        visibility=reply_visibility,
                    )
    theirs = AssignmentFactory(classroom=other_classroom, comparison=assignment.comparison)
    AnnotationFactory(assignment=theirs, author=outsider_student, visibility="teacher")

    for user, is_teacher in ((student, False), (classmate, False), (teacher, True)):
        expected = Annotation.objects.visible_to(user, assignment, is_teacher=is_teacher)
        assert set(visible_annotations(user)) == set(expected)
    assert set(visible_annotations(outsider_teacher)) == set(theirs.annotations.all())
    assert not visible_annotations(outsider_student).filter(assignment=assignment).exists()


def test_a_teacher_of_one_class_and_student_of_another_gets_each_rule(
    assignment, other_classroom, student, outsider_student
):
    theirs = AssignmentFactory(classroom=other_classroom, comparison=assignment.comparison)
    MembershipFactory(user=student, classroom=other_classroom, role=Membership.Role.TEACHER)
    for_teachers = AnnotationFactory(
        assignment=theirs, author=outsider_student, visibility="teacher"
    )
    AnnotationFactory(assignment=assignment, author=UserFactory(), visibility="teacher")

    assert ids(api_client(student).get(LIST_URL)) == [for_teachers.pk]


# --- the shape of an annotation ---------------------------------------------------


def test_an_annotation_has_every_field_and_no_email(assignment, student, classmate, comparison):
    subject = comparison.subjects.first()
    dimension = comparison.dimensions.first()
    annotation = AnnotationFactory(
        assignment=assignment,
        author=student,
        subjects=[subject],
        dimension=dimension,
        tags=["cult", "terror"],
    )
    AnnotationFactory(assignment=assignment, author=classmate, parent=annotation)
    Helpful.objects.create(annotation=annotation, user=classmate)

    response = api_client(classmate).get(detail_url(annotation))

    body = response.json()
    assert set(body) == {
        "id", "assignment", "passage", "author", "parent", "exact", "prefix", "suffix",
        "start", "end", "is_orphaned", "body", "kind", "subjects", "dimension", "tags",
        "visibility", "is_private_reply", "is_deleted", "is_hidden", "hidden_reason",
        "is_pinned", "is_locked", "is_prompt", "created", "modified", "helpful_count",
        "reply_count",
    }  # fmt: skip
    assert body["author"] == {"id": student.pk, "display_name": "Sam Student"}
    assert body["subjects"] == [subject.pk]
    assert body["dimension"] == dimension.pk
    assert body["tags"] == ["cult", "terror"]
    assert body["helpful_count"] == 1
    assert body["reply_count"] == 1
    assert "@example.test" not in response.content.decode()


# --- creating -----------------------------------------------------------------------


def test_student_creates_an_annotation(assignment, passage, student, comparison):
    subject = comparison.subjects.first()
    payload = new_annotation(
        assignment, passage, subjects=[subject.pk], tags=["Cult", " terror", "cult"]
    )

    response = api_client(student).post(LIST_URL, payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["exact"] == "ruled through fear"
    assert body["author"]["id"] == student.pk
    assert body["subjects"] == [subject.pk]
    assert body["tags"] == ["cult", "terror"]
    assert body["visibility"] == "class"
    assert body["reply_count"] == 0


def test_a_selector_that_does_not_match_is_a_400_with_the_message(assignment, passage, student):
    payload = new_annotation(assignment, passage, exact="ruled through love")

    response = api_client(student).post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"exact": [anchoring.MISMATCH]}
    assert not Annotation.objects.exists()


def test_a_position_outside_the_passage_is_a_400_on_exact(assignment, passage, student):
    payload = new_annotation(assignment, passage, start=500, end=510)

    response = api_client(student).post(LIST_URL, payload, format="json")

    assert response.json() == {"exact": [anchoring.OUT_OF_RANGE]}


def test_creating_in_another_class_assignment_is_refused(assignment, passage, outsider_student):
    response = api_client(outsider_student).post(
        LIST_URL, new_annotation(assignment, passage), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"assignment": ["No such assignment."]}
    assert not Annotation.objects.exists()


def test_a_missing_assignment_reads_the_same_as_a_foreign_one(assignment, passage, student):
    payload = {**new_annotation(assignment, passage), "assignment": 99999}

    response = api_client(student).post(LIST_URL, payload, format="json")

    assert response.json() == {"assignment": ["No such assignment."]}


def test_passage_subjects_and_dimension_must_belong_to_the_comparison(
    assignment, passage, student, teacher
):
    elsewhere = comparison_with_content(teacher)
    foreign_passage = Passage.objects.filter(section__comparison=elsewhere).first()
    payload = {
        **new_annotation(assignment, passage),
        "passage": foreign_passage.pk,
        "subjects": [elsewhere.subjects.first().pk],
        "dimension": elsewhere.dimensions.first().pk,
    }

    response = api_client(student).post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert errors["passage"] == ["That paragraph is not part of this text."]
    assert errors["subjects"] == [
        f"Subject {elsewhere.subjects.first().pk} is not part of this comparison."
    ]
    assert errors["dimension"] == [
        f"Dimension {elsewhere.dimensions.first().pk} is not part of this comparison."
    ]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"body": "x" * (BODY_MAX_LENGTH + 1)}, "body"),
        ({"tags": [f"tag{n}" for n in range(MAX_TAGS + 1)]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"kind": "rant"}, "kind"),
        ({"visibility": "world"}, "visibility"),
        ({"kind": "question", "body": "  "}, "body"),
        ({"start": "three"}, "start"),
        ({"subjects": "all"}, "subjects"),
    ],
)
def test_bad_fields_get_field_messages(assignment, passage, student, change, field):
    response = api_client(student).post(
        LIST_URL, new_annotation(assignment, passage, **change), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert all(isinstance(message, str) for message in response.json()[field])


def test_missing_selectors_are_named(assignment, student):
    response = api_client(student).post(
        LIST_URL, {"assignment": assignment.pk, "body": "Hm"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"passage", "exact", "start", "end"}


def test_malformed_json_is_a_400(student):
    response = api_client(student).post(LIST_URL, "{nope", content_type="application/json")

    assert response.status_code == 400


def test_a_list_where_an_object_belongs_is_a_400(assignment, student, classmate):
    thread = AnnotationFactory(assignment=assignment, author=student)
    reply = AnnotationFactory(assignment=assignment, author=classmate, parent=thread)

    assert api_client(student).post(LIST_URL, [{}], format="json").status_code == 400
    assert api_client(classmate).patch(detail_url(reply), [{}], format="json").status_code == 400
    assert api_client(student).patch(detail_url(thread), ["x"], format="json").status_code == 400


# --- replying -----------------------------------------------------------------------


def test_a_reply_needs_only_a_body_and_takes_its_thread_place(assignment, student, classmate):
    thread = AnnotationFactory(assignment=assignment, author=student, visibility="teacher")
    teacher_client = api_client(assignment.classroom.teachers().get())

    response = teacher_client.post(LIST_URL, {"parent": thread.pk, "body": "Good."}, format="json")

    assert response.status_code == 201, response.json()
    reply = response.json()
    assert reply["parent"] == thread.pk
    assert reply["passage"] == thread.passage_id
    assert reply["visibility"] == "teacher"
    assert reply["exact"] == ""


def test_a_reply_to_a_reply_joins_the_thread(assignment, student, classmate):
    thread = AnnotationFactory(assignment=assignment, author=student)
    first = AnnotationFactory(assignment=assignment, author=classmate, parent=thread)

    response = api_client(student).post(
        LIST_URL, {"parent": first.pk, "body": "Agreed."}, format="json"
    )

    assert response.json()["parent"] == thread.pk


def test_replying_to_what_i_cannot_see_is_refused(assignment, student, classmate):
    private = AnnotationFactory(assignment=assignment, author=student, visibility="private")

    response = api_client(classmate).post(
        LIST_URL, {"parent": private.pk, "body": "Hi"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"parent": ["No such annotation."]}


def test_an_empty_reply_is_refused(assignment, student):
    thread = AnnotationFactory(assignment=assignment, author=student)

    response = api_client(student).post(LIST_URL, {"parent": thread.pk, "body": " "}, format="json")

    assert response.status_code == 400
    assert response.json() == {"body": ["Write something before sending a reply."]}


# --- changing and deleting ------------------------------------------------------------


def test_author_edits_body_tags_and_visibility_but_not_the_selectors(assignment, student):
    annotation = AnnotationFactory(assignment=assignment, author=student, tags=["old"])

    response = api_client(student).patch(
        detail_url(annotation),
        {"body": "Better.", "tags": ["New", "cult"], "visibility": "private", "exact": "x"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["body"] == "Better."
    assert response.json()["tags"] == ["cult", "new"]
    assert response.json()["visibility"] == "private"
    annotation.refresh_from_db()
    assert annotation.exact == "Paragraph"


def test_put_needs_every_editable_field(assignment, student):
    annotation = AnnotationFactory(assignment=assignment, author=student)

    response = api_client(student).put(detail_url(annotation), {"body": "x"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"kind", "subjects", "dimension", "tags", "visibility"}


def test_a_reply_is_edited_by_its_body_only(assignment, student, classmate):
    thread = AnnotationFactory(assignment=assignment, author=student)
    reply = AnnotationFactory(assignment=assignment, author=classmate, parent=thread)
    client = api_client(classmate)

    assert client.patch(detail_url(reply), {"body": "Edited"}, format="json").status_code == 200
    response = client.patch(detail_url(reply), {"kind": "question"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"kind": ["A reply has only a body."]}


@pytest.mark.parametrize(
    "role, status",
    [("classmate", 403), ("teacher", 403), ("outsider_student", 404), ("outsider_teacher", 404)],
)
def test_only_the_author_changes_it(request, assignment, student, role, status):
    """Deleting is the author's too, and a teacher's as moderation: see test_moderation_api."""
    annotation = AnnotationFactory(assignment=assignment, author=student, body="Mine")
    client = api_client(request.getfixturevalue(role))

    assert client.patch(detail_url(annotation), {"body": "Theirs"}, format="json").status_code == (
        status
    )
    annotation.refresh_from_db()
    assert annotation.body == "Mine"


def test_a_private_annotation_is_404_to_a_classmate_who_tries_to_change_it(
    assignment, student, classmate
):
    annotation = AnnotationFactory(assignment=assignment, author=student, visibility="private")

    response = api_client(classmate).patch(detail_url(annotation), {"body": "x"}, format="json")

    assert response.status_code == 404


def test_deleting_keeps_a_stub_when_there_are_replies(assignment, student, classmate):
    lonely = AnnotationFactory(assignment=assignment, author=student)
    answered = AnnotationFactory(assignment=assignment, author=student, tags=["cult"])
    AnnotationFactory(assignment=assignment, author=classmate, parent=answered)
    client = api_client(student)

    assert client.delete(detail_url(lonely)).status_code == 204
    assert client.delete(detail_url(answered)).status_code == 204

    assert not Annotation.objects.filter(pk=lonely.pk).exists()
    stub = client.get(detail_url(answered)).json()
    assert stub["is_deleted"] is True
    assert stub["body"] == ""
    assert stub["tags"] == []
    edit = client.patch(detail_url(answered), {"body": "Back"}, format="json")
    assert edit.status_code == 400


# --- filters --------------------------------------------------------------------------


def test_filters_narrow_the_list(assignment, student, classmate, comparison):
    stalin, khrushchev = comparison.subjects.all()
    leadership = comparison.dimensions.first()
    evidence = AnnotationFactory(
        assignment=assignment,
        author=student,
        kind="evidence",
        body="The purges",
        subjects=[stalin],
        dimension=leadership,
        tags=["terror"],
    )
    question = AnnotationFactory(
        assignment=assignment, author=classmate, kind="question", subjects=[khrushchev]
    )
    reply = AnnotationFactory(assignment=assignment, author=classmate, parent=evidence)
    client = api_client(student)

    def listed(query):
        response = client.get(LIST_URL + query)
        assert response.status_code == 200, response.json()
        return ids(response)

    assert listed("?kind=question") == [question.pk]
    assert listed(f"?subject={stalin.pk}") == [evidence.pk]
    assert listed(f"?dimension={leadership.pk}") == [evidence.pk]
    assert listed(f"?author={classmate.pk}") == [question.pk, reply.pk]
    assert listed("?tag=Terror") == [evidence.pk]
    assert listed("?q=purges") == [evidence.pk]
    assert listed(f"?parent={evidence.pk}") == [reply.pk]
    assert listed("?top_level=true") == [evidence.pk, question.pk]
    assert listed(f"?assignment={assignment.pk}&passage={evidence.passage_id}") == [
        evidence.pk,
        question.pk,
        reply.pk,
    ]
    assert listed("?assignment=&kind=") == [evidence.pk, question.pk, reply.pk]
    assert listed("?assignment=99999") == []


@pytest.mark.parametrize("query", ["?assignment=abc", "?kind=rant", "?top_level=maybe"])
def test_a_malformed_filter_is_a_400_naming_it(student, query):
    response = api_client(student).get(LIST_URL + query)

    assert response.status_code == 400
    assert list(response.json()) == [query[1:].split("=")[0]]


def test_the_browsable_api_renders_every_page(assignment, student, classmate):
    thread = AnnotationFactory(assignment=assignment, author=student)
    reply = AnnotationFactory(assignment=assignment, author=classmate, parent=thread)
    pages = [LIST_URL, detail_url(thread), f"{detail_url(thread)}replies/", detail_url(reply)]

    for client in (api_client(student), api_client(classmate)):
        for page in pages:
            response = client.get(page, HTTP_ACCEPT="text/html")
            assert response.status_code == 200, page


# --- authentication and CSRF ------------------------------------------------------------


def test_session_writes_need_the_csrf_token(assignment, passage, student):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(LIST_URL, new_annotation(assignment, passage), format="json")

    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_token_authentication_creates_without_csrf(assignment, passage, student):
    token = Token.objects.create(user=student)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post(LIST_URL, new_annotation(assignment, passage), format="json")

    assert response.status_code == 201


# --- query counts ----------------------------------------------------------------------


def fill_class(assignment, count):
    """`count` annotations by 40 students, each with a subject, two tags, and every tenth
    with a reply and a helpful mark, bulk-created so a thousand take a moment."""
    students = [UserFactory() for _ in range(40)]
    Membership.objects.bulk_create(
        Membership(user=user, classroom=assignment.classroom, role="student") for user in students
    )
    passage = Passage.objects.filter(section__comparison=assignment.comparison).first()
    annotations = Annotation.objects.bulk_create(
        AnnotationFactory.build(
            assignment=assignment,
            passage=passage,
            author=students[n % 40],
            visibility=("class", "teacher", "private")[n % 3],
        )
        for n in range(count)
    )
    subject = assignment.comparison.subjects.first()
    Annotation.subjects.through.objects.bulk_create(
        Annotation.subjects.through(annotation=a, subject=subject) for a in annotations
    )
    Tag.objects.bulk_create(
        Tag(annotation=a, name=name) for a in annotations for name in ("cult", "terror")
    )
    Annotation.objects.bulk_create(
        AnnotationFactory.build(
            assignment=assignment, passage=passage, author=students[0], parent=a
        )
        for a in annotations[::10]
    )
    Helpful.objects.bulk_create(Helpful(annotation=a, user=students[1]) for a in annotations[::10])


@pytest.mark.parametrize("count", [10, 1000])
def test_list_query_count_does_not_grow(django_assert_num_queries, assignment, teacher, count):
    fill_class(assignment, count)
    client = api_client(teacher)

    # session, user, my roles, count, the page (author joined, helpful and visible replies
    # counted in subqueries), subjects, tags
    with django_assert_num_queries(7):
        response = client.get(LIST_URL)
        rows = response.json()["results"]

    assert len(rows) == min(50, visible_annotations(teacher).count())
    assert all(row["subjects"] and row["tags"] for row in rows if row["parent"] is None)


@pytest.mark.parametrize("count", [10, 1000])
def test_export_query_count_does_not_grow(django_assert_num_queries, assignment, teacher, count):
    fill_class(assignment, count)
    client = api_client(teacher)

    # session, user, the assignment, my roles, annotations (author and dimension joined),
    # subjects, tags, links (author and dimension joined)
    with django_assert_num_queries(8):
        response = client.get(export_url(assignment))

    assert response.json()["total"] >= count * 2 // 3


@pytest.mark.parametrize("count", [10, 1000])
def test_create_query_count_does_not_grow(
    django_assert_num_queries, assignment, passage, student, count
):
    fill_class(assignment, count)
    client = api_client(student)

    # session, user, the assignment, my roles, the passage; the note (in a savepoint: two
    # more); then the row as the list shows it: the assignments where I must still think
    # first, the row, its subjects, its tags
    with django_assert_num_queries(12):
        response = client.post(LIST_URL, new_annotation(assignment, passage), format="json")

    assert response.status_code == 201


@pytest.mark.parametrize("count", [10, 1000])
def test_reply_query_count_does_not_grow(
    django_assert_num_queries, assignment, passage, student, classmate, teacher, count
):
    fill_class(assignment, count)
    thread = AnnotationFactory(assignment=assignment, passage=passage, author=classmate)
    AnnotationFactory(assignment=assignment, passage=passage, author=teacher, parent=thread)
    # The text is kept, as after the class's first reader (comparisons.reading): the
    # notifications name the paragraph.
    reading_for(Comparison.objects.get(pk=assignment.comparison_id))
    client = api_client(student)

    # session, user, the note with its assignment, my roles, whether I may see the note; the
    # reply (in a savepoint: two more); who hears of it with their memberships, whether each
    # may see it (one query), their notifications (one insert); then the row as the list
    # shows it: the assignments where I must still think first, the row, subjects, tags
    with django_assert_num_queries(15):
        response = client.post(LIST_URL, {"parent": thread.pk, "body": "Agreed."}, format="json")

    assert response.status_code == 201
    assert thread.replies.filter(body="Agreed.").exists()
