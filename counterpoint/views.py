from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from counterpoint import backends, extensions, permissions
from counterpoint.forms import (
    AccountDeleteForm,
    ClassroomForm,
    CoTeacherInviteForm,
    JoinForm,
    LeavingAnnotationsForm,
    ProfileForm,
    SignupForm,
)
from counterpoint.group_views import groups_context
from counterpoint.lib import ratelimit
from counterpoint.lib.sentences import sentences
from counterpoint.models import Assignment, Classroom, CoTeacherInvitation, Membership
from counterpoint.personal_data import personal_data
from counterpoint.services import (
    INVITED,
    AccountInUse,
    NotAllowed,
    Throttled,
    account_delete,
    classes_taught_alone,
    classroom_create,
    classroom_join,
    coteacher_accept,
    coteacher_decline,
    coteacher_invite,
    coteacher_withdraw,
    may_try_joining,
    student_leave,
    teacher_leave,
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
        login(request, user, backend=backends.PATH)
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
    cards = [c for f in extensions.profile_page_cards if (c := f(request.user))]
    return render(request, "registration/profile.html", {"form": form, "cards": cards})


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
            "invitations": CoTeacherInvitation.objects.for_invitee(request.user),
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
    return _classroom_page(request, classroom)


def _classroom_page(request, classroom, *, invite_form=None, status=200):
    is_teacher = permissions.is_teacher(request.user, classroom.pk)
    roster = classroom.memberships.select_related("user").order_by("role", "user__display_name")
    teachers = [m for m in roster if m.role == Membership.Role.TEACHER]
    return render(
        request,
        "counterpoint/classroom.html",
        {
            "classroom": classroom,
            "is_teacher": is_teacher,
            "teachers": teachers,
            "students": [m for m in roster if m.role == Membership.Role.STUDENT],
            "assignments": classroom.assignments.select_related("comparison").order_by("due_at"),
            "leaving_form": LeavingAnnotationsForm(instance=classroom) if is_teacher else None,
            **(
                groups_context(
                    classroom,
                    students=[m for m in roster if m.role == Membership.Role.STUDENT],
                    has_groups=permissions.has_groups(request.user, classroom.pk),
                )
                if is_teacher
                else {}
            ),
            **(_co_teachers(classroom, teachers, invite_form) if is_teacher else {}),
            "cards": [c for f in extensions.class_page_cards if (c := f(classroom))]
            if is_teacher
            else [],
        },
        status=status,
    )


def _co_teachers(classroom, teachers, invite_form=None) -> dict:
    """The class page's co-teacher card: its teachers, the open invitations, the form."""
    return {
        "teachers": teachers,
        "invite_form": invite_form or CoTeacherInviteForm(),
        "invitations": classroom.coteacher_invitations.open()
        .select_related("invited_by")
        .order_by("created_at", "pk"),
        "may_leave": len(teachers) > 1,
    }


NEW_CODE = "New join code made. The old code no longer works."


def _announce(response, message):
    """Ask the page to speak `message` in its one live region (static/js/announce.js). The
    region stays put and only its text changes: a replaced live region is often not read."""
    trigger_client_event(response, "announce", {"message": message})
    return response


@login_required
@require_POST
def classroom_rotate_code(request, pk):
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    classroom.rotate_join_code()
    if request.htmx:
        response = render(
            request,
            "counterpoint/classroom.html#join-code",
            {"classroom": classroom, "is_teacher": True},
        )
        return _announce(response, NEW_CODE)
    messages.success(request, NEW_CODE)
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
        return _announce(HttpResponse(""), note)
    messages.success(request, note)
    return redirect("classroom", pk=classroom.pk)


@login_required
def join(request):
    """Join with a code, typed in or brought by a join link (`?code=`).

    A link only fills in the form: the code is checked at once, so an expired or replaced code
    says so before the student does anything, but joining always takes the POST of the button.
    """
    code = request.GET.get("code", "").strip()
    # A link's code is checked at once, so opening links counts as a try like pressing Join.
    throttled = (request.method == "POST" or bool(code)) and not may_try_joining(
        user=request.user, address=get_client_ip_address(request)
    )
    if request.method == "POST":
        form = JoinForm(request.POST, user=request.user, throttled=throttled)
    elif code:
        form = JoinForm({"code": code}, user=request.user, throttled=throttled)
    else:
        form = JoinForm(user=request.user)
    if request.method == "POST" and form.is_valid():
        classroom_join(classroom=form.classroom, student=request.user)
        messages.success(request, sentences(f"You joined {form.classroom.name}"))
        return redirect("classroom", pk=form.classroom.pk)
    classroom = form.classroom if form.is_bound and not form.errors else None
    return render(
        request,
        "counterpoint/join.html",
        {"form": form, "classroom": classroom},
        status=429 if throttled else 200,
    )


@login_required
@require_POST
def co_teacher_invite(request, pk):
    """Invite a co-teacher by e-mail. The answer is the same whether or not the address has
    an account (coteacher_invite says nothing back)."""
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    form = CoTeacherInviteForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            coteacher_invite(
                classroom=classroom, email=form.cleaned_data["email"], invited_by=request.user
            )
        except Throttled as refusal:
            form.add_error(None, str(refusal))
            status = 429
    else:
        status = 422
    if status == 200 and not request.htmx:
        messages.success(request, INVITED)
        return redirect("classroom", pk=classroom.pk)
    if not request.htmx:
        return _classroom_page(request, classroom, invite_form=form, status=status)
    teachers = list(
        classroom.memberships.filter(role=Membership.Role.TEACHER).select_related("user")
    )
    context = {
        "classroom": classroom,
        **_co_teachers(classroom, teachers, None if status == 200 else form),
        "invited": INVITED if status == 200 else None,
    }
    response = render(request, "counterpoint/classroom.html#co-teachers", context, status=status)
    return _announce(response, INVITED) if status == 200 else response


@login_required
@require_POST
def co_teacher_withdraw(request, pk, invitation_pk):
    invitation = permissions.get_sent_invitation_for(request.user, pk, invitation_pk)
    coteacher_withdraw(invitation=invitation)
    note = f"The invitation to {invitation.email} is withdrawn."
    if request.htmx:
        return _announce(HttpResponse(""), note)
    messages.success(request, note)
    return redirect("classroom", pk=pk)


@login_required
@require_POST
def classroom_leave(request, pk):
    """A teacher leaves a class that another teacher keeps."""
    classroom = permissions.get_classroom_for(request.user, pk, action="write")
    try:
        teacher_leave(classroom=classroom, teacher=request.user)
    except NotAllowed as refusal:
        messages.error(request, str(refusal))
        if request.htmx:
            return HttpResponseClientRedirect(reverse("classroom", args=[classroom.pk]))
        return redirect("classroom", pk=classroom.pk)
    messages.success(request, f"You have left {classroom.name}. Its other teachers keep it.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("dashboard"))
    return redirect("dashboard")


def _answer_invitation(request, pk, *, accept: bool):
    invitation = permissions.get_invitation_for(request.user, pk)
    classroom = invitation.classroom
    problem = None
    try:
        if accept:
            coteacher_accept(invitation=invitation, user=request.user)
        else:
            coteacher_decline(invitation=invitation, user=request.user)
    except NotAllowed as refusal:
        problem = str(refusal)
    if accept and not problem:
        note = f"You now teach {classroom.name}."
    elif not problem:
        note = f"You declined the invitation to teach {classroom.name}."
    if request.htmx:
        return render(
            request,
            "counterpoint/dashboard.html#invitation",
            {
                "invitation": invitation,
                "problem": problem,
                "answered": None if problem else note,
                "accepted": accept and not problem,
            },
            status=422 if problem else 200,
        )
    if problem:
        messages.error(request, problem)
        return redirect("dashboard")
    messages.success(request, note)
    return redirect("classroom", pk=classroom.pk) if accept else redirect("dashboard")


@login_required
@require_POST
def invitation_accept(request, pk):
    return _answer_invitation(request, pk, accept=True)


@login_required
@require_POST
def invitation_decline(request, pk):
    return _answer_invitation(request, pk, accept=False)


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
    status = 200
    if request.method == "POST":
        # The password field must not become a way to guess someone's password.
        if not ratelimit.allow(f"account-delete:{request.user.pk}", limit=5, window=15 * 60):
            problem = "Too many tries. Wait a quarter of an hour, then try again."
            status = 429
        elif form.is_valid():
            try:
                account_delete(user=request.user)
            except AccountInUse as refusal:
                problem = str(refusal)
            else:
                logout(request)
                messages.success(request, "Your account and what you wrote are deleted. Goodbye.")
                return redirect("login")
        if status == 200 and (form.errors or problem):
            status = 422
    teaching = (
        request.user.memberships.filter(role=Membership.Role.TEACHER)
        .select_related("classroom")
        .order_by("classroom__name")
    )
    return render(
        request,
        "registration/account_delete.html",
        {
            "form": form,
            "memberships": memberships,
            "teaching": teaching,
            "taught_alone": classes_taught_alone(request.user),
            "problem": problem,
        },
        status=status,
    )
