from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from counterpoint import permissions
from counterpoint.forms import (
    AccountDeleteForm,
    ClassroomForm,
    CoTeacherForm,
    JoinForm,
    LeavingAnnotationsForm,
    ProfileForm,
    SignupForm,
)
from counterpoint.lib.sentences import sentences
from counterpoint.models import Assignment, Classroom, Membership
from counterpoint.personal_data import personal_data
from counterpoint.services import (
    AccountInUse,
    account_delete,
    classroom_create,
    classroom_join,
    student_leave,
)


@require_GET
def healthz(request):
    """Liveness and database check for load balancers and the benchmark's floor."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _safe_next(request) -> str | None:
    """`?next=` only if it stays on this site (no open redirect to a look-alike login)."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else None


def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.display_name}.")
        return redirect(_safe_next(request) or "dashboard")
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
            "leaving_form": LeavingAnnotationsForm(instance=classroom) if is_teacher else None,
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
@require_GET
def classroom_projector(request, pk):
    """The join code, link and QR code, large enough to read from the back of a classroom."""
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    return render(request, "counterpoint/projector.html", {"classroom": classroom})


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
    student_leave(classroom=classroom, student=membership.user)
    note = f"{membership.user.display_name} was removed from {classroom.name}."
    if request.htmx:
        return render(request, "counterpoint/_announce.html", {"announce": note})
    messages.success(request, note)
    return redirect("classroom", pk=classroom.pk)


@login_required
def join(request):
    """Join with a code, typed in or brought by a join link (`?code=`).

    A link only fills in the form: the code is checked at once, so an expired or replaced code
    says so before the student does anything, but joining always takes the POST of the button.
    """
    if request.method == "POST":
        form = JoinForm(request.POST, user=request.user)
    elif code := request.GET.get("code", "").strip():
        form = JoinForm({"code": code}, user=request.user)
    else:
        form = JoinForm(user=request.user)
    if request.method == "POST" and form.is_valid():
        classroom_join(classroom=form.classroom, student=request.user)
        messages.success(request, sentences(f"You joined {form.classroom.name}"))
        return redirect("classroom", pk=form.classroom.pk)
    classroom = form.classroom if form.is_bound and not form.errors else None
    return render(request, "counterpoint/join.html", {"form": form, "classroom": classroom})


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


@login_required
@require_POST
def classroom_leaving(request, pk):
    """The class's choice for a leaving student's annotations: kept anonymised or removed."""
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    form = LeavingAnnotationsForm(request.POST, instance=classroom)
    if form.is_valid():
        form.save()
        choice = Classroom.LeavingAnnotations(classroom.leaving_annotations)
        messages.success(request, f"When a student leaves: {choice.label.lower()}.")
    else:
        messages.error(request, "Choose one of the two options.")
    return redirect("classroom", pk=classroom.pk)


# --- your data: download it, or delete the account ------------------------------------


@login_required
@require_GET
def account_export(request):
    """Everything I wrote, as a JSON file to download."""
    response = JsonResponse(
        personal_data(request.user, request), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="counterpoint-my-data.json"'
    return response


@login_required
def account_delete_view(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    memberships = (
        request.user.memberships.filter(role=Membership.Role.STUDENT)
        .select_related("classroom")
        .order_by("classroom__name")
    )
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=request.user)
        except AccountInUse as refusal:
            problem = str(refusal)
        else:
            logout(request)
            messages.success(request, "Your account and what you wrote are deleted. Goodbye.")
            return redirect("login")
    teaching = request.user.memberships.filter(role=Membership.Role.TEACHER).exists()
    return render(
        request,
        "registration/account_delete.html",
        {
            "form": form,
            "memberships": memberships,
            "teaching": teaching,
            "problem": problem,
        },
        status=422 if form.is_bound and (form.errors or problem) else 200,
    )
