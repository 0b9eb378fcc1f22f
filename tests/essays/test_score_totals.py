"""One score everywhere: a total is summed in one place (`Outline.objects.with_score_total`)
and the submissions page, the review page, the class dashboard, the gradebook (page and API)
and the outlines API all show it, however often the work was returned and resubmitted."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from essays import dashboard, feedback
from essays.models import Outline
from essays.services import draft_create

pytestmark = pytest.mark.django_db

# Points per criterion of the default rubric (4, 3, 2 or 1 each, out of 20): 15 in all.
FIFTEEN = [4, 4, 3, 2, 2]


def score(client, outline, points):
    for criterion, wanted in zip(
        feedback.rubric_for(outline.assignment).criteria.all(), points, strict=True
    ):
        level = criterion.levels.get(points=wanted)
        client.post(reverse("essays:review_score", args=[outline.pk]), {"level": level.pk})


def decide(client, outline, action):
    client.post(reverse("essays:review_decide", args=[outline.pk]), {"action": action})


def submit(client, outline):
    client.post(reverse("essays:submit", args=[outline.pk]), {"confirm": "1"})


@pytest.fixture
def resubmitted(client, assignment, teacher, student):
    """Sam's outline and essay draft, each scored 15/20, then returned and resubmitted three
    times (each resubmission is another revision), then accepted."""
    outline = Outline.objects.create(assignment=assignment, author=student, title="Outline")
    draft = draft_create(outline=Outline.objects.for_editor().get(pk=outline.pk), author=student)
    for work in (outline, draft):
        client.force_login(student)
        submit(client, work)
        client.force_login(teacher)
        score(client, work, FIFTEEN)
        for _ in range(3):
            client.force_login(teacher)
            decide(client, work, "return")
            client.force_login(student)
            submit(client, work)
        client.force_login(teacher)
        decide(client, work, "accept")
    outline.refresh_from_db()
    draft.refresh_from_db()
    assert outline.revisions.count() == draft.revisions.count() == 4
    assert outline.status == draft.status == Outline.Status.ACCEPTED
    return outline, draft


def test_a_total_is_summed_once_whatever_else_the_query_joins(resubmitted):
    outline, _ = resubmitted

    totals = Outline.objects.with_score_total().filter(pk=outline.pk)

    assert totals.get().score_total == 15
    # The bug: a Sum over scores next to an aggregate over revisions counted each score once
    # per revision. With the total in a subquery, joining revisions changes nothing.
    from django.db.models import Count

    assert totals.annotate(revision_count=Count("revisions")).get().score_total == 15


def test_an_unscored_outline_has_no_total(assignment, student):
    outline = Outline.objects.create(assignment=assignment, author=student, title="Outline")

    assert Outline.objects.with_score_total().get(pk=outline.pk).score_total is None


def test_the_submissions_page_shows_the_score_once_after_resubmissions(
    client, resubmitted, assignment, teacher
):
    client.force_login(teacher)

    page = client.get(reverse("essays:submissions", args=[assignment.pk])).content.decode()

    assert page.count("15/20") == 2  # the outline's and the draft's
    assert "30/20" not in page and "60/20" not in page


def test_the_review_page_shows_the_same_total(client, resubmitted, teacher):
    outline, draft = resubmitted
    client.force_login(teacher)

    for work in (outline, draft):
        page = client.get(reverse("essays:review", args=[work.pk])).content.decode()
        assert '<span class="meta">15/20</span>' in page


def test_the_dashboard_shows_the_same_total(client, resubmitted, classroom, assignment, teacher):
    client.force_login(teacher)

    figures = dashboard.figures(assignment, teacher)
    response = client.get(reverse("insights:class_dashboard", args=[classroom.pk]))

    (row,) = figures.students
    assert (row.score, row.draft_score) == (15, 15)
    assert response.content.decode().count('15<span class="meta">/20</span>') == 2


def test_the_gradebook_shows_the_same_total_on_the_page_and_in_the_api(
    client, resubmitted, assignment, teacher
):
    client.force_login(teacher)
    api = APIClient()
    api.force_login(teacher)

    criteria = list(feedback.rubric_for(assignment).criteria.all())
    for response in (
        client.get(reverse("insights:gradebook", args=[assignment.pk])),
        api.get(f"/api/v1/assignments/{assignment.pk}/gradebook.csv"),
    ):
        (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        for work in ("Outline", "Draft"):
            assert row[f"{work} total"] == "15"
            assert [int(row[f"{work}: {c.name}"]) for c in criteria] == FIFTEEN


def test_the_api_gives_the_class_teachers_the_same_total(resubmitted, teacher, student):
    outline, draft = resubmitted
    teachers, author = APIClient(), APIClient()
    teachers.force_login(teacher)
    author.force_login(student)

    assert teachers.get(f"/api/v1/outlines/{outline.pk}/").json()["score_total"] == 15
    assert teachers.get(f"/api/v1/drafts/{draft.pk}/").json()["score_total"] == 15
    listed = teachers.get("/api/v1/outlines/").json()["results"]
    assert [row["score_total"] for row in listed] == [15]
    assert teachers.get("/api/v1/drafts/").json()["results"][0]["score_total"] == 15
    # The author reads their scores from scores/ once released, never a total before that.
    assert author.get(f"/api/v1/outlines/{outline.pk}/").json()["score_total"] is None
