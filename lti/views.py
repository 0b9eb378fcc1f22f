"""LTI endpoints: keys, OIDC login initiation, launch, the new-tab fallback, the roster
button and Deep Linking. Thin: the protocol is pylti1p3's (lti/tool.py), the rules are
lti/services.py's."""

import logging
import secrets

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key, LtiLaunch
from pylti1p3.exception import LtiException, OIDCException

from counterpoint import backends, permissions
from lti import services
from lti.middleware import SESSION_FLAG
from lti.models import CourseLink
from lti.tool import MessageLaunch, OIDCLogin

log = logging.getLogger("counterpoint.lti")

TICKET_SALT = "lti-continue"
TICKET_AGE = 5 * 60


def _refuse(request, reason, *, status=400, detail=""):
    log.warning("lti refused: %s%s", reason, f" ({detail})" if detail else "")
    request.lti_frame = True
    return render(request, "lti/error.html", {"reason": reason}, status=status)


@require_GET
def jwks(request):
    """Counterpoint's public keys, for platforms to check what it signs."""
    return JsonResponse(Key.objects.as_jwks())


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request):
    """Step one of a launch: the platform asks us to start an OIDC login."""
    try:
        return OIDCLogin(request).redirect_to_platform(
            request.build_absolute_uri(reverse("lti:launch"))
        )
    except (OIDCException, LtiException) as error:
        return _refuse(
            request,
            "This login did not come from an LMS that Counterpoint knows.",
            detail=str(error),
        )


@csrf_exempt
@require_POST
def launch(request):
    """Step two: the platform posts a signed id_token; the person lands signed in."""
    message_launch = MessageLaunch(request)
    try:
        message_launch.validate()
    except LtiException as error:
        return _refuse(
            request,
            "Counterpoint could not verify this launch from your LMS. Go back to the course "
            "and open the activity again.",
            detail=str(error),
        )
    lti_launch = LtiLaunch(message_launch)
    try:
        user, classroom, role, target = services.accept_launch(lti_launch)
    except services.LaunchRefused as refusal:
        return _refuse(request, str(refusal), status=403)
    except (KeyError, TypeError, ValueError, LtiException) as error:
        return _refuse(
            request, "This launch is missing information Counterpoint needs.", detail=repr(error)
        )
    if lti_launch.is_deep_link_launch:
        if role != "teacher":
            return _refuse(request, "Only a teacher can add Counterpoint to a course.", status=403)
        target = reverse("lti:deep_link")
    if services.roster_due(lti_launch.context):
        try:
            services.roster_sync(lti_launch.context, keep=[user.pk])
        except Exception as error:  # the roster can wait; the person should not
            log.warning("lti roster sync on launch failed: %r", error)
    login(request, user, backend=backends.PATH)
    request.session[SESSION_FLAG] = True
    request.session["lti_launch_id"] = message_launch.get_launch_id()
    request.lti_frame = True
    nonce = secrets.token_urlsafe(16)
    ticket = signing.dumps({"u": user.pk, "t": target, "n": nonce}, salt=TICKET_SALT)
    return render(
        request,
        "lti/launched.html",
        {"target": target, "ticket_url": reverse("lti:continue", args=[ticket])},
    )


@require_GET
def session_check(request):
    """Did the session cookie survive the iframe? (The launch page asks, then goes on.)"""
    return JsonResponse({"signed_in": request.user.is_authenticated})


@require_GET
def continue_in_new_tab(request, ticket):
    """The fallback when the browser blocks cookies in the iframe: a one-time, five-minute
    link opened in a tab of its own signs the same person in there."""
    try:
        data = signing.loads(ticket, salt=TICKET_SALT, max_age=TICKET_AGE)
    except signing.BadSignature:
        return _refuse(request, "This link has expired. Open the activity from your LMS again.")
    if not cache.add(f"lti-ticket-used:{data['n']}", 1, TICKET_AGE * 2):
        return _refuse(
            request, "This link was already used. Open the activity from your LMS again."
        )
    from counterpoint.models import User

    user = get_object_or_404(User, pk=data["u"], is_active=True)
    login(request, user, backend=backends.PATH)
    request.session[SESSION_FLAG] = True
    target = data["t"] if str(data["t"]).startswith("/") else "/"
    return redirect(target)


@login_required
@require_POST
def roster_sync(request, pk):
    """The teacher's button: bring the class's members in line with the LMS now."""
    classroom = permissions.get_classroom_for(request.user, pk, action="moderate")
    link = get_object_or_404(CourseLink.objects.select_related("context"), classroom=classroom)
    try:
        counts = services.roster_sync(link.context)
    except Exception as error:
        log.warning("lti roster sync failed: %r", error)
        messages.error(request, "The LMS did not answer with the roster. Try again later.")
    else:
        messages.success(
            request,
            f"Roster updated from the LMS: {counts['added']} added, {counts['removed']} "
            f"removed, {counts['changed']} changed role.",
        )
    return redirect("classroom", pk=classroom.pk)


# --- Deep Linking: a teacher adds an activity in the LMS --------------------------------


def _deep_link_launch(request):
    from lti_tool.utils import DjangoMessageLaunch

    from lti.tool import ServerSideStorage, ToolConfig

    launch_id = request.session.get("lti_launch_id")
    if not launch_id:
        return None
    try:
        message_launch = DjangoMessageLaunch.from_cache(
            launch_id, request, ToolConfig(), launch_data_storage=ServerSideStorage()
        )
    except LtiException:
        return None
    lti_launch = LtiLaunch(message_launch)
    return lti_launch if lti_launch.is_deep_link_launch else None


@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request):
    """Pick a published comparison (a new assignment) or an existing assignment; the LMS
    gets a signed Deep Linking response with a link that opens it and a line item."""
    from comparisons.models import Comparison
    from lti.forms import DeepLinkAssignmentForm, DeepLinkExistingForm

    lti_launch = _deep_link_launch(request)
    if lti_launch is None:
        return _refuse(request, "Start from your LMS: add Counterpoint as an activity there.")
    link = get_object_or_404(CourseLink, context=lti_launch.context)
    classroom = permissions.get_classroom_for(request.user, link.classroom_id, action="moderate")
    comparisons = Comparison.objects.readable_by(request.user).filter(is_published=True)
    new_form = DeepLinkAssignmentForm(
        request.POST if request.POST.get("kind") == "new" else None, comparisons=comparisons
    )
    existing_form = DeepLinkExistingForm(
        request.POST if request.POST.get("kind") == "existing" else None,
        assignments=classroom.assignments.select_related("comparison"),
    )
    assignment = None
    if request.method == "POST":
        if request.POST.get("kind") == "existing" and existing_form.is_valid():
            assignment = existing_form.cleaned_data["assignment"]
        elif request.POST.get("kind") == "new" and new_form.is_valid():
            assignment = new_form.save(commit=False)
            assignment.classroom = classroom
            assignment.save()
    if assignment is None:
        return render(
            request,
            "lti/deep_link.html",
            {"new_form": new_form, "existing_form": existing_form, "classroom": classroom},
            status=422 if request.method == "POST" else 200,
        )
    jwt_value, return_url = services.deep_link_response(
        lti_launch, assignment, request.build_absolute_uri(reverse("lti:launch"))
    )
    response = render(
        request, "lti/deep_link_return.html", {"jwt": jwt_value, "return_url": return_url}
    )
    response._csp_update = {"form-action": [services.origin(return_url)]}
    return response


# --- Dynamic Registration: the LMS opens Counterpoint's registration link -----------------


@require_GET
def register(request, token):
    """An administrator pastes the link `manage.py lti_platform registration-link` printed
    into the LMS's "register a tool by URL"; the LMS opens it with its configuration URL."""
    config_url = request.GET.get("openid_configuration", "")
    if not services.registration_link_valid(token):
        return _refuse(request, "This registration link is not valid or has expired.")
    if not config_url.startswith(("https://", "http://")):
        return _refuse(request, "Open this link from your LMS's tool registration page.")
    try:
        registration = services.register_dynamically(
            config_url,
            request.GET.get("registration_token", ""),
            request.build_absolute_uri("/").rstrip("/"),
        )
    except services.RegistrationFailed as failure:
        response = _refuse(request, str(failure), status=502)
    else:
        response = render(request, "lti/registered.html", {"registration": registration})
    response.xframe_options_exempt = True
    response._csp_replace = {"frame-ancestors": [services.origin(config_url)]}
    return response
