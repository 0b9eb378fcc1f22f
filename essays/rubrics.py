"""Shaping an assignment's rubric: criteria and levels added, removed, renamed, reordered,
points per level and a weight per criterion; rubric templates to start from.

Every change goes through one of these functions, for the rubric page and the API alike.
The rule they all share: a rubric is fixed once grading has started (any score exists),
because a score names a level and its points; changing them under a score would change a
grade the teacher already gave. Checking shape (a whole number, a name not too long) is the
form's or serializer's work; these raise domain errors for the rules.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q

from counterpoint import permissions
from counterpoint.lib.errors import NotAllowed
from counterpoint.lib.ordering import moved, save_order
from essays.feedback import rubric_for
from essays.models import Criterion, Level, Rubric, RubricTemplate, Score

MAX_CRITERIA = 12
MAX_LEVELS = 8
MAX_POINTS = 100
MAX_WEIGHT = 10
MAX_TEMPLATES = 50  # per teacher: a list to choose from, not an archive

LOCKED = (
    "Grading has started, so the rubric is fixed: students' scores use it as it is. "
    "It can change again only if no one has been scored."
)


class RubricLocked(NotAllowed):
    """The rubric cannot change: someone has been scored with it (the API answers 409)."""

    status = 409


def is_locked(rubric: Rubric) -> bool:
    return Score.objects.filter(criterion__rubric=rubric).exists()


def _editable(rubric: Rubric) -> Rubric:
    """The rubric row, locked for this transaction, if no score uses it yet. Scoring takes
    the same row lock (essays.feedback.score_set), so a score cannot slip in between this
    check and the change."""
    row = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if is_locked(row):
        raise RubricLocked(LOCKED)
    return row


def for_editing(assignment) -> Rubric:
    """The assignment's rubric (made from the default the first time) with its criteria and
    levels, in three queries."""
    rubric = rubric_for(assignment)
    return Rubric.objects.prefetch_related("criteria__levels").get(pk=rubric.pk)


# --- the rubric's own rows ----------------------------------------------------------------


@transaction.atomic
def rubric_update(*, rubric: Rubric, criteria: dict, levels: dict) -> None:
    """Save names, descriptions, weights and points. `criteria` maps a criterion id to any of
    name, description, weight; `levels` maps a level id to any of name, description, points.
    An id from another rubric is refused."""
    _editable(rubric)
    own_criteria = {c.pk: c for c in rubric.criteria.all()}
    own_levels = {lv.pk: lv for lv in Level.objects.filter(criterion__rubric=rubric)}
    strangers = set(criteria) - set(own_criteria) or set(levels) - set(own_levels)
    if strangers:
        raise NotAllowed("That criterion or level is not part of this rubric.")
    for pk, values in criteria.items():
        row = own_criteria[pk]
        for name, value in values.items():
            setattr(row, name, value)
    for pk, values in levels.items():
        row = own_levels[pk]
        for name, value in values.items():
            setattr(row, name, value)
    Criterion.objects.bulk_update(own_criteria.values(), ["name", "description", "weight"])
    Level.objects.bulk_update(own_levels.values(), ["name", "description", "points"])


@transaction.atomic
def criterion_add(*, rubric: Rubric, name: str = "") -> Criterion:
    """A new criterion at the end, with levels named and pointed like the last criterion's
    (or four levels, 4 down to 1), ready to be renamed."""
    _editable(rubric)
    existing = list(rubric.criteria.prefetch_related("levels"))
    if len(existing) >= MAX_CRITERIA:
        raise NotAllowed(f"A rubric has at most {MAX_CRITERIA} criteria.")
    shape = (
        [(lv.name, lv.points) for lv in existing[-1].levels.all()]
        if existing
        else [("Excellent", 4), ("Good", 3), ("Developing", 2), ("Beginning", 1)]
    )
    criterion = Criterion.objects.create(
        rubric=rubric,
        name=(name or f"Criterion {len(existing) + 1}")[:100],
        order=len(existing),
    )
    Level.objects.bulk_create(
        [
            Level(criterion=criterion, name=level, points=points, order=i)
            for i, (level, points) in enumerate(shape)
        ]
    )
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion) -> None:
    rubric = _editable(criterion.rubric)
    if rubric.criteria.count() <= 1:
        raise NotAllowed("A rubric needs at least one criterion.")
    criterion.delete()
    save_order(rubric.criteria.all(), list(rubric.criteria.values_list("pk", flat=True)))


@transaction.atomic
def criterion_move(*, criterion: Criterion, step: int) -> None:
    """Up (step -1) or down (+1) one place; at an end it stays."""
    rubric = _editable(criterion.rubric)
    ids = list(rubric.criteria.values_list("pk", flat=True))
    save_order(rubric.criteria.all(), moved(ids, criterion.pk, step))


@transaction.atomic
def level_add(*, criterion: Criterion) -> Level:
    """A new level at the bottom, worth one point less than the lowest (never below 0)."""
    _editable(criterion.rubric)
    existing = list(criterion.levels.all())
    if len(existing) >= MAX_LEVELS:
        raise NotAllowed(f"A criterion has at most {MAX_LEVELS} levels.")
    lowest = min((lv.points for lv in existing), default=1)
    return Level.objects.create(
        criterion=criterion,
        name=f"Level {len(existing) + 1}",
        points=max(0, lowest - 1),
        order=len(existing),
    )


@transaction.atomic
def level_remove(*, level: Level) -> None:
    criterion = level.criterion
    _editable(criterion.rubric)
    if criterion.levels.count() <= 1:
        raise NotAllowed(f"“{criterion.name}” needs at least one level.")
    level.delete()
    save_order(criterion.levels.all(), list(criterion.levels.values_list("pk", flat=True)))


@transaction.atomic
def level_move(*, level: Level, step: int) -> None:
    criterion = level.criterion
    _editable(criterion.rubric)
    ids = list(criterion.levels.values_list("pk", flat=True))
    save_order(criterion.levels.all(), moved(ids, level.pk, step))


# --- the rubric as plain data, and templates ----------------------------------------------


def rubric_shape(rubric: Rubric) -> list[dict]:
    """The rubric as plain data: what a template keeps and what the API reads and writes."""
    return [
        {
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "levels": [
                {"name": lv.name, "description": lv.description, "points": lv.points}
                for lv in c.levels.all()
            ],
        }
        for c in rubric.criteria.prefetch_related("levels")
    ]


@transaction.atomic
def rubric_replace(*, rubric: Rubric, shape: list[dict]) -> None:
    """Replace every criterion and level with `shape` (rubric_shape's form, checked by the
    caller's serializer or form: names present, numbers in range)."""
    _editable(rubric)
    if not shape:
        raise NotAllowed("A rubric needs at least one criterion.")
    if len(shape) > MAX_CRITERIA:
        raise NotAllowed(f"A rubric has at most {MAX_CRITERIA} criteria.")
    for item in shape:
        if not item["levels"]:
            raise NotAllowed(f"“{item['name']}” needs at least one level.")
        if len(item["levels"]) > MAX_LEVELS:
            raise NotAllowed(f"A criterion has at most {MAX_LEVELS} levels.")
    rubric.criteria.all().delete()
    for order, item in enumerate(shape):
        criterion = Criterion.objects.create(
            rubric=rubric,
            name=item["name"][:100],
            description=item.get("description", ""),
            weight=item.get("weight", 1),
            order=order,
        )
        Level.objects.bulk_create(
            [
                Level(
                    criterion=criterion,
                    name=level["name"][:60],
                    description=level.get("description", ""),
                    points=level["points"],
                    order=i,
                )
                for i, level in enumerate(item["levels"])
            ]
        )


def templates_for(user):
    """The templates this teacher may start from: their own, and those saved from the
    classes they teach (by a co-teacher)."""
    teaching = [
        pk
        for pk, role in permissions.roles_by_classroom(user).items()
        if role == permissions.TEACHER
    ]
    return RubricTemplate.objects.filter(Q(owner=user) | Q(classroom_id__in=teaching))


@transaction.atomic
def template_save(*, rubric: Rubric, owner, name: str) -> RubricTemplate:
    """Save a copy of the rubric under `name` (a locked rubric can be saved too: saving
    changes nothing in it). Saving again under one of your names replaces that template."""
    name = " ".join(name.split())[:100]
    if not name:
        raise NotAllowed("Give the template a name.", field="name")
    mine = RubricTemplate.objects.filter(owner=owner)
    existing = mine.filter(name=name).first()
    if existing is None and mine.count() >= MAX_TEMPLATES:
        raise NotAllowed(
            f"You have {MAX_TEMPLATES} templates already. Delete one first.", field="name"
        )
    template = existing or RubricTemplate(owner=owner, name=name)
    template.classroom_id = rubric.assignment.classroom_id
    template.criteria = rubric_shape(rubric)
    template.save()
    return template


@transaction.atomic
def rubric_from_template(*, rubric: Rubric, template: RubricTemplate, user) -> None:
    """Start this rubric over from one of the user's templates."""
    if not templates_for(user).filter(pk=template.pk).exists():
        raise NotAllowed("That template is not one of yours.")
    rubric_replace(rubric=rubric, shape=template.criteria)


@transaction.atomic
def template_delete(*, template: RubricTemplate, user) -> None:
    if template.owner_id != user.pk:
        raise NotAllowed("Only the teacher who saved a template can delete it.")
    template.delete()


# --- weighted totals ----------------------------------------------------------------------


def weighted_total(points: dict[int, int], criteria) -> Decimal | None:
    """The weighted total as a percentage of the most a student could get:

        100 × Σ (points on criterion × its weight) / Σ (top points of criterion × its weight)

    over every criterion of the rubric; an unscored criterion counts 0. None before any
    criterion is scored, or when the rubric can give no points. One decimal place."""
    if not points:
        return None
    best = sum(max((lv.points for lv in c.levels.all()), default=0) * c.weight for c in criteria)
    if not best:
        return None
    got = sum(points.get(c.pk, 0) * c.weight for c in criteria)
    return (Decimal(100 * got) / Decimal(best)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
