"""The class dashboard and the CSV exports: teachers of the class only (a student of the
class gets a 403, anyone else a 404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from annotations import participation
from counterpoint import permissions
from essays import csv_exports, dashboard


@login_required
def class_dashboard(request, pk):
    classroom = permissions.get_classroom_for(request.user, pk, action="moderate")
    assignments = list(classroom.assignments.select_related("comparison").order_by("due_at", "pk"))
    assignment = dashboard.pick_assignment(assignments, request.GET.get("assignment"))
    if assignment is None and request.GET.get("assignment"):
        raise Http404
    # A class with groups: the teacher may look at one group (no query when it has none).
    groups = (
        list(classroom.groups.order_by("pk"))
        if permissions.has_groups(request.user, classroom.pk)
        else []
    )
    group = next((g for g in groups if str(g.pk) == request.GET.get("group")), None)
    assignment_figures = (
        dashboard.figures(assignment, request.user, group_id=group.pk if group else None)
        if assignment
        else None
    )
    goal, record = (None, [])
    if assignment_figures is not None:
        students = [row.student for row in assignment_figures.students]
        goal, record = participation.class_record(assignment, students)
    context = {
        "classroom": classroom,
        "assignments": assignments,
        "assignment": assignment,
        "groups": groups,
        "group": group,
        "figures": assignment_figures,
        "goal": goal,
        "record": record,
        "heat_levels": range(dashboard.HEAT_LEVELS + 1),
        "stuck_days": dashboard.STUCK_NO_OUTLINE_DAYS,
        "open_days": dashboard.STUCK_OPEN_COMMENT_DAYS,
    }
    template = "essays/class_dashboard.html"
    if request.htmx:
        template += "#dashboard"
    return render(request, template, context)


@login_required
def gradebook_csv(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    return csv_exports.csv_response(
        csv_exports.gradebook_rows(assignment), csv_exports.filename(assignment, "gradebook")
    )


@login_required
def annotations_csv(request, pk):
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    return csv_exports.csv_response(
        csv_exports.annotation_rows(assignment, request.user),
        csv_exports.filename(assignment, "annotations"),
    )
