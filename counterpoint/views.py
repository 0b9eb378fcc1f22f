from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from counterpoint import permissions
from counterpoint.forms import ClassroomForm, CoTeacherForm, JoinForm, ProfileForm, SignupForm
from counterpoint.models import Assignment, Membership
from counterpoint.services import classroom_create, classroom_join


@require_GET
def healthz(request):
    """Liveness and database check for load balancers and the benchmark's floor."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.display_name}.")
        return redirect(request.GET.get("next") or "dashboard")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your name is saved.")
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})


@login_required
def dashboard(request):
    memberships = list(Membership.objects.for_dashboard(request.user))
    teaching = [m for m in memberships if m.role == Membership.Role.TEACHER]
    learning = [m for m in memberships if m.role == Membership.Role.STUDENT]
    return render(
        request,
        "counterpoint/dashboard.html",
        {
            "teaching": teaching,
            "learning": learning,
            "assignments": Assignment.objects.for_student_dashboard(request.user),
        },
    )


@login_required
def classroom_new(request):
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = classroom_create(name=form.cleaned_data["name"], teacher=request.user)
        messages.success(
            request, f"{classroom.name} is ready. Share the join code with your students."
        )
        return redirect("classroom", pk=classroom.pk)
    return render(request, "counterpoint/classroom_new.html", {"form": form})


@login_required
def classroom(request, pk):
    classroom = permissions.get_classroom_for(request.user, pk)
    is_teacher = permissions.is_teacher(request.user, classroom.pk)
    roster = classroom.memberships.select_related("user").order_by("role", "user__display_name")
    return render(
        request,
        "counterpoint/classroom.html",
        {
            "classroom": classroom,
            "is_teacher": is_teacher,
            "teachers": [m for m in roster if m.role == Membership.Role.TEACHER],
            "students": [m for m in roster if m.role == Membership.Role.STUDENT],
            "assignments": classroom.assignments.select_related("comparison").order_by("due_at"),
        },
    )


@login_required
@require_POST
def classroom_rotate_code(request, pk):
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    classroom.rotate_join_code()
    if request.htmx:
        return render(
            request,
            "counterpoint/classroom.html#join-code",
            {
                "classroom": classroom,
                "is_teacher": True,
                "announce": "New join code made. The old code no longer works.",
            },
        )
    messages.success(request, "New join code made. The old code no longer works.")
    return redirect("classroom", pk=classroom.pk)


@login_required
@require_POST
def classroom_archive(request, pk):
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    if request.POST.get("archive") == "0":
        classroom.unarchive()
        messages.success(request, f"{classroom.name} is active again.")
    else:
        classroom.archive()
        messages.success(
            request, f"{classroom.name} is archived: it stays readable but takes no new students."
        )
    return redirect("classroom", pk=classroom.pk)


@login_required
@require_POST
def membership_remove(request, pk, membership_pk):
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    membership = get_object_or_404(
        classroom.memberships.select_related("user"),
        pk=membership_pk,
        role=Membership.Role.STUDENT,
    )
    membership.delete()
    note = f"{membership.user.display_name} was removed from {classroom.name}."
    if request.htmx:
        return render(request, "counterpoint/_announce.html", {"announce": note})
    messages.success(request, note)
    return redirect("classroom", pk=classroom.pk)


@login_required
def join(request):
    form = JoinForm(
        request.POST or None, initial={"code": request.GET.get("code", "")}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        classroom_join(classroom=form.classroom, student=request.user)
        messages.success(request, f"You joined {form.classroom.name}.")
        return redirect("classroom", pk=form.classroom.pk)
    return render(request, "counterpoint/join.html", {"form": form})


@login_required
@require_POST
def co_teacher_add(request, pk):
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    form = CoTeacherForm(request.POST, classroom=classroom)
    if form.is_valid():
        Membership.objects.create(user=form.user, classroom=classroom, role=Membership.Role.TEACHER)
        messages.success(request, f"{form.user.display_name} now teaches {classroom.name}.")
    else:
        messages.error(request, form.errors["email"][0])
    return redirect("classroom", pk=classroom.pk)
