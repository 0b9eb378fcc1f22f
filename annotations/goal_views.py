"""The reading goal: the teacher sets it per assignment; each student sees their own progress
against it on the reading page (annotations.participation counts)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from annotations import participation
from annotations.forms import ReadingGoalForm
from counterpoint import permissions
from counterpoint.lib.errors import NotAllowed


@login_required
def reading_goal(request, pk):
    """Teachers of the class set what each student should post on the reading page."""
    assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
    goal = participation.goal_for(assignment)
    initial = {key: getattr(goal, key) if goal else 0 for key, _ in participation.GOAL_FIELDS}
    form = ReadingGoalForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                participation.goal_set(assignment=assignment, **form.cleaned_data)
            except NotAllowed as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                messages.success(request, "Reading goal saved: students see it as they read.")
                return redirect("annotations:reading_goal", pk=pk)
        status = 422
    return render(
        request,
        "annotations/reading_goal.html",
        {"assignment": assignment, "form": form, "goal": goal},
        status=status,
    )


@login_required
@require_GET
def reading_goal_progress(request, pk):
    """The student's own checklist, for the reading page to refresh after their own post."""
    assignment = permissions.get_assignment_for(request.user, pk)
    if permissions.is_teacher(request.user, assignment.classroom_id):
        raise Http404  # teachers see everyone's counts on the class dashboard instead
    return render(
        request,
        "annotations/_goal_progress.html",
        {
            "assignment": assignment,
            "goal_progress": participation.progress_for_student(assignment, request.user),
        },
    )
