"""Roster (NRPS) from the test platform's membership service, Deep Linking through to the
launch of the link it made, and registering a platform from the command line."""

import io
from urllib.parse import urlsplit

import jwt
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from lti_tool.models import Key, LtiRegistration, LtiUser

from counterpoint.models import Assignment
from lti.models import ActivityLink, CourseLink
from tests.factories import MembershipFactory


def _person(sub):
    return LtiUser.objects.get(sub=sub).auth_user


def _classroom():
    return CourseLink.objects.get().classroom


# --- roster -----------------------------------------------------------------------------


def test_a_launch_brings_in_the_whole_roster_with_names_and_roles(platform):
    platform.members = [
        platform.member("teacher-1", ["Instructor"]),
        platform.member("learner-1", ["Learner"], email="one@school.test"),
        platform.member("learner-2", ["Learner"]),
        platform.member("mentor-1", ["Mentor"]),
    ]

    platform.launch(Client(), sub="teacher-1", roles=("Instructor",))

    roles = {m.user.display_name: m.role for m in _classroom().memberships.select_related("user")}
    assert roles == {
        "Person teacher-1": "teacher",
        "Person learner-1": "student",
        "Person learner-2": "student",
    }
    assert _person("learner-1").email == "one@school.test"
    assert _person("learner-2").email.endswith("@lti.invalid")


def test_the_teacher_s_button_adds_removes_and_changes_roles(platform, client):
    platform.members = [
        platform.member("teacher-1", ["Instructor"]),
        platform.member("learner-1", ["Learner"]),
        platform.member("learner-2", ["Learner"]),
    ]
    platform.launch(Client(), sub="teacher-1", roles=("Instructor",))
    classroom = _classroom()
    joined_with_code = MembershipFactory(classroom=classroom, role="student").user
    platform.members = [
        platform.member("teacher-1", ["Instructor"]),
        platform.member("learner-2", ["Instructor#TeachingAssistant"]),  # now a TA
        platform.member("learner-3", ["Learner"]),  # new
        platform.member("learner-1", ["Learner"], status="Inactive"),  # dropped
    ]
    client.force_login(_person("teacher-1"))

    response = client.post(reverse("lti:roster_sync", args=[classroom.pk]), follow=True)

    assert "1 added, 1 removed, 1 changed role" in response.content.decode()
    roles = {m.user.display_name: m.role for m in classroom.memberships.select_related("user")}
    assert roles == {
        "Person teacher-1": "teacher",
        "Person learner-2": "teacher",
        "Person learner-3": "student",
        joined_with_code.display_name: "student",  # not the LMS's to remove
    }


def test_only_the_class_s_teachers_may_sync_its_roster(platform, client, student, teacher):
    platform.members = [platform.member("teacher-1", ["Instructor"])]
    platform.launch(Client(), sub="teacher-1", roles=("Instructor",))
    classroom = _classroom()
    MembershipFactory(classroom=classroom, role="student", user=student)

    client.force_login(student)
    assert client.post(reverse("lti:roster_sync", args=[classroom.pk])).status_code == 403
    client.force_login(teacher)  # teaches another class
    assert client.post(reverse("lti:roster_sync", args=[classroom.pk])).status_code == 404


def test_a_class_without_an_lms_has_no_roster_to_sync(client, teacher, classroom):
    client.force_login(teacher)
    assert client.post(reverse("lti:roster_sync", args=[classroom.pk])).status_code == 404


# --- deep linking -----------------------------------------------------------------------


def test_deep_linking_makes_an_assignment_and_its_link_opens_it(platform, comparison):
    comparison.publish()
    platform.members = [platform.member("teacher-1", ["Instructor"])]
    browser = Client()

    landing = platform.launch(browser, sub="teacher-1", kind="deep_link")
    assert landing.context["target"] == reverse("lti:deep_link")
    picker = browser.get(reverse("lti:deep_link"))
    assert comparison.title in picker.content.decode()
    answer = browser.post(
        reverse("lti:deep_link"),
        {
            "kind": "new",
            "comparison": comparison.pk,
            "due_at": "2099-05-01T09:00",
            "essay_prompt": "How far did Khrushchev break with Stalin?",
            "steps": "outline",
            "instructions": "",
        },
    )

    assert answer.status_code == 200
    assignment = Assignment.objects.get(classroom=_classroom())
    assert assignment.steps == "outline"
    assert f"form-action 'self' {platform.base}" in answer["Content-Security-Policy"]
    token = answer.context["jwt"]
    assert answer.context["return_url"] == f"{platform.base}/deep-link-return"
    tool_key = Key.objects.active().latest()
    body = jwt.decode(token, tool_key.public_key, algorithms=["RS256"], audience=platform.issuer)
    (item,) = body["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink"
    assert urlsplit(item["url"]).path == "/lti/launch/"
    assert item["custom"] == {"counterpoint_assignment": str(assignment.pk)}
    assert item["lineItem"]["resourceId"] == f"assignment-{assignment.pk}"

    # The LMS makes the link; a learner launches it with the custom parameter it carries.
    platform.members.append(platform.member("learner-7"))
    launched = platform.launch(
        Client(), sub="learner-7", resource_link="dl-link", custom=item["custom"]
    )
    assert launched.context["target"] == reverse("comparisons:read", args=[assignment.pk])
    assert ActivityLink.objects.get().assignment == assignment


def test_deep_linking_can_pick_an_existing_assignment(platform, assignment):
    platform.members = [platform.member("teacher-1", ["Instructor"])]
    browser = Client()
    platform.launch(browser, sub="teacher-1", kind="deep_link")
    assignment.classroom = _classroom()
    assignment.save()

    answer = browser.post(
        reverse("lti:deep_link"), {"kind": "existing", "assignment": assignment.pk}
    )

    assert answer.status_code == 200
    assert answer.context["jwt"]


def test_a_learner_cannot_deep_link(platform):
    response = platform.launch(Client(), sub="learner-7", kind="deep_link", roles=("Learner",))
    assert response.status_code == 403


def test_the_deep_link_page_needs_a_deep_linking_launch(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("lti:deep_link")).status_code == 400


def test_a_bad_deep_link_choice_keeps_the_form(platform):
    platform.members = [platform.member("teacher-1", ["Instructor"])]
    browser = Client()
    platform.launch(browser, sub="teacher-1", kind="deep_link")

    answer = browser.post(reverse("lti:deep_link"), {"kind": "new", "essay_prompt": "Mine"})

    assert answer.status_code == 422
    assert "Mine" in answer.content.decode()


# --- registration -----------------------------------------------------------------------


def test_the_command_adds_lists_and_removes_a_platform(db):
    out = io.StringIO()
    args = [
        "--issuer", "https://canvas.example.edu",
        "--client-id", "10000000000042",
        "--deployment-id", "7:abc",
        "--auth-login-url", "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "--auth-token-url", "https://sso.canvaslms.com/login/oauth2/token",
        "--keyset-url", "https://sso.canvaslms.com/api/lti/security/jwks",
    ]  # fmt: skip
    call_command("lti_platform", "add", *args, stdout=out)
    call_command("lti_platform", "list", stdout=out)

    registration = LtiRegistration.objects.get()
    assert registration.deployments.get().deployment_id == "7:abc"
    assert registration.deployments.get().is_active
    assert Key.objects.active().count() == 1
    assert "https://canvas.example.edu  client 10000000000042" in out.getvalue()

    call_command(
        "lti_platform", "remove", "--issuer", "https://canvas.example.edu",
        "--client-id", "10000000000042", stdout=out,
    )  # fmt: skip
    assert not LtiRegistration.objects.exists()
    with pytest.raises(CommandError):
        call_command(
            "lti_platform", "remove", "--issuer", "https://canvas.example.edu",
            "--client-id", "10000000000042",
        )  # fmt: skip


def test_the_command_refuses_a_url_that_is_not_one(db):
    with pytest.raises(CommandError, match="--keyset-url"):
        call_command(
            "lti_platform", "add", "--issuer", "https://x.example", "--client-id", "c",
            "--deployment-id", "d", "--auth-login-url", "https://x.example/a",
            "--auth-token-url", "https://x.example/t", "--keyset-url", "not a url",
        )  # fmt: skip


def test_rotating_keys_keeps_the_old_key_published_until_it_retires(platform, client):
    old = Key.objects.active().get()
    call_command("rotate_keys", stdout=io.StringIO())

    kids = {k["kid"] for k in client.get("/lti/jwks/").json()["keys"]}
    new = Key.objects.latest()
    assert kids == {str(old), str(new)}
    # New signatures use the new key; a launch still works meanwhile.
    assert LtiRegistration.objects.get().to_registration().get_kid() == str(new)
    assert platform.launch(Client()).status_code == 200

    call_command("rotate_keys", "--deactivate-after", "0", stdout=io.StringIO())
    kids = {k["kid"] for k in client.get("/lti/jwks/").json()["keys"]}
    assert str(old) not in kids


def test_the_admin_lists_registrations(admin_client, platform):
    response = admin_client.get("/admin/lti_tool/ltiregistration/")
    assert platform.issuer in response.content.decode()


def test_the_class_page_offers_its_teachers_the_roster_button_for_lms_classes_only(
    platform, client, teacher, classroom
):
    platform.members = [platform.member("teacher-1", ["Instructor"])]
    platform.launch(Client(), sub="teacher-1", roles=("Instructor",))
    lms_class = _classroom()

    client.force_login(_person("teacher-1"))
    page = client.get(reverse("classroom", args=[lms_class.pk])).content.decode()
    assert "Update the roster now" in page
    assert "History 10B" in page
    client.force_login(teacher)
    page = client.get(reverse("classroom", args=[classroom.pk])).content.decode()
    assert "Update the roster now" not in page


# --- Dynamic Registration ---------------------------------------------------------------


def _registration_link():
    out = io.StringIO()
    call_command("lti_platform", "registration-link", "--base-url", "http://testserver", stdout=out)
    return urlsplit(out.getvalue().strip()).path


def test_dynamic_registration_registers_counterpoint_and_records_the_platform(
    _platform_server, client, db
):
    platform = _platform_server
    platform.registrations = []
    link = _registration_link()

    response = client.get(
        link,
        {
            "openid_configuration": f"{platform.base}/.well-known/openid-configuration",
            "registration_token": "reg-token-1",
        },
    )

    assert response.status_code == 200
    assert f"frame-ancestors {platform.base}" in response["Content-Security-Policy"]
    ((auth, body),) = platform.registrations
    assert auth == "Bearer reg-token-1"
    assert body["initiate_login_uri"] == "http://testserver/lti/login/"
    assert body["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert body["jwks_uri"] == "http://testserver/lti/jwks/"
    registration = LtiRegistration.objects.get(client_id="dynamic-client")
    assert registration.issuer == platform.issuer
    assert registration.keyset_url == f"{platform.base}/jwks"
    assert registration.deployments.get().deployment_id == "dynamic-deployment"
    assert registration.deployments.get().is_active
    assert Key.objects.active().exists()


def test_dynamic_registration_needs_a_valid_link_and_a_matching_issuer(
    _platform_server, client, db
):
    config = f"{_platform_server.base}/.well-known/openid-configuration"
    forged = client.get("/lti/register/forged/", {"openid_configuration": config})
    assert forged.status_code == 400
    elsewhere = client.get(
        _registration_link(),
        {"openid_configuration": config.replace("127.0.0.1", "localhost")},
    )
    assert elsewhere.status_code == 502
    assert "issuer" in elsewhere.content.decode()
    unreachable = client.get(
        _registration_link(), {"openid_configuration": "http://127.0.0.1:1/nothing"}
    )
    assert unreachable.status_code == 502
    assert not LtiRegistration.objects.exists()


def test_a_burst_of_launches_asks_the_lms_for_the_roster_once(platform):
    platform.members = [platform.member("teacher-1", ["Instructor"])]
    platform.launch(Client(), sub="teacher-1", roles=("Instructor",))
    synced = CourseLink.objects.get().roster_synced_at
    platform.members = []  # if it asked again, the teacher would be the only one left

    for n in range(3):
        platform.launch(Client(), sub=f"learner-{n}")

    assert CourseLink.objects.get().roster_synced_at == synced
    assert _classroom().memberships.count() == 4
