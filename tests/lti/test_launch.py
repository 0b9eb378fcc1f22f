"""A launch from the LMS, end to end: OIDC login initiation, a real RS256 id_token signed
by the test platform and verified by pylti1p3 against the platform's JWKS over HTTP, and
the person landing signed in on the right page. Bad launches get a clear page, a log line,
no 500 and no session."""

import logging

from django.contrib.auth import SESSION_KEY
from jwcrypto.jwk import JWK
from lti_tool.models import LtiDeployment, LtiUser

from counterpoint.models import Membership, User
from lti.models import ActivityLink, CourseLink
from tests.lti.platform import LTI, ROLE


def test_a_learners_first_launch_makes_the_person_and_the_class_and_signs_them_in(platform, client):
    response = platform.launch(client, sub="learner-7", roles=("Learner",))

    assert response.status_code == 200
    user = LtiUser.objects.get(sub="learner-7").auth_user
    assert user.display_name == "Person learner-7"
    assert user.email.endswith("@lti.invalid")  # the LMS sent no address
    assert not user.has_usable_password()
    classroom = CourseLink.objects.get(context__id_on_platform="course-1").classroom
    assert classroom.name == "History 10B"
    assert Membership.objects.get(user=user, classroom=classroom).role == "student"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert f'href="/classes/{classroom.pk}/"' in response.content.decode()  # lands on the class


def test_instructors_and_teaching_assistants_are_teachers(platform, client):
    platform.members = [
        platform.member("teacher-1", ["Instructor"]),
        platform.member("ta-1", ["Instructor#TeachingAssistant"]),
    ]
    platform.launch(client, sub="teacher-1", roles=("Instructor",))
    platform.launch(client, sub="ta-1", roles=("Instructor#TeachingAssistant",))

    for sub in ("teacher-1", "ta-1"):
        user = LtiUser.objects.get(sub=sub).auth_user
        assert Membership.objects.get(user=user).role == "teacher"


def test_a_second_launch_finds_the_same_person_and_class(platform, client):
    platform.launch(client, sub="learner-7")
    platform.launch(client, sub="learner-7")

    assert LtiUser.objects.filter(sub="learner-7").count() == 1
    assert CourseLink.objects.count() == 1
    user = LtiUser.objects.get(sub="learner-7").auth_user
    assert Membership.objects.filter(user=user).count() == 1


def test_an_lms_address_that_matches_an_account_does_not_sign_into_that_account(
    platform, client, teacher
):
    platform.launch(client, sub="someone", email=teacher.email)

    user = LtiUser.objects.get(sub="someone").auth_user
    assert user != teacher
    assert client.session[SESSION_KEY] == str(user.pk)


def test_an_lms_address_is_kept_when_it_is_free(platform, client):
    platform.launch(client, sub="with-mail", email="pupil@school.test")

    assert LtiUser.objects.get(sub="with-mail").auth_user.email == "pupil@school.test"


def test_a_launch_of_a_linked_activity_opens_its_reading_page(platform, client, assignment):
    platform.members = [platform.member("teacher-1", ["Instructor"])]
    platform.launch(client, sub="teacher-1", roles=("Instructor",))
    link = CourseLink.objects.get()
    assignment.classroom = link.classroom
    assignment.save()

    response = platform.launch(
        client,
        sub="learner-7",
        resource_link="link-9",
        custom={"counterpoint_assignment": str(assignment.pk)},
    )

    assert f'href="/assignments/{assignment.pk}/"' in response.content.decode()
    activity = ActivityLink.objects.get(resource_link__id_on_platform="link-9")
    assert activity.assignment == assignment
    assert activity.lineitem_url == f"{platform.base}/lineitems/link-9"


def test_a_custom_parameter_cannot_open_another_class_s_assignment(platform, client, assignment):
    response = platform.launch(
        client, sub="learner-7", custom={"counterpoint_assignment": str(assignment.pk)}
    )

    assert f"/assignments/{assignment.pk}/" not in response.content.decode()
    assert not ActivityLink.objects.exists()


def test_the_launch_page_may_be_framed_by_the_platform_only_and_its_cookies_cross_sites(
    platform, client
):
    response = platform.launch(client)

    assert f"frame-ancestors {platform.base}" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    cookie = response.cookies["sessionid"]
    assert cookie["samesite"] == "None"
    assert cookie["secure"]
    # and the next page in the same session too
    page = client.get("/")
    assert f"frame-ancestors {platform.base}" in page["Content-Security-Policy"]


def test_people_without_an_lms_launch_keep_unframeable_pages_and_lax_cookies(client, student):
    client.force_login(student)
    response = client.get("/")

    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_new_tab_link_signs_the_person_in_once(platform, client):
    from django.test import Client

    response = platform.launch(client, sub="learner-7")
    ticket_url = response.context["ticket_url"]

    other = Client()
    opened = other.get(ticket_url)
    assert opened.status_code == 302
    assert other.session[SESSION_KEY] == str(LtiUser.objects.get(sub="learner-7").auth_user_id)
    again = Client().get(ticket_url)
    assert again.status_code == 400
    assert SESSION_KEY not in again.wsgi_request.session


# --- bad launches ------------------------------------------------------------------------


def _refused(response, client, caplog, status=400):
    assert response.status_code == status
    assert "Could not open Counterpoint" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert any(r.name == "counterpoint.lti" for r in caplog.records)
    assert not User.objects.filter(lti_users__isnull=False).exists() or status == 403


def test_an_expired_id_token_is_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)

    def expire(claims):
        claims["iat"] -= 3600
        claims["exp"] = claims["iat"] + 60

    _refused(platform.launch(client, edit=expire), client, caplog)


def test_a_replayed_launch_is_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    platform.launch(client)
    client.logout()

    replay = client.post("/lti/launch/", platform.last_post)

    assert replay.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_nonce_that_was_not_issued_is_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    _refused(platform.launch(client, edit=lambda c: c.update(nonce="made-up")), client, caplog)


def test_a_wrong_audience_is_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    _refused(platform.launch(client, edit=lambda c: c.update(aud="someone-else")), client, caplog)


def test_a_wrong_issuer_is_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    _refused(
        platform.launch(client, edit=lambda c: c.update(iss="https://evil.example")),
        client,
        caplog,
    )


def test_an_unknown_deployment_is_refused_and_not_created(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    _refused(
        platform.launch(client, edit=lambda c: c.update({LTI + "deployment_id": "other"})),
        client,
        caplog,
    )
    assert not LtiDeployment.objects.filter(deployment_id="other").exists()


def test_a_bad_signature_is_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    stranger = JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)

    _refused(
        platform.launch(client, sign=lambda c: platform.sign(c, key_pem=stranger)), client, caplog
    )


def test_missing_claims_are_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    for claim in ("sub", LTI + "roles", LTI + "resource_link", LTI + "version"):
        client.logout()
        response = platform.launch(client, edit=lambda c, claim=claim: c.pop(claim))
        _refused(response, client, caplog)


def test_a_launch_without_a_course_is_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    response = platform.launch(client, edit=lambda c: c.pop(LTI + "context"))
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_unknown_roles_are_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    response = platform.launch(client, roles=(ROLE + "Mentor", "urn:made-up"))

    assert response.status_code == 403
    assert "role" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_garbage_is_refused_calmly(platform, client, caplog):
    caplog.set_level(logging.WARNING)
    assert client.post("/lti/launch/", {"id_token": "x.y.z", "state": "s"}).status_code == 400
    assert client.post("/lti/launch/", {}).status_code == 400
    assert client.post("/lti/login/", {"iss": "https://nobody.example"}).status_code == 400
    assert client.get("/lti/login/").status_code == 400


def test_the_jwks_publishes_counterpoint_s_public_keys_only(platform, client):
    keys = client.get("/lti/jwks/").json()["keys"]

    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert "d" not in keys[0]


def test_deleting_the_account_deletes_what_the_lms_told_us(platform, client):
    from counterpoint.services import account_delete

    platform.launch(client, sub="learner-7", email="pupil@school.test")
    user = LtiUser.objects.get(sub="learner-7").auth_user

    account_delete(user=user)

    assert not LtiUser.objects.filter(sub="learner-7").exists()
    assert not User.objects.filter(email="pupil@school.test").exists()


def test_a_kind_of_launch_counterpoint_does_not_handle_is_refused(platform, client, caplog):
    caplog.set_level(logging.WARNING)

    def privacy(claims):
        claims[LTI + "message_type"] = "DataPrivacyLaunchRequest"
        claims[LTI + "for_user"] = {"user_id": "x"}
        del claims[LTI + "resource_link"], claims[LTI + "context"]

    response = platform.launch(client, edit=privacy)

    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_download_my_data_includes_what_the_lms_told_us(platform, client):
    platform.launch(client, sub="learner-7", email="pupil@school.test")

    data = client.get("/accounts/export.json").json()

    (identity,) = data["lms"]
    assert identity["lms"] == platform.issuer
    assert identity["id_in_lms"] == "learner-7"
    assert identity["email"] == "pupil@school.test"
    assert identity["courses"] == ["History 10B"]
