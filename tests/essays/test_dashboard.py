"""The class dashboard: figures against a hand-made class, the not-started and stuck lists,
a query count that does not grow with the class, and who may open it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation
from counterpoint.models import Membership
from essays import dashboard, feedback
from essays.models import FeedbackComment, Outline, Review
from tests.annotations.helpers import annotate
from tests.factories import (
    AnnotationFactory,
    AssignmentFactory,
    MembershipFactory,
    UserFactory,
    comparison_with_content,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def dashboard_url(classroom, **params):
    url = reverse("insights:class_dashboard", args=[classroom.pk])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def join(classroom, name):
    user = UserFactory(display_name=name)
    MembershipFactory(user=user, classroom=classroom, role=Membership.Role.STUDENT)
    return user


def outline_for(assignment, author, *moves, title="My outline"):
    outline = Outline.objects.create(assignment=assignment, author=author, title=title)
    for move in moves:
        outline = feedback.outline_transition(outline=outline, action=move)
    return outline


def draft_for(outline, *moves):
    draft = Outline.objects.create(
        assignment=outline.assignment,
        author=outline.author,
        title=outline.title,
        kind=Outline.Kind.DRAFT,
        source=outline,
    )
    for move in moves:
        draft = feedback.outline_transition(outline=draft, action=move)
    return draft


@pytest.fixture
def hand_made_class(classroom, assignment, teacher, student, classmate, cast):
    """Sam (student) is busy and submitted; Cleo (classmate) was returned and has left a
    comment open for five days; Pete annotated but has no outline a day before the due date;
    Nina did nothing; Ollie wrote only a private note. The teacher's own annotation and a
    former student's do not count."""
    assignment.due_at = timezone.now() + timedelta(days=1)
    assignment.save()
    p1, p2, p3, p4 = cast["passages"]
    stalin, khrushchev = cast["stalin"], cast["khrushchev"]
    leadership, foreign = cast["leadership"], cast["foreign"]
    pete, nina, ollie = (join(classroom, name) for name in ("Pete", "Nina", "Ollie"))

    annotate(assignment, student, passage=p1, subjects=[stalin], dimension=leadership)
    annotate(
        assignment,
        student,
        passage=p2,
        subjects=[stalin, khrushchev],
        dimension=foreign,
        visibility=Annotation.Visibility.TEACHER,
    )
    annotate(assignment, student, passage=p1, kind=Annotation.Kind.QUESTION)
    annotate(
        assignment,
        student,
        passage=p3,
        kind=Annotation.Kind.COMMENT,
        visibility=Annotation.Visibility.PRIVATE,
        subjects=[khrushchev],
        dimension=leadership,
    )
    annotate(assignment, student, passage=p3, is_deleted=True, subjects=[stalin])
    cleos = annotate(
        assignment,
        classmate,
        passage=p1,
        kind=Annotation.Kind.COMMENT,
        subjects=[khrushchev],
        dimension=leadership,
    )
    AnnotationFactory(parent=cleos, author=student, body="I agree")
    annotate(assignment, pete, passage=p4, subjects=[khrushchev], dimension=leadership)
    annotate(
        assignment,
        ollie,
        passage=p4,
        visibility=Annotation.Visibility.PRIVATE,
        subjects=[stalin],
        dimension=foreign,
    )
    annotate(assignment, teacher, passage=p1, subjects=[stalin], dimension=leadership)
    former = UserFactory(display_name="Former")
    annotate(assignment, former, passage=p1, subjects=[stalin], dimension=leadership)

    outline_for(assignment, student, title="Early draft")
    submitted = outline_for(assignment, student, "submit")
    criteria = list(feedback.rubric_for(assignment).criteria.all())
    feedback.score_set(outline=submitted, level=criteria[0].levels.get(points=4))
    feedback.score_set(outline=submitted, level=criteria[1].levels.get(points=3))

    returned = outline_for(assignment, classmate, "submit", "return")
    comment = feedback.comment_add(outline=returned, author=teacher, body="Which evidence?")
    five_days_ago = timezone.now() - timedelta(days=5)
    FeedbackComment.objects.filter(pk=comment.pk).update(created_at=five_days_ago)
    Review.objects.create(outline=returned, released_at=five_days_ago)
    return {"pete": pete, "nina": nina, "ollie": ollie, "submitted": submitted}


def by_name(figures):
    return {row.student.display_name: row for row in figures.students}


def test_per_student_figures_count_what_the_teacher_may_see(hand_made_class, assignment, teacher):
    rows = by_name(dashboard.figures(assignment, teacher))

    assert list(rows) == ["Cleo Classmate", "Nina", "Ollie", "Pete", "Sam Student"]
    sam = rows["Sam Student"]
    assert [(kind, count) for kind, _, count in sam.kinds] == [
        ("evidence", 2),
        ("question", 1),
        ("comment", 0),
    ]
    assert (sam.annotations, sam.dimensions, sam.subjects, sam.replies) == (3, 2, 2, 1)
    assert (sam.status, sam.score) == (Outline.Status.SUBMITTED, 7)
    cleo = rows["Cleo Classmate"]
    assert (cleo.annotations, cleo.dimensions, cleo.subjects, cleo.replies) == (1, 1, 1, 0)
    assert cleo.status == Outline.Status.RETURNED
    pete = rows["Pete"]
    assert (pete.annotations, pete.status, pete.score) == (1, dashboard.NO_OUTLINE, None)
    assert rows["Ollie"].annotations == 0  # a private note is the student's alone


def test_the_most_advanced_outline_is_the_one_reported(assignment, teacher, student):
    outline_for(assignment, student, "submit", "return", "submit", "accept", title="Final")
    outline_for(assignment, student, "submit", title="Second try")
    outline_for(assignment, student, title="Later draft")

    row = by_name(dashboard.figures(assignment, teacher))["Sam Student"]

    assert (row.status, row.outline.title) == (Outline.Status.ACCEPTED, "Final")


def test_paragraphs_are_shaded_by_how_much_the_class_annotated_them(
    hand_made_class, assignment, teacher
):
    figures = dashboard.figures(assignment, teacher)

    passages = [p for section in figures.sections for p in section.numbered_passages]
    assert [(p.number, p.count, p.level) for p in passages] == [
        (1, 3, 4),
        (2, 1, 2),
        (3, 0, 0),
        (4, 1, 2),
    ]
    assert figures.passage_legend == [(0, "0"), (2, "1"), (3, "2"), (4, "3")]


def test_matrix_cells_count_annotations_with_that_dimension_and_subject(
    hand_made_class, assignment, teacher
):
    figures = dashboard.figures(assignment, teacher)

    cells = {
        (dimension.name, cell.subject.name): (cell.count, cell.evidence, cell.level)
        for dimension, cells in figures.matrix
        for cell in cells
    }
    assert cells == {
        ("Leadership style", "Stalin"): (1, 1, 2),
        ("Leadership style", "Khrushchev"): (2, 1, 4),
        ("Foreign policy", "Stalin"): (1, 1, 2),
        ("Foreign policy", "Khrushchev"): (1, 1, 2),
    }


def test_not_started_and_stuck_lists(hand_made_class, assignment, teacher):
    figures = dashboard.figures(assignment, teacher)

    assert [row.student.display_name for row in figures.not_started] == ["Nina", "Ollie"]
    stuck = {row.student.display_name: row.stuck for row in figures.stuck}
    assert set(stuck) == {"Cleo Classmate", "Pete"}
    assert stuck["Cleo Classmate"] == "Returned, with a comment still open after 5 days."
    assert stuck["Pete"].startswith("Has annotations but no outline, which is due")


def test_annotating_without_an_outline_is_not_stuck_while_the_due_date_is_far(
    assignment, teacher, student
):
    assignment.due_at = timezone.now() + timedelta(days=3)
    assignment.save()
    annotate(assignment, student)

    assert dashboard.figures(assignment, teacher).stuck == []
    assert dashboard.figures(assignment, teacher, now=timezone.now() + timedelta(days=2)).stuck


def test_an_extension_moves_the_stuck_date(assignment, teacher, student):
    assignment.due_at = timezone.now() + timedelta(hours=12)
    assignment.save()
    assignment.extensions.create(student=student, due_at=timezone.now() + timedelta(days=10))
    annotate(assignment, student)

    assert dashboard.figures(assignment, teacher).stuck == []


def test_open_comments_count_from_when_the_student_could_see_them(assignment, teacher, student):
    outline = outline_for(assignment, student, "submit", "return")
    comment = feedback.comment_add(outline=outline, author=teacher, body="Say more.")
    FeedbackComment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(days=6)
    )
    assert dashboard.figures(assignment, teacher).stuck == []  # not released: the teacher's move

    Review.objects.create(outline=outline, released_at=timezone.now() - timedelta(days=1))
    assert dashboard.figures(assignment, teacher).stuck == []  # released yesterday

    FeedbackComment.objects.filter(pk=comment.pk).update(state=FeedbackComment.State.ADDRESSED)
    assert (
        dashboard.figures(assignment, teacher, now=timezone.now() + timedelta(days=9)).stuck == []
    )


def test_heat_levels_and_legend():
    assert [dashboard.heat_level(n, 8) for n in (0, 1, 2, 3, 4, 8)] == [0, 1, 1, 2, 2, 4]
    assert dashboard.heat_legend(8) == [(0, "0"), (1, "1–2"), (2, "3–4"), (3, "5–6"), (4, "7–8")]
    assert dashboard.heat_legend(0) == [(0, "0")]


# --- the page -----------------------------------------------------------------------------


def test_the_teacher_sees_the_headline_numbers_first_and_every_section(
    client, hand_made_class, classroom, assignment, teacher
):
    client.force_login(teacher)

    page = client.get(dashboard_url(classroom)).content.decode()

    not_started, stuck = page.index("not-started-heading"), page.index("stuck-heading")
    assert not_started < stuck < page.index("students-heading") < page.index("heat-heading")
    assert page.index("heat-heading") < page.index("matrix-heading")
    assert '<span class="big-number">2</span> not started' in page
    assert '<span class="big-number">2</span> stuck' in page
    assert 'class="heat-passage heat-4" id="heat-p1"' in page
    assert '<span class="heat-count">3<span class="visually-hidden"> annotations</span>' in page
    assert reverse("insights:gradebook", args=[assignment.pk]) in page
    assert reverse("insights:annotations", args=[assignment.pk]) in page
    assert reverse("essays:outline", args=[hand_made_class["submitted"].pk]) in page
    assert '7<span class="meta">/20</span>' in page


def test_with_htmx_only_the_dashboard_region_is_sent(
    client, hand_made_class, classroom, assignment, teacher
):
    other = AssignmentFactory(
        classroom=classroom, comparison=comparison_with_content(teacher), essay_prompt="Why?"
    )
    client.force_login(teacher)

    response = client.get(dashboard_url(classroom, assignment=other.pk), headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.strip().startswith('<div id="dashboard"')
    assert "<html" not in page
    assert f'href="?assignment={other.pk}" hx-get="?assignment={other.pk}" aria-current="page"' in (
        page
    )
    assert '<span class="big-number">5</span> not started' in page


def test_an_assignment_of_another_class_is_a_404(
    client, classroom, assignment, teacher, other_classroom, outsider_teacher
):
    elsewhere = AssignmentFactory(
        classroom=other_classroom, comparison=comparison_with_content(outsider_teacher)
    )
    client.force_login(teacher)

    assert client.get(dashboard_url(classroom, assignment=elsewhere.pk)).status_code == 404
    assert client.get(dashboard_url(classroom, assignment="x")).status_code == 404


def test_a_class_without_assignments_says_so(client, classroom, teacher):
    client.force_login(teacher)

    page = client.get(dashboard_url(classroom)).content.decode()

    assert "No assignments yet" in page


def test_a_student_of_the_class_gets_403(client, classroom, assignment, student):
    client.force_login(student)

    assert client.get(dashboard_url(classroom)).status_code == 403


@pytest.mark.parametrize("who", ["outsider_student", "outsider_teacher"])
def test_anyone_outside_the_class_gets_404(client, classroom, assignment, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(dashboard_url(classroom)).status_code == 404


def test_the_class_page_links_to_the_dashboard_for_teachers_only(
    client, classroom, teacher, student
):
    url = dashboard_url(classroom)
    client.force_login(teacher)
    assert url in client.get(reverse("classroom", args=[classroom.pk])).content.decode()

    client.force_login(student)
    assert url not in client.get(reverse("classroom", args=[classroom.pk])).content.decode()


@pytest.mark.parametrize("size", [5, 40])
def test_the_query_count_does_not_grow_with_the_class(
    client, classroom, assignment, teacher, cast, django_assert_num_queries, size
):
    criteria = list(feedback.rubric_for(assignment).criteria.all())
    for i in range(size):
        pupil = join(classroom, f"Pupil {i:02}")
        first = annotate(
            assignment,
            pupil,
            passage=cast["passages"][i % 4],
            subjects=[cast["stalin"]],
            dimension=cast["leadership"],
        )
        AnnotationFactory(parent=first, author=teacher)
        outline = outline_for(assignment, pupil, "submit")
        feedback.score_set(outline=outline, level=criteria[0].levels.first())
        feedback.comment_add(outline=outline, author=teacher, body="Good start.")
        draft = draft_for(outline, "submit")
        feedback.score_set(outline=draft, level=criteria[1].levels.first())
    client.force_login(teacher)

    # session, user, the class, the user's memberships (roles), the class's assignments;
    # figures: students, annotations per student, outlines and drafts (with score totals,
    # submissions, open comments and releases), extensions, rubric points, annotations per
    # paragraph, annotations per cell, the comparison, its subjects, dimensions, matrix cells,
    # sections, passages and passages' dimensions; the participation record: the reading goal,
    # counts per student, helpful marks received; the nav's open-flag count
    # + the navigation's unread count (notifications.context_processors)
    with django_assert_num_queries(24):
        response = client.get(dashboard_url(classroom))

    assert response.status_code == 200
    assert response.content.decode().count('<tr id="student-') == size


def test_each_students_draft_status_and_score_sit_beside_their_outline(
    client, classroom, assignment, teacher, student, classmate
):
    criteria = list(feedback.rubric_for(assignment).criteria.all())
    outline = outline_for(assignment, student, "submit", "accept")
    draft = draft_for(outline, "submit")
    feedback.score_set(outline=draft, level=criteria[0].levels.get(points=3))
    feedback.score_set(outline=draft, level=criteria[1].levels.get(points=2))
    outline_for(assignment, classmate)
    client.force_login(teacher)

    rows = by_name(dashboard.figures(assignment, teacher))
    page = client.get(dashboard_url(classroom)).content.decode()

    sam, cleo = rows["Sam Student"], rows["Cleo Classmate"]
    assert (sam.status_label, sam.draft_status_label, sam.draft_score) == (
        "Accepted",
        "Submitted",
        5,
    )
    assert (cleo.draft, cleo.draft_status_label, cleo.draft_score) == (None, "No draft", None)
    sams_row = page.split(f'<tr id="student-{student.pk}">', 1)[1].split("</tr>", 1)[0]
    assert f'href="{reverse("essays:draft", args=[draft.pk])}">Submitted</a>' in sams_row
    assert '5<span class="meta">/20</span>' in sams_row
    assert "Draft score" in page and "Essay drafts" in page
