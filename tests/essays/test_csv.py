"""CSV exports: the gradebook and the annotations of an assignment, for teachers. Content,
the byte-order mark, formula injection, lateness against extensions, no private notes."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.models import Annotation
from counterpoint.models import Membership
from essays import csv_exports, feedback
from essays.models import Outline, Revision
from tests.annotations.helpers import annotate
from tests.factories import AnnotationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


def gradebook_url(assignment):
    return reverse("insights:gradebook", args=[assignment.pk])


def annotations_url(assignment):
    return reverse("insights:annotations", args=[assignment.pk])


def api_gradebook_url(assignment):
    return f"/api/v1/assignments/{assignment.pk}/gradebook.csv"


def read(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def submitted(assignment, author, *moves, at=None):
    outline = Outline.objects.create(assignment=assignment, author=author, title="Outline")
    for move in moves:
        outline = feedback.outline_transition(outline=outline, action=move)
    if at is not None:
        Revision.objects.filter(outline=outline).update(submitted_at=at)
    return outline


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2", "'-2"),
        ("+3", "'+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain words", "Plain words"),
        ("a=b", "a=b"),
        (7, "7"),
        (None, ""),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(value, cell):
    assert csv_exports.neutralise(value) == cell


def test_the_file_is_utf8_with_a_bom_and_injection_is_neutralised_in_the_file():
    body = csv_exports.to_csv([["Name", "Note"], ["Zoë", '=HYPERLINK("http://x")']])

    assert body.startswith(BOM)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["Name", "Note"], ["Zoë", '\'=HYPERLINK("http://x")']]


# --- the gradebook ------------------------------------------------------------------------


@pytest.fixture
def graded(classroom, assignment, teacher, student, classmate):
    """Due two days ago. Sam submitted yesterday with an extension to tomorrow (on time)
    and was scored 4 + 2; Cleo submitted yesterday without one (late); Nina never
    submitted (overdue); "=cmd" is a student whose chosen name is a formula."""
    yesterday = timezone.now() - timedelta(days=1)
    assignment.due_at = timezone.now() - timedelta(days=2)
    assignment.save()
    assignment.extensions.create(student=student, due_at=timezone.now() + timedelta(days=1))
    sams = submitted(assignment, student, "submit", at=yesterday)
    criteria = list(feedback.rubric_for(assignment).criteria.all())
    feedback.score_set(outline=sams, level=criteria[0].levels.get(points=4))
    feedback.score_set(outline=sams, level=criteria[2].levels.get(points=2))
    submitted(assignment, classmate, "submit", at=yesterday)
    for name in ("Nina", "=cmd"):
        MembershipFactory(
            user=UserFactory(display_name=name),
            classroom=classroom,
            role=Membership.Role.STUDENT,
        )
    return {"yesterday": yesterday, "criteria": criteria}


def test_the_gradebook_has_a_row_per_student_and_a_column_per_criterion(
    client, graded, assignment, teacher
):
    client.force_login(teacher)

    response = client.get(gradebook_url(assignment))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "gradebook.csv" in response["Content-Disposition"]
    header, *rows = read(response)
    names = [c.name for c in graded["criteria"]]
    assert header == [
        "Student",
        *("Outline status", "Outline submitted at", "Outline late"),
        *(f"Outline: {name}" for name in names),
        "Outline total",
        "Outline weighted %",
        *("Draft status", "Draft submitted at", "Draft late"),
        *(f"Draft: {name}" for name in names),
        "Draft total",
        "Draft weighted %",
        "Evidence notes",
        "Questions",
        "Comments",
        "Replies to classmates",
        "Helpful marks received",
    ]
    when = timezone.localtime(graded["yesterday"]).strftime("%Y-%m-%d %H:%M")
    no_draft = ["No draft", "", "overdue", "", "", "", "", "", "", ""]
    not_yet_due = ["No draft", "", "", "", "", "", "", "", "", ""]  # Sam has an extension
    none = ["0", "0", "0", "0", "0"]  # nobody has annotated
    blank = ["", "", "", "", "", "", ""]
    assert rows == [
        ["'=cmd", "No outline", "", "overdue", *blank, *no_draft, *none],
        ["Cleo Classmate", "Submitted", when, "yes", *blank, *no_draft, *none],
        ["Nina", "No outline", "", "overdue", *blank, *no_draft, *none],
        # 6 of the 20 points the five equally weighted criteria can give: 30%
        ["Sam Student", "Submitted", when, "no", "4", "", "2", "", "", "6", "30.0"]
        + [*not_yet_due, *none],
    ]


def test_an_extension_given_after_submitting_makes_it_on_time(graded, assignment, classmate):
    assignment.extensions.create(student=classmate, due_at=timezone.now())

    rows = {row[0]: row for row in csv_exports.gradebook_rows(assignment)}

    assert rows["Cleo Classmate"][3] == "no"


def test_a_student_not_yet_due_is_not_marked_late(assignment, student):
    assignment.due_at = timezone.now() + timedelta(days=3)
    assignment.save()

    rows = {row[0]: row for row in csv_exports.gradebook_rows(assignment)}

    assert rows["Sam Student"][1:4] == ["No outline", "", ""]


def test_a_returned_and_resubmitted_outline_keeps_its_first_submission_time(assignment, student):
    assignment.due_at = timezone.now() + timedelta(days=3)
    assignment.save()
    submitted(assignment, student, "submit", "return", "submit")

    rows = {row[0]: row for row in csv_exports.gradebook_rows(assignment)}

    assert rows["Sam Student"][1] == "Resubmitted"
    assert rows["Sam Student"][3] == "no"


def test_the_api_serves_the_same_gradebook(graded, assignment, teacher):
    api = APIClient()
    api.force_login(teacher)

    response = api.get(api_gradebook_url(assignment), HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert read(response) == [
        [csv_exports.neutralise(cell) for cell in row]
        for row in csv_exports.gradebook_rows(assignment)
    ]


def test_the_gradebook_query_count_is_fixed(
    client, graded, assignment, teacher, django_assert_num_queries
):
    client.force_login(teacher)

    # session, user, the assignment, the user's memberships (roles), the rubric,
    # its criteria, their levels, students, outlines, extensions, scores, the reading goal,
    # participation counts, helpful marks received
    with django_assert_num_queries(14):
        client.get(gradebook_url(assignment))


def test_drafts_have_their_own_columns_and_scores(assignment, student):
    assignment.due_at = timezone.now() + timedelta(days=3)
    assignment.save()
    outline = submitted(assignment, student, "submit", "accept")
    draft = Outline.objects.create(
        assignment=assignment, author=student, title="Draft", kind="draft", source=outline
    )
    draft = feedback.outline_transition(outline=draft, action="submit")
    criteria = list(feedback.rubric_for(assignment).criteria.all())
    feedback.score_set(outline=draft, level=criteria[4].levels.get(points=3))

    header, row = csv_exports.gradebook_rows(assignment)
    cells = dict(zip(header, row, strict=True))

    assert cells["Outline status"] == "Accepted" and cells["Outline total"] == ""
    assert cells["Draft status"] == "Submitted" and cells["Draft late"] == "no"
    assert cells[f"Draft: {criteria[4].name}"] == 3 and cells["Draft total"] == 3


@pytest.mark.parametrize(
    ("steps", "kinds"),
    [("outline", ["Outline"]), ("draft", ["Draft"]), ("outline_then_draft", ["Outline", "Draft"])],
)
def test_the_columns_follow_what_the_assignment_asks_for(assignment, steps, kinds):
    assignment.steps = steps
    assignment.save()

    header = csv_exports.gradebook_rows(assignment)[0]

    assert [name.removesuffix(" status") for name in header if name.endswith(" status")] == kinds


@pytest.mark.parametrize("size", [3, 30])
def test_the_gradebook_query_count_does_not_grow_with_outlines_and_drafts(
    client, classroom, assignment, teacher, django_assert_num_queries, size
):
    criteria = list(feedback.rubric_for(assignment).criteria.all())
    for i in range(size):
        pupil = UserFactory(display_name=f"Pupil {i:02}")
        MembershipFactory(user=pupil, classroom=classroom, role=Membership.Role.STUDENT)
        outline = submitted(assignment, pupil, "submit")
        feedback.score_set(outline=outline, level=criteria[0].levels.first())
        draft = Outline.objects.create(
            assignment=assignment, author=pupil, title="Draft", kind="draft", source=outline
        )
        feedback.outline_transition(outline=draft, action="submit")
        feedback.score_set(outline=draft, level=criteria[1].levels.first())
    client.force_login(teacher)

    # session, user, the assignment, the user's memberships (roles), the rubric,
    # its criteria, their levels, students, outlines and drafts, extensions, scores, the
    # reading goal, participation counts, helpful marks received
    with django_assert_num_queries(14):
        response = client.get(gradebook_url(assignment))

    assert len(read(response)) == size + 1


# --- the annotations ----------------------------------------------------------------------


@pytest.fixture
def annotated(assignment, teacher, student, classmate):
    comparison = assignment.comparison
    stalin, khrushchev = comparison.subjects.order_by("order")
    leadership = comparison.dimensions.order_by("order").first()
    passages = [p for s in comparison.sections.order_by("order") for p in s.passages.all()]
    shared = annotate(
        assignment,
        student,
        passage=passages[2],
        quote="Paragraph 2.1",
        body="=1+1",
        subjects=[stalin, khrushchev],
        dimension=leadership,
    )
    shared.tags.create(name="fear")
    shared.tags.create(name="terror")
    AnnotationFactory(parent=shared, author=classmate, body="Yes")
    AnnotationFactory(parent=shared, author=teacher, body="Good", is_private_reply=True)
    AnnotationFactory(parent=shared, author=classmate, body="gone", is_deleted=True)
    annotate(
        assignment,
        classmate,
        passage=passages[0],
        body="@SUM(A1)",
        kind=Annotation.Kind.QUESTION,
        visibility=Annotation.Visibility.TEACHER,
    )
    annotate(assignment, student, body="My secret", visibility=Annotation.Visibility.PRIVATE)
    annotate(assignment, teacher, body="Teacher's own", visibility=Annotation.Visibility.PRIVATE)
    annotate(assignment, classmate, body="Deleted stub", is_deleted=True)
    return shared


def test_the_annotations_file_lists_what_the_teacher_sees_in_text_order(
    client, annotated, assignment, teacher
):
    client.force_login(teacher)

    header, *rows = read(client.get(annotations_url(assignment)))

    assert header == [
        "Author",
        "Kind",
        "Subjects",
        "Dimension",
        "Paragraph",
        "Quote",
        "Note",
        "Tags",
        "Visibility",
        "Hidden",
        "Created",
        "Replies",
    ]
    created = timezone.localtime(annotated.created_at).strftime("%Y-%m-%d %H:%M")
    assert [row[:10] + row[11:] for row in rows] == [
        [
            "Cleo Classmate",
            "Question",
            "",
            "",
            "1",
            "Paragraph",
            "'@SUM(A1)",
            "",
            "My teacher",
            "",
            "0",
        ],
        [
            "Sam Student",
            "Evidence",
            "Stalin; Khrushchev",
            "Leadership style",
            "3",
            "Paragraph 2.1",
            "'=1+1",
            "fear; terror",
            "My class",
            "",
            "1",
        ],
    ]
    assert rows[1][10] == created


def test_no_private_annotation_reaches_the_file(client, annotated, assignment, teacher):
    client.force_login(teacher)

    body = client.get(annotations_url(assignment)).content.decode("utf-8-sig")

    assert "My secret" not in body
    assert "Teacher's own" not in body
    assert "Deleted stub" not in body


def test_the_annotations_query_count_is_fixed(
    client, annotated, assignment, teacher, django_assert_num_queries
):
    client.force_login(teacher)

    # session, user, the assignment, the user's memberships (roles), passages,
    # annotations with reply counts, their subjects, their tags
    with django_assert_num_queries(8):
        client.get(annotations_url(assignment))


# --- who may download ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [gradebook_url, annotations_url, api_gradebook_url])
def test_a_student_of_the_class_gets_403(url, assignment, student):
    api = APIClient()
    api.force_login(student)

    assert api.get(url(assignment)).status_code == 403


@pytest.mark.parametrize("url", [gradebook_url, annotations_url, api_gradebook_url])
@pytest.mark.parametrize("who", ["outsider_student", "outsider_teacher"])
def test_anyone_outside_the_class_gets_404(url, who, assignment, request):
    api = APIClient()
    api.force_login(request.getfixturevalue(who))

    assert api.get(url(assignment)).status_code == 404
