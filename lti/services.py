"""LTI rules: who a launch is, which class and assignment it opens, the roster, and grades.

Each function takes and returns models; views are thin adapters. A person and a class are
found by the platform's ids (registration + `sub`, deployment + context id), never by an
e-mail address: an LMS that sends a teacher's address cannot take over an existing account.
"""

import hashlib
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import LtiContext, LtiLaunch, LtiRegistration, LtiUser
from lti_tool.utils import sync_data_from_launch
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from counterpoint.models import Assignment, Classroom, Membership, User
from counterpoint.permissions import forget_roles
from lti.models import ActivityLink, CourseLink, ScoreSend

log = logging.getLogger("counterpoint.lti")

ASSIGNMENT_CLAIM = "counterpoint_assignment"  # custom parameter set by Deep Linking

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
TEACHER_ROLES = {
    _MEMBERSHIP + "Instructor",
    _MEMBERSHIP + "Instructor#TeachingAssistant",
    _MEMBERSHIP + "Administrator",
    "Instructor",
    "TeachingAssistant",
    "Administrator",
}
STUDENT_ROLES = {_MEMBERSHIP + "Learner", "Learner"}


class LaunchRefused(Exception):
    """A launch we will not act on; the message is for the person, in plain words."""


def role_for(lti_roles) -> str | None:
    """Counterpoint's role for the LTI roles claim: teacher wins over student; None if no
    role we know (a mentor, a guest, an unknown string)."""
    roles = set(lti_roles or [])
    if roles & TEACHER_ROLES or any(r.startswith(_MEMBERSHIP + "Instructor#") for r in roles):
        return Membership.Role.TEACHER
    if roles & STUDENT_ROLES or any(r.startswith(_MEMBERSHIP + "Learner#") for r in roles):
        return Membership.Role.STUDENT
    return None


def _display_name(lti_user: LtiUser) -> str:
    name = lti_user.name or " ".join(p for p in (lti_user.given_name, lti_user.family_name) if p)
    return (name or "LMS user")[:60]


def _placeholder_email(lti_user: LtiUser) -> str:
    digest = hashlib.sha256(f"{lti_user.registration_id}:{lti_user.sub}".encode()).hexdigest()[:24]
    return f"lti-{digest}@lti.invalid"


def person_for(lti_user: LtiUser) -> User:
    """The account for an LMS user, made on first launch. Its e-mail is the one the LMS
    sent if no other account has it, else a placeholder that cannot receive mail."""
    if lti_user.auth_user_id:
        user = lti_user.auth_user
        name = _display_name(lti_user)
        if lti_user.name and user.display_name != name:
            user.display_name = name
            user.save(update_fields=["display_name"])
        return user
    email = lti_user.email
    if not email or User.objects.filter(email__iexact=email).exists():
        email = _placeholder_email(lti_user)
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, display_name=_display_name(lti_user))
    except IntegrityError:
        user = User.objects.create_user(
            email=_placeholder_email(lti_user), display_name=_display_name(lti_user)
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    lti_user.auth_user = user
    lti_user.save(update_fields=["auth_user"])
    return user


def classroom_for(context: LtiContext) -> Classroom:
    link = CourseLink.objects.select_related("classroom").filter(context=context).first()
    if link:
        return link.classroom
    classroom = Classroom.objects.create(
        name=(context.title or context.label or "LMS course")[:100]
    )
    CourseLink.objects.create(context=context, classroom=classroom)
    return classroom


def set_role(classroom: Classroom, user: User, role: str) -> None:
    membership, created = Membership.objects.get_or_create(
        user=user, classroom=classroom, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    forget_roles(user)


def activity_for(lti_launch: LtiLaunch, classroom: Classroom) -> ActivityLink | None:
    """The assignment this resource link opens: remembered from an earlier launch, or named
    by the custom parameter Deep Linking put on the link (only an assignment of this class)."""
    resource_link = lti_launch.resource_link
    activity = ActivityLink.objects.filter(resource_link=resource_link).first()
    lineitem = (lti_launch.ags_claim or {}).get("lineitem", "")
    target = str(lti_launch.get_claim("https://purl.imsglobal.org/spec/lti/claim/target_link_uri"))
    site_url = origin(target) if target.startswith(("https://", "http://")) else ""
    if activity is None:
        wanted = str(lti_launch.get_custom_claim(ASSIGNMENT_CLAIM) or "")
        assignment = (
            Assignment.objects.filter(pk=int(wanted), classroom=classroom).first()
            if wanted.isdigit()
            else None
        )
        if assignment is None:
            return None
        activity = ActivityLink.objects.create(
            resource_link=resource_link,
            assignment=assignment,
            lineitem_url=lineitem,
            site_url=site_url,
        )
    elif (lineitem and activity.lineitem_url != lineitem) or activity.site_url != site_url:
        activity.lineitem_url = lineitem or activity.lineitem_url
        activity.site_url = site_url
        activity.save(update_fields=["lineitem_url", "site_url"])
    return activity


@transaction.atomic
def accept_launch(lti_launch: LtiLaunch) -> tuple[User, Classroom, str, str]:
    """Record a validated launch: (person, class, role, where to land)."""
    if not (lti_launch.is_resource_launch or lti_launch.is_deep_link_launch):
        raise LaunchRefused(
            "Counterpoint opens activities and lets teachers add them; it does not handle "
            "this kind of launch."
        )
    role = role_for(lti_launch.roles_claim)
    if role is None:
        raise LaunchRefused(
            "Your role in this course is not one Counterpoint knows. Counterpoint opens for "
            "teachers, teaching assistants and students."
        )
    if not lti_launch.context_claim or not lti_launch.context_claim.get("id"):
        raise LaunchRefused("This launch does not say which course it comes from.")
    sync_data_from_launch(lti_launch)
    user = person_for(lti_launch.user)
    classroom = classroom_for(lti_launch.context)
    set_role(classroom, user, role)
    target = reverse("classroom", args=[classroom.pk])
    if lti_launch.is_resource_launch:
        activity = activity_for(lti_launch, classroom)
        if activity:
            target = reverse("comparisons:read", args=[activity.assignment_id])
    return user, classroom, role, target


# --- roster (Names and Role Provisioning) ----------------------------------------------


def _connector(registration: LtiRegistration) -> ServiceConnector:
    return ServiceConnector(registration.to_registration())


ROSTER_ON_LAUNCH_EVERY = timedelta(minutes=10)


def roster_due(context: LtiContext) -> bool:
    """A launch refreshes the roster at most every ten minutes: a class of thirty opening the
    activity at once asks the LMS once, not thirty times. (The teacher's button always asks.)"""
    synced = (
        CourseLink.objects.filter(context=context)
        .values_list("roster_synced_at", flat=True)
        .first()
    )
    return synced is None or synced < timezone.now() - ROSTER_ON_LAUNCH_EVERY


def roster_sync(context: LtiContext, *, keep=()) -> dict:
    """Bring the class's members in line with the platform's membership list: add people
    and roles, remove those the list no longer names (or names as inactive). Anyone who
    joined with a code, not through the LMS, is left alone, and so is anyone in `keep` (the
    person launching right now: their launch says they are in the course)."""
    link = CourseLink.objects.select_related("classroom").get(context=context)
    if not context.memberships_url:
        return {"added": 0, "removed": 0, "changed": 0}
    service = NamesRolesProvisioningService(
        _connector(context.deployment.registration),
        {"context_memberships_url": context.memberships_url},
    )
    try:
        members = service.get_members()
    except (LtiException, OSError, ValueError) as error:
        link.roster_error = _reason(error)
        link.save(update_fields=["roster_error"])
        log.warning("lti roster sync failed for context %s: %s", context.pk, link.roster_error)
        raise
    return _apply_roster(link, members, keep=set(keep))


@transaction.atomic
def _apply_roster(link: CourseLink, members: list[dict], *, keep=frozenset()) -> dict:
    from counterpoint.services import student_leave

    context, classroom = link.context, link.classroom
    registration = context.deployment.registration
    counts = {"added": 0, "removed": 0, "changed": 0}
    listed = set(keep)
    for member in members:
        role = role_for(member.get("roles"))
        if role is None or member.get("status", "Active") != "Active":
            continue
        lti_user, _ = LtiUser.objects.update_or_create(
            registration=registration,
            sub=member["user_id"],
            defaults={
                k: v
                for k, v in {
                    "name": member.get("name"),
                    "given_name": member.get("given_name"),
                    "family_name": member.get("family_name"),
                    "email": member.get("email"),
                }.items()
                if v is not None
            },
        )
        user = person_for(lti_user)
        listed.add(user.pk)
        current = Membership.objects.filter(user=user, classroom=classroom).first()
        if current is None:
            counts["added"] += 1
        elif current.role != role:
            counts["changed"] += 1
        set_role(classroom, user, role)
    lms_people = User.objects.filter(
        lti_users__registration=registration, memberships__classroom=classroom
    ).exclude(pk__in=listed)
    for user in lms_people.distinct():
        membership = Membership.objects.get(user=user, classroom=classroom)
        if membership.role == Membership.Role.TEACHER:
            if classroom.memberships.filter(role=Membership.Role.TEACHER).count() <= 1:
                continue  # a class keeps a teacher
            membership.delete()
            forget_roles(user)
        else:
            student_leave(classroom=classroom, student=user)
        counts["removed"] += 1
    link.roster_synced_at = timezone.now()
    link.roster_error = ""
    link.save(update_fields=["roster_synced_at", "roster_error"])
    return counts


# --- grades (Assignment and Grade Services) ---------------------------------------------

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]  # then it has failed


def _reason(error) -> str:
    response = getattr(error, "response", None)
    if response is not None:
        return f"The LMS answered {response.status_code}."[:300]
    return (str(error) or error.__class__.__name__)[:300]


def queue_released_scores(assignment, outlines) -> list[ScoreSend]:
    """One send per released outline with a score, per LMS activity that opens the
    assignment, for students known to that LMS. A release already queued is not queued
    again (same outline, same version, same score)."""
    from essays.models import Rubric  # essays sits below lti: importing it is allowed

    activities = list(
        ActivityLink.objects.filter(assignment=assignment)
        .exclude(lineitem_url="")
        .select_related("resource_link__context__deployment")
    )
    if not activities:
        return []
    rubric = Rubric.objects.filter(assignment=assignment).first()
    maximum = rubric.max_points if rubric else 0
    queued = []
    for outline in outlines:
        scores = list(outline.scores.all())
        if not scores or not maximum:
            continue
        given = sum(s.points for s in scores)
        key = f"v{outline.version}:{given}/{maximum}"
        for activity in activities:
            registration_id = activity.resource_link.context.deployment.registration_id
            lti_user = LtiUser.objects.filter(
                registration_id=registration_id, auth_user=outline.author_id
            ).first()
            if lti_user is None:
                continue
            review_url = activity.site_url + reverse("essays:outline", args=[outline.pk])
            send, created = ScoreSend.objects.get_or_create(
                outline=outline,
                activity=activity,
                release_key=key,
                defaults={
                    "student_id": outline.author_id,
                    "lti_user_sub": lti_user.sub,
                    "score_given": given,
                    "score_maximum": maximum,
                    "comment": f"Feedback in Counterpoint: {review_url}",
                },
            )
            if created:
                queued.append(send)
    return queued


def send_score(send: ScoreSend) -> ScoreSend:
    """Post one score to its line item; on failure, schedule the next try with backoff,
    and give up (status failed, reason kept) after the last one. A sent row is never
    posted again."""
    if send.status != ScoreSend.Status.PENDING:
        return send
    registration = send.activity.resource_link.context.deployment.registration
    ags = AssignmentsGradesService(
        _connector(registration),
        {
            "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
            "lineitem": send.activity.lineitem_url,
        },
    )
    grade = (
        Grade()
        .set_score_given(send.score_given)
        .set_score_maximum(send.score_maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(timezone.now().isoformat())
        .set_user_id(send.lti_user_sub)
        .set_comment(send.comment)
    )
    send.attempts += 1
    try:
        ags.put_grade(grade)
    except (LtiException, OSError, ValueError) as error:
        send.last_error = _reason(error)
        if send.attempts > len(RETRY_DELAYS):
            send.status = ScoreSend.Status.FAILED
        else:
            send.next_attempt_at = timezone.now() + RETRY_DELAYS[send.attempts - 1]
        log.warning(
            "lti score send %s failed (try %s): %s", send.pk, send.attempts, send.last_error
        )
    else:
        send.status = ScoreSend.Status.SENT
        send.sent_at = timezone.now()
        send.last_error = ""
    send.save(update_fields=["attempts", "status", "next_attempt_at", "last_error", "sent_at"])
    return send


def send_locked(pk) -> ScoreSend | None:
    """Claim one pending send under a row lock and post it: two workers (or a release and
    the retry loop) never post the same row."""
    with transaction.atomic():
        send = (
            ScoreSend.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=ScoreSend.Status.PENDING)
            .select_related("activity__resource_link__context__deployment__registration")
            .first()
        )
        if send is None:
            return None
        return send_score(send)


def send_due_scores(now=None) -> int:
    """Try every pending send whose time has come (the retry loop, run by cron or a worker)."""
    now = now or timezone.now()
    due = ScoreSend.objects.filter(status=ScoreSend.Status.PENDING, next_attempt_at__lte=now)
    return sum(
        send_locked(pk) is not None
        for pk in list(due.order_by("next_attempt_at").values_list("pk", flat=True))
    )


def score_notes(assignment, rows) -> None:
    """The submissions page: each student's LMS grade status, newest send first."""
    sends = {}
    for send in ScoreSend.objects.filter(activity__assignment=assignment).order_by(
        "created_at", "pk"
    ):
        sends[send.student_id] = send
    for row in rows:
        send = sends.get(row["student"].pk)
        if send is None:
            continue
        if send.status == ScoreSend.Status.SENT:
            note = "LMS grade: sent"
        elif send.status == ScoreSend.Status.PENDING:
            note = "LMS grade: pending" + (
                f" ({send.last_error} Trying again.)" if send.last_error else ""
            )
        else:
            note = f"LMS grade: failed ({send.last_error})"
        row["notes"].append(note)


# --- Deep Linking --------------------------------------------------------------------


def origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def deep_link_response(lti_launch: LtiLaunch, assignment, launch_url: str) -> tuple[str, str]:
    """(signed response JWT, the platform's return URL) for one assignment: a resource link
    back to our launch URL naming the assignment, and a line item for its grades."""
    from pylti1p3.deep_link_resource import DeepLinkResource
    from pylti1p3.lineitem import LineItem

    from essays.feedback import rubric_for

    maximum = rubric_for(assignment).max_points or 100
    title = assignment.comparison.title[:200]
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(title)
        .set_custom_params({ASSIGNMENT_CLAIM: str(assignment.pk)})
        .set_lineitem(
            LineItem()
            .set_label(title)
            .set_score_maximum(maximum)
            .set_resource_id(f"assignment-{assignment.pk}")
        )
    )
    deep_link = lti_launch.get_message_launch().get_deep_link()
    settings_claim = lti_launch.get_claim(
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    )
    return deep_link.get_response_jwt([resource]), settings_claim["deep_link_return_url"]


# --- Dynamic Registration ----------------------------------------------------------------

REGISTRATION_SALT = "lti-dynamic-registration"
REGISTRATION_LINK_AGE = 7 * 24 * 60 * 60


class RegistrationFailed(Exception):
    """Dynamic Registration could not finish; the message is for the administrator."""


def registration_link_token() -> str:
    import secrets

    from django.core import signing

    return signing.dumps({"n": secrets.token_urlsafe(12)}, salt=REGISTRATION_SALT)


def registration_link_valid(token: str) -> bool:
    from django.core import signing

    try:
        signing.loads(token, salt=REGISTRATION_SALT, max_age=REGISTRATION_LINK_AGE)
    except signing.BadSignature:
        return False
    return True


def tool_configuration(base_url: str) -> dict:
    """What Counterpoint asks the platform for (LTI Dynamic Registration, client metadata)."""
    from urllib.parse import urlsplit

    login, launch, jwks = (base_url + reverse(n) for n in ("lti:login", "lti:launch", "lti:jwks"))
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": login,
        "redirect_uris": [launch],
        "client_name": "Counterpoint",
        "jwks_uri": jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(
            [
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
            ]
        ),
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": urlsplit(base_url).netloc,
            "target_link_uri": launch,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": launch},
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": launch,
                    "label": "Counterpoint",
                    "placements": ["link_selection", "assignment_selection"],
                },
            ],
        },
    }


def register_dynamically(
    openid_configuration_url: str, registration_token: str, base_url: str
) -> LtiRegistration:
    """Fetch the platform's configuration, register Counterpoint with it, and record the
    platform (active, with the deployment it names)."""
    from urllib.parse import urlsplit

    import requests
    from lti_tool.models import Key, LtiDeployment

    try:
        answer = requests.get(openid_configuration_url, timeout=10)
        answer.raise_for_status()
        config = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise RegistrationFailed(f"Could not read the LMS's configuration: {error}") from error
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    needed += ("registration_endpoint",)
    missing = [k for k in needed if not config.get(k)]
    if missing:
        raise RegistrationFailed(f"The LMS's configuration lacks {', '.join(missing)}.")
    if urlsplit(config["issuer"]).netloc != urlsplit(openid_configuration_url).netloc:
        raise RegistrationFailed("The LMS's issuer is not on the host its configuration came from.")
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        reply = requests.post(
            config["registration_endpoint"],
            json=tool_configuration(base_url),
            headers=headers,
            timeout=10,
        )
        reply.raise_for_status()
        client = reply.json()
    except (requests.RequestException, ValueError) as error:
        raise RegistrationFailed(f"The LMS refused the registration: {error}") from error
    if not client.get("client_id"):
        raise RegistrationFailed("The LMS did not give Counterpoint a client id.")
    tool_config = client.get("https://purl.imsglobal.org/spec/lti-tool-configuration") or {}
    platform_config = config.get("https://purl.imsglobal.org/spec/lti-platform-configuration") or {}
    with transaction.atomic():
        registration, _ = LtiRegistration.objects.update_or_create(
            issuer=config["issuer"],
            client_id=str(client["client_id"]),
            defaults={
                "name": platform_config.get("product_family_code") or config["issuer"],
                "auth_url": config["authorization_endpoint"],
                "token_url": config["token_endpoint"],
                "keyset_url": config["jwks_uri"],
                "is_active": True,
            },
        )
        if tool_config.get("deployment_id"):
            LtiDeployment.objects.update_or_create(
                registration=registration,
                deployment_id=str(tool_config["deployment_id"]),
                defaults={"is_active": True},
            )
        if not Key.objects.active().exists():
            Key.objects.generate()
    log.info("lti: registered %s (%s) dynamically", registration.issuer, registration.client_id)
    return registration
