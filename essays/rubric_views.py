"""The rubric page: one form for the whole rubric, whose buttons each save what was typed and
then do one thing (add, remove, move a criterion or level). Works as a plain form; with htmx
the editor region is swapped in place. Rules live in essays.rubrics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from counterpoint import permissions
from counterpoint.lib.errors import NotAllowed
from essays import rubrics
from essays.models import Level, RubricTemplate

# What each op button does once the typed values are saved: (function, which rows, step).
MOVES = {"up": -1, "down": 1}


def parse_rubric_form(rubric, data) -> tuple[dict, dict, dict]:
    """Read the rubric form: (criteria changes, level changes, errors by input name). Every
    criterion and level of the rubric takes its typed values, kept on the row objects so a
    page with errors shows what was typed."""
    criteria, levels, errors = {}, {}, {}
    for criterion in rubric.criteria.all():
        prefix = f"criterion-{criterion.pk}"
        name = " ".join(data.get(f"{prefix}-name", criterion.name).split())
        criterion.name = name
        criterion.description = data.get(f"{prefix}-description", criterion.description)
        weight = _number(data, f"{prefix}-weight", criterion.weight, rubrics.MAX_WEIGHT, errors)
        criterion.weight = data.get(f"{prefix}-weight", weight)  # as typed, if it is wrong
        if not name:
            errors[f"{prefix}-name"] = "Give the criterion a name."
        elif len(name) > 100:
            errors[f"{prefix}-name"] = "Keep the name under 100 characters."
        if len(criterion.description) > 2000:
            errors[f"{prefix}-description"] = "Keep the description under 2000 characters."
        criteria[criterion.pk] = {
            "name": name[:100],
            "description": criterion.description[:2000],
            "weight": weight,
        }
        for level in criterion.levels.all():
            prefix = f"level-{level.pk}"
            name = " ".join(data.get(f"{prefix}-name", level.name).split())
            level.name = name
            level.description = data.get(f"{prefix}-description", level.description)
            points = _number(data, f"{prefix}-points", level.points, rubrics.MAX_POINTS, errors)
            level.points = data.get(f"{prefix}-points", points)
            if not name:
                errors[f"{prefix}-name"] = "Give the level a name."
            elif len(name) > 60:
                errors[f"{prefix}-name"] = "Keep the level's name under 60 characters."
            if len(level.description) > 2000:
                errors[f"{prefix}-description"] = "Keep the description under 2000 characters."
            levels[level.pk] = {
                "name": name[:60],
                "description": level.description[:2000],
                "points": points,
            }
    return criteria, levels, errors


def _number(data, key, current, maximum, errors):
    raw = str(data.get(key, current)).strip()
    if not raw.isdigit() or int(raw) > maximum:
        errors[key] = f"A whole number from 0 to {maximum}."
        return current
    return int(raw)


def _render(request, assignment, rubric, *, errors=None, note="", problem="", status=200):
    errors = errors or {}
    criteria = list(rubric.criteria.all())
    for criterion in criteria:  # each field's message, beside the field
        criterion.field_errors = _errors_of(errors, f"criterion-{criterion.pk}")
        for level in criterion.levels.all():
            level.field_errors = _errors_of(errors, f"level-{level.pk}")
    context = {
        "assignment": assignment,
        "rubric": rubric,
        "criteria": criteria,
        "locked": rubrics.is_locked(rubric),
        "note": note,
        "problem": problem,
        "templates": list(rubrics.templates_for(request.user).select_related("owner")),
        "max_weight": rubrics.MAX_WEIGHT,
        "max_points": rubrics.MAX_POINTS,
    }
    template = "essays/rubric.html#editor" if request.htmx else "essays/rubric.html"
    response = render(request, template, context, status=status)
    if request.htmx and (note or problem):
        trigger_client_event(response, "announce", {"message": note or problem})
    return response


def _errors_of(errors, prefix):
    return {
        key.removeprefix(f"{prefix}-"): message
        for key, message in errors.items()
        if key.startswith(f"{prefix}-")
    }


def _op(rubric, raw: str):
    """Run one button's action, named `<what>-<how>:<id>`; returns the words to announce."""
    what, _, raw_id = raw.partition(":")
    pk = int(raw_id) if raw_id.isdigit() else 0
    if what == "criterion-add":
        criterion = rubrics.criterion_add(rubric=rubric)
        return f"Added {criterion.name}."
    if what.startswith("criterion-"):
        criterion = get_object_or_404(rubric.criteria, pk=pk)
        how = what.removeprefix("criterion-")
        if how == "remove":
            rubrics.criterion_remove(criterion=criterion)
            return f"Removed {criterion.name}."
        if how == "level-add":
            level = rubrics.level_add(criterion=criterion)
            return f"Added {level.name} to {criterion.name}."
        if how in MOVES:
            rubrics.criterion_move(criterion=criterion, step=MOVES[how])
            return f"Moved {criterion.name} {how}."
    if what.startswith("level-"):
        level = get_object_or_404(
            Level.objects.select_related("criterion__rubric"),
            pk=pk,
            criterion__rubric=rubric,
        )
        how = what.removeprefix("level-")
        if how == "remove":
            rubrics.level_remove(level=level)
            return f"Removed {level.name} from {level.criterion.name}."
        if how in MOVES:
            rubrics.level_move(level=level, step=MOVES[how])
            return f"Moved {level.name} {how}."
    return "Rubric saved."


@login_required
def rubric_edit(request, pk):
    """Edit the rubric's criteria, levels, points and weights, until grading starts."""
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    rubric = rubrics.for_editing(assignment)
    if request.method != "POST":
        return _render(request, assignment, rubric)
    criteria, levels, errors = parse_rubric_form(rubric, request.POST)
    if errors:
        problem = "Some values need fixing; nothing was saved."
        return _render(request, assignment, rubric, errors=errors, problem=problem, status=422)
    try:
        rubrics.rubric_update(rubric=rubric, criteria=criteria, levels=levels)
        note = _op(rubric, request.POST.get("op", "save"))
    except NotAllowed as refusal:
        fresh = rubrics.for_editing(assignment)
        return _render(request, assignment, fresh, problem=refusal.message, status=refusal.status)
    if not request.htmx:
        messages.success(request, note)
        return redirect("essays:rubric", pk=pk)
    return _render(request, assignment, rubrics.for_editing(assignment), note=note)


@login_required
@require_POST
def rubric_template_save(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    rubric = rubrics.for_editing(assignment)
    try:
        template = rubrics.template_save(
            rubric=rubric, owner=request.user, name=request.POST.get("name", "")
        )
    except NotAllowed as refusal:
        return _render(request, assignment, rubric, problem=refusal.message, status=400)
    note = f"Saved as the template “{template.name}”."
    if not request.htmx:
        messages.success(request, note)
        return redirect("essays:rubric", pk=pk)
    return _render(request, assignment, rubric, note=note)


@login_required
@require_POST
def rubric_template_use(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    rubric = rubrics.for_editing(assignment)
    raw = request.POST.get("template", "")
    # Someone else's template is "not found", as anything outside one's classes is.
    template = get_object_or_404(
        rubrics.templates_for(request.user), pk=int(raw) if raw.isdigit() else 0
    )
    try:
        rubrics.rubric_from_template(rubric=rubric, template=template, user=request.user)
    except NotAllowed as refusal:
        return _render(request, assignment, rubric, problem=refusal.message, status=refusal.status)
    note = f"The rubric now follows the template “{template.name}”."
    if not request.htmx:
        messages.success(request, note)
        return redirect("essays:rubric", pk=pk)
    return _render(request, assignment, rubrics.for_editing(assignment), note=note)


@login_required
@require_POST
def rubric_template_delete(request, pk, template_pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    template = get_object_or_404(RubricTemplate, pk=template_pk, owner=request.user)
    rubrics.template_delete(template=template, user=request.user)
    note = f"Deleted the template “{template.name}”."
    if not request.htmx:
        messages.success(request, note)
        return redirect("essays:rubric", pk=pk)
    return _render(request, assignment, rubrics.for_editing(assignment), note=note)
