"""Shaping a rubric: criteria and levels added, removed, renamed, reordered, points and
weights; fixed once anyone is scored; templates; the page (with and without htmx) and the
API, each for the class's teachers only."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from counterpoint.lib.errors import NotAllowed
from counterpoint.models import Membership
from essays import feedback, rubrics
from essays.models import Criterion, Level, Outline, RubricTemplate
from tests.factories import AssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def rubric_url(assignment):
    return reverse("essays:rubric", args=[assignment.pk])


def api_url(assignment):
    return f"/api/v1/assignments/{assignment.pk}/rubric/"


def names(rubric):
    return list(rubric.criteria.values_list("name", flat=True))


@pytest.fixture
def rubric(assignment):
    return feedback.rubric_for(assignment)


@pytest.fixture
def scored(assignment, student, rubric):
    """Grading has started: one student has one score."""
    outline = Outline.objects.create(assignment=assignment, author=student, title="Mine")
    feedback.score_set(outline=outline, level=rubric.criteria.first().levels.first())
    return outline


def form_data(rubric, **changes):
    """The rubric page's form as it stands, with `changes` (input name -> value) typed in."""
    data = {}
    for c in rubric.criteria.prefetch_related("levels"):
        data |= {
            f"criterion-{c.pk}-name": c.name,
            f"criterion-{c.pk}-description": c.description,
            f"criterion-{c.pk}-weight": str(c.weight),
        }
        for lv in c.levels.all():
            data |= {
                f"level-{lv.pk}-name": lv.name,
                f"level-{lv.pk}-description": lv.description,
                f"level-{lv.pk}-points": str(lv.points),
            }
    return data | changes


# --- the rules, in essays.rubrics --------------------------------------------------------


def test_a_criterion_is_added_at_the_end_with_levels_like_the_last_one(rubric):
    criterion = rubrics.criterion_add(rubric=rubric)

    assert names(rubric)[-1] == criterion.name == "Criterion 6"
    assert list(criterion.levels.values_list("points", flat=True)) == [4, 3, 2, 1]


def test_criteria_move_up_and_down_and_stay_at_the_ends(rubric):
    first, second, *_ = rubric.criteria.all()

    rubrics.criterion_move(criterion=second, step=-1)
    assert names(rubric)[:2] == [second.name, first.name]

    rubrics.criterion_move(criterion=second, step=-1)  # already first: stays
    assert names(rubric)[0] == second.name


def test_removing_a_criterion_closes_the_gap_but_the_last_one_stays(rubric):
    criteria = list(rubric.criteria.all())
    rubrics.criterion_remove(criterion=criteria[1])

    assert list(rubric.criteria.values_list("order", flat=True)) == [0, 1, 2, 3]
    for criterion in criteria[2:]:
        rubrics.criterion_remove(criterion=criterion)
    with pytest.raises(NotAllowed, match="at least one criterion"):
        rubrics.criterion_remove(criterion=criteria[0])


def test_levels_are_added_removed_and_reordered(rubric):
    criterion = rubric.criteria.first()
    added = rubrics.level_add(criterion=criterion)
    assert (added.name, added.points) == ("Level 5", 0)

    rubrics.level_move(level=added, step=-1)
    assert list(criterion.levels.values_list("name", flat=True))[-2:] == ["Level 5", "Beginning"]

    rubrics.level_remove(level=added)
    assert criterion.levels.count() == 4
    for level in list(criterion.levels.all())[1:]:
        rubrics.level_remove(level=level)
    with pytest.raises(NotAllowed, match="at least one level"):
        rubrics.level_remove(level=criterion.levels.get())


def test_names_points_and_weights_are_saved_together(rubric):
    criterion = rubric.criteria.first()
    level = criterion.levels.first()

    rubrics.rubric_update(
        rubric=rubric,
        criteria={criterion.pk: {"name": "Thesis", "weight": 3}},
        levels={level.pk: {"points": 10, "name": "Outstanding"}},
    )

    criterion.refresh_from_db()
    level.refresh_from_db()
    assert (criterion.name, criterion.weight) == ("Thesis", 3)
    assert (level.name, level.points) == ("Outstanding", 10)


def test_a_level_of_another_rubric_cannot_be_changed_through_this_one(rubric, classroom):
    elsewhere = feedback.rubric_for(AssignmentFactory(classroom=classroom))
    stranger = Level.objects.filter(criterion__rubric=elsewhere).first()

    with pytest.raises(NotAllowed):
        rubrics.rubric_update(rubric=rubric, criteria={}, levels={stranger.pk: {"points": 9}})

    stranger.refresh_from_db()
    assert stranger.points != 9


@pytest.mark.usefixtures("scored")
@pytest.mark.parametrize(
    "change",
    [
        lambda r: rubrics.criterion_add(rubric=r),
        lambda r: rubrics.criterion_remove(criterion=r.criteria.last()),
        lambda r: rubrics.criterion_move(criterion=r.criteria.last(), step=-1),
        lambda r: rubrics.level_add(criterion=r.criteria.first()),
        lambda r: rubrics.level_remove(level=r.criteria.first().levels.last()),
        lambda r: rubrics.level_move(level=r.criteria.first().levels.last(), step=-1),
        lambda r: rubrics.rubric_update(
            rubric=r, criteria={r.criteria.first().pk: {"weight": 2}}, levels={}
        ),
        lambda r: rubrics.rubric_replace(rubric=r, shape=rubrics.rubric_shape(r)[:1]),
    ],
)
def test_once_a_score_exists_every_change_is_refused(rubric, change):
    before = rubrics.rubric_shape(rubric)

    with pytest.raises(rubrics.RubricLocked):
        change(rubric)

    assert rubrics.rubric_shape(rubric) == before


def test_the_weighted_total_is_a_percentage_of_the_weighted_maximum(rubric):
    thesis, evidence, *rest = rubric.criteria.prefetch_related("levels")
    thesis.weight, evidence.weight = 3, 1
    for criterion in rest:
        criterion.weight = 0
    criteria = [thesis, evidence, *rest]

    # 100 × (4×3 + 2×1) / (4×3 + 4×1) = 87.5
    assert rubrics.weighted_total({thesis.pk: 4, evidence.pk: 2}, criteria) == Decimal("87.5")
    assert rubrics.weighted_total({}, criteria) is None


# --- templates ----------------------------------------------------------------------------


def test_a_rubric_saved_as_a_template_starts_another_assignments_rubric(rubric, classroom, teacher):
    rubrics.criterion_add(rubric=rubric, name="Use of sources")
    template = rubrics.template_save(rubric=rubric, owner=teacher, name="  Essay   rubric ")
    other = feedback.rubric_for(AssignmentFactory(classroom=classroom))

    rubrics.rubric_from_template(rubric=other, template=template, user=teacher)

    assert template.name == "Essay rubric"
    assert names(other) == names(rubric)
    assert rubrics.rubric_shape(other) == rubrics.rubric_shape(rubric)


def test_a_template_is_a_copy_that_later_edits_do_not_reach(rubric, teacher):
    template = rubrics.template_save(rubric=rubric, owner=teacher, name="Mine")
    rubrics.criterion_remove(criterion=rubric.criteria.first())

    template.refresh_from_db()
    assert len(template.criteria) == 5


def test_a_co_teacher_may_use_a_template_saved_from_their_class_and_nobody_else(
    rubric, classroom, teacher, outsider_teacher, other_classroom
):
    template = rubrics.template_save(rubric=rubric, owner=teacher, name="Shared")
    co_teacher = UserFactory()
    MembershipFactory(user=co_teacher, classroom=classroom, role=Membership.Role.TEACHER)

    assert list(rubrics.templates_for(co_teacher)) == [template]
    assert list(rubrics.templates_for(outsider_teacher)) == []
    theirs = feedback.rubric_for(AssignmentFactory(classroom=other_classroom))
    with pytest.raises(NotAllowed, match="not one of yours"):
        rubrics.rubric_from_template(rubric=theirs, template=template, user=outsider_teacher)


def test_a_template_needs_a_name(rubric, teacher):
    with pytest.raises(NotAllowed, match="name"):
        rubrics.template_save(rubric=rubric, owner=teacher, name="   ")


# --- the page -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("outsider_teacher", 404)])
def test_only_the_class_teachers_open_or_change_the_rubric(
    request, client, assignment, rubric, who, status
):
    client.force_login(request.getfixturevalue(who))
    criterion = rubric.criteria.first()

    assert client.get(rubric_url(assignment)).status_code == status
    response = client.post(rubric_url(assignment), {"op": f"criterion-remove:{criterion.pk}"})
    assert response.status_code == status
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_without_javascript_each_button_saves_what_was_typed_then_does_its_job(
    client, assignment, rubric, teacher
):
    first, second, *_ = rubric.criteria.all()
    client.force_login(teacher)

    response = client.post(
        rubric_url(assignment),
        form_data(
            rubric,
            **{f"criterion-{second.pk}-name": "Sources", f"criterion-{second.pk}-weight": "2"},
            op=f"criterion-up:{second.pk}",
        ),
    )

    assert response.status_code == 302
    assert names(rubric)[:2] == ["Sources", first.name]
    assert rubric.criteria.get(pk=second.pk).weight == 2
    page = client.get(response["Location"]).content.decode()
    assert "Moved Sources up." in page


def test_with_htmx_the_editor_comes_back_in_place_and_is_announced(
    client, assignment, rubric, teacher
):
    client.force_login(teacher)

    response = client.post(
        rubric_url(assignment), form_data(rubric, op="criterion-add"), headers=HTMX
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('\n<div id="rubric-editor"') or page.lstrip().startswith(
        '<div id="rubric-editor"'
    )
    assert "<html" not in page
    assert "Criterion 6" in page
    assert "Added Criterion 6." in response["HX-Trigger"]


def test_a_blank_name_is_refused_beside_its_field_and_nothing_is_saved(
    client, assignment, rubric, teacher
):
    criterion = rubric.criteria.first()
    level = criterion.levels.first()
    client.force_login(teacher)

    response = client.post(
        rubric_url(assignment),
        form_data(
            rubric,
            **{f"criterion-{criterion.pk}-name": " ", f"level-{level.pk}-points": "7"},
            op="save",
        ),
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Give the criterion a name." in page
    assert f'aria-describedby="c{criterion.pk}-error"' in page
    level.refresh_from_db()
    assert level.points == 4


def test_the_page_refuses_changes_once_grading_started_and_says_why(
    client, assignment, rubric, teacher, scored
):
    client.force_login(teacher)
    criterion = rubric.criteria.first()

    page = client.get(rubric_url(assignment)).content.decode()
    assert "Grading has started" in page
    assert "Remove criterion" not in page
    response = client.post(
        rubric_url(assignment), form_data(rubric, op=f"criterion-remove:{criterion.pk}")
    )

    assert response.status_code == 409
    assert "Grading has started" in response.content.decode()
    assert rubric.criteria.count() == 5


def test_templates_are_saved_and_used_from_the_page(client, assignment, rubric, teacher, classroom):
    client.force_login(teacher)
    rubrics.criterion_remove(criterion=rubric.criteria.last())
    client.post(reverse("essays:rubric_template_save", args=[assignment.pk]), {"name": "Four"})
    template = RubricTemplate.objects.get()
    later = AssignmentFactory(classroom=classroom)

    response = client.post(
        reverse("essays:rubric_template_use", args=[later.pk]), {"template": template.pk}
    )

    assert response.status_code == 302
    assert feedback.rubric_for(later).criteria.count() == 4


def test_someone_elses_template_is_not_found(client, assignment, rubric, outsider_teacher, teacher):
    theirs = RubricTemplate.objects.create(owner=outsider_teacher, name="Theirs", criteria=[])
    client.force_login(teacher)

    response = client.post(
        reverse("essays:rubric_template_use", args=[assignment.pk]), {"template": theirs.pk}
    )

    assert response.status_code == 404
    assert rubric.criteria.count() == 5


def test_the_rubric_form_keeps_csrf_protection(assignment, rubric, teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = client.post(rubric_url(assignment), form_data(rubric, op="criterion-add"))

    assert response.status_code == 403
    assert rubric.criteria.count() == 5


# --- the API ------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


SHAPE = [
    {
        "name": "Argument",
        "description": "A clear thesis.",
        "weight": 2,
        "levels": [{"name": "Strong", "points": 5}, {"name": "Weak", "points": 1}],
    },
    {"name": "Evidence", "levels": [{"name": "Enough", "points": 3}]},
]


def test_the_api_reads_the_rubric_in_order_with_weights(api, assignment, rubric, teacher):
    api.force_authenticate(teacher)

    body = api.get(api_url(assignment)).json()

    assert [c["name"] for c in body["criteria"]] == names(rubric)
    assert body["criteria"][0]["weight"] == 1
    assert [lv["points"] for lv in body["criteria"][0]["levels"]] == [4, 3, 2, 1]
    assert body["locked"] is False
    assert body["max_points"] == 20


def test_the_api_replaces_the_rubric(api, assignment, rubric, teacher):
    api.force_authenticate(teacher)

    response = api.put(api_url(assignment), {"criteria": SHAPE}, format="json")

    assert response.status_code == 200
    assert names(rubric) == ["Argument", "Evidence"]
    assert response.json()["max_points"] == 8
    assert rubric.criteria.get(name="Argument").weight == 2


def test_the_api_starts_from_a_template(api, assignment, rubric, teacher):
    template = RubricTemplate.objects.create(owner=teacher, name="T", criteria=SHAPE)
    api.force_authenticate(teacher)

    response = api.put(api_url(assignment), {"template": template.pk}, format="json")

    assert response.status_code == 200
    assert names(rubric) == ["Argument", "Evidence"]


@pytest.mark.parametrize(
    "payload",
    [
        {"criteria": []},
        {"criteria": [{"name": "No levels", "levels": []}]},
        {"criteria": [{"name": "Too many", "levels": [{"name": "x", "points": 101}]}]},
        {"criteria": [{"name": "", "levels": [{"name": "x", "points": 1}]}]},
        {},
    ],
)
def test_the_api_answers_bad_shapes_with_400(api, assignment, rubric, teacher, payload):
    api.force_authenticate(teacher)

    response = api.put(api_url(assignment), payload, format="json")

    assert response.status_code == 400
    assert rubric.criteria.count() == 5


def test_the_api_answers_409_once_grading_started(api, assignment, rubric, teacher, scored):
    api.force_authenticate(teacher)

    response = api.put(api_url(assignment), {"criteria": SHAPE}, format="json")

    assert response.status_code == 409
    assert "Grading has started" in response.json()["detail"]
    assert api.get(api_url(assignment)).json()["locked"] is True
    assert rubric.criteria.count() == 5


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("outsider_teacher", 404)])
def test_the_api_is_for_the_class_teachers_only(request, api, assignment, rubric, who, status):
    api.force_authenticate(request.getfixturevalue(who))

    assert api.get(api_url(assignment)).status_code == status
    assert api.put(api_url(assignment), {"criteria": SHAPE}, format="json").status_code == status
    assert rubric.criteria.count() == 5


def test_the_review_page_names_a_weighted_criterions_weight(client, assignment, rubric, teacher):
    outline = Outline.objects.create(assignment=assignment, author=teacher, title="Any")
    criterion = rubric.criteria.first()
    rubrics.rubric_update(rubric=rubric, criteria={criterion.pk: {"weight": 3}}, levels={})
    client.force_login(teacher)

    page = client.get(reverse("essays:review", args=[outline.pk])).content.decode()

    assert f'{criterion.name} <span class="meta">(weight 3)</span>' in page
