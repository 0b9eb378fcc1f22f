"""The class page's Groups card (teachers) and a student's choice of group or whole class.

Each action is a plain form POST that redirects back to the class page; with htmx it
answers with the card alone (`counterpoint/classroom.html#groups`) and speaks what changed.
The rules are in counterpoint.groups; these views check the form's shape and translate
NotAllowed into a message at the field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from counterpoint import groups as group_rules
from counterpoint import permissions
from counterpoint.forms import (
    GroupMoveForm,
    GroupNameForm,
    GroupSplitForm,
    WholeClassChoiceForm,
    WholeClassSettingForm,
)
from counterpoint.lib.errors import NotAllowed
from counterpoint.models import Membership


def groups_context(
    classroom,
    *,
    students=None,
    has_groups=True,
    split_form=None,
    move_form=None,
    add_form=None,
    errors=None,
):
    """The Groups card: each group with its students, the students with no group, and the
    forms. Two queries (the groups, the students), fewer when the caller has the students
    (the class page's roster) or knows the class has no groups."""
    groups = list(classroom.groups.order_by("pk")) if has_groups else []
    if students is None:
        students = list(
            classroom.memberships.filter(role=Membership.Role.STUDENT)
            .select_related("user")
            .order_by("user__display_name", "pk")
        )
    members = {group.pk: [] for group in groups}
    ungrouped = []
    for membership in students:
        members.get(membership.group_id, ungrouped).append(membership)
    for group in groups:
        group.members = members[group.pk]
        # A rename that failed shows its message and keeps what was typed.
        group.error, group.typed = (errors or {}).get(group.pk, (None, group.name))
    return {
        "classroom": classroom,
        "groups": groups,
        "ungrouped": ungrouped,
        "group_students": students,
        "split_form": split_form or GroupSplitForm(has_groups=bool(groups)),
        "move_form": move_form or GroupMoveForm(students=students, groups=groups),
        "add_form": add_form or GroupNameForm(auto_id="group-add-%s"),
        "whole_class_form": WholeClassSettingForm(
            initial={"allowed": classroom.students_may_see_whole_class}, auto_id="whole-%s"
        ),
    }


def _answer(request, classroom, note, *, status=200, **forms):
    """The Groups card with htmx (and `note` spoken), else back to the class page."""
    if request.htmx:
        response = render(
            request,
            "counterpoint/classroom.html#groups",
            {"is_teacher": True, **groups_context(classroom, **forms)},
            status=status,
        )
        if note:
            trigger_client_event(response, "announce", {"message": note})
        return response
    if status == 200:
        messages.success(request, note)
    else:
        messages.error(request, note)
    return redirect(reverse("classroom", args=[classroom.pk]) + "#groups")


def _taught(request, pk):
    return permissions.get_classroom_for(request.user, pk, action="write")


def _group(classroom, group_pk):
    return get_object_or_404(classroom.groups, pk=group_pk)


@login_required
@require_POST
def groups_split(request, pk):
    classroom = _taught(request, pk)
    form = GroupSplitForm(request.POST, has_groups=classroom.groups.exists())
    if form.is_valid():
        try:
            made = group_rules.groups_split(
                classroom=classroom,
                size=form.cleaned_data["size"],
                shuffle=form.cleaned_data["order"] == "shuffle",
            )
        except NotAllowed as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            return _answer(request, classroom, f"The class is now in {len(made)} groups.")
    first_error = next(iter(form.errors.values()))[0]
    return _answer(request, classroom, first_error, status=422, split_form=form)


@login_required
@require_POST
def group_add(request, pk):
    classroom = _taught(request, pk)
    form = GroupNameForm(request.POST or {"name": ""}, auto_id="group-add-%s")
    form.is_valid()  # an empty name is fine here: the group gets the next number
    try:
        group = group_rules.group_add(classroom=classroom, name=form.cleaned_data.get("name") or "")
    except NotAllowed as refusal:
        form.add_error("name", refusal.message)
        return _answer(request, classroom, refusal.message, status=422, add_form=form)
    return _answer(request, classroom, f"{group.name} added.")


@login_required
@require_POST
def group_rename(request, pk, group_pk):
    classroom = _taught(request, pk)
    group = _group(classroom, group_pk)
    old_name = group.name
    form = GroupNameForm(request.POST)
    problem = None
    if form.is_valid():
        try:
            group_rules.group_rename(group=group, name=form.cleaned_data["name"])
        except NotAllowed as refusal:
            problem = refusal.message
    else:
        problem = next(iter(form.errors.values()))[0]
    if problem:
        group.name = old_name
        return _answer(
            request,
            classroom,
            problem,
            status=422,
            errors={group.pk: (problem, request.POST.get("name", ""))},
        )
    return _answer(request, classroom, f"{old_name} is now called {group.name}.")


@login_required
@require_POST
def group_remove(request, pk, group_pk):
    classroom = _taught(request, pk)
    group = _group(classroom, group_pk)
    name = group.name
    count = group_rules.group_remove(group=group)
    tail = f" Its {count} students have no group now." if count else ""
    return _answer(request, classroom, f"{name} removed.{tail}")


@login_required
@require_POST
def students_move(request, pk):
    classroom = _taught(request, pk)
    context = groups_context(classroom)
    form = GroupMoveForm(request.POST, students=context["group_students"], groups=context["groups"])
    if form.is_valid():
        to = form.cleaned_data["to"]
        group = None if to == "none" else _group(classroom, int(to))
        try:
            moved = group_rules.students_move(
                classroom=classroom, membership_ids=form.cleaned_data["students"], group=group
            )
        except NotAllowed as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            where = group.name if group else "no group"
            who = "1 student" if moved == 1 else f"{moved} students"
            return _answer(request, classroom, f"Moved {who} to {where}.")
    first_error = next(iter(form.errors.values()))[0]
    return _answer(request, classroom, first_error, status=422, move_form=form)


@login_required
@require_POST
def students_place(request, pk):
    classroom = _taught(request, pk)
    try:
        placed = group_rules.students_place(classroom=classroom)
    except NotAllowed as refusal:
        return _answer(request, classroom, refusal.message, status=422)
    who = "1 student" if placed == 1 else f"{placed} students"
    return _answer(request, classroom, f"Placed {who} in the smallest groups.")


@login_required
@require_POST
def whole_class_setting(request, pk):
    classroom = _taught(request, pk)
    form = WholeClassSettingForm(request.POST)
    form.is_valid()  # one checkbox: absent means off
    allowed = form.cleaned_data.get("allowed", False)
    group_rules.whole_class_allow(classroom=classroom, allowed=allowed)
    note = (
        "Students may now switch to the whole class."
        if allowed
        else "Students now see their group only."
    )
    return _answer(request, classroom, note)


@login_required
@require_POST
def whole_class_choice(request, pk):
    """A student switches between their group and the whole class (kept for next time),
    then goes back to the page they came from."""
    classroom = permissions.get_classroom_for(request.user, pk)
    membership = classroom.memberships.select_related("classroom").filter(user=request.user)
    membership = membership.first()
    form = WholeClassChoiceForm(request.POST)
    if membership is None:
        raise Http404
    if not form.is_valid():
        return HttpResponseBadRequest("Choose your group or the whole class.")
    try:
        group_rules.whole_class_choose(
            membership=membership, whole_class=form.cleaned_data["whole_class"]
        )
    except NotAllowed as refusal:
        messages.error(request, refusal.message)
    else:
        permissions.forget_roles(request.user)
        messages.success(
            request,
            "Switched to the whole class; it stays so on your next visit."
            if form.cleaned_data["whole_class"]
            else "Switched to your group; it stays so on your next visit.",
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("classroom", args=[classroom.pk])
    return redirect(target)
