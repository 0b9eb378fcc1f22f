"""Flags and moderation through /api/v1/annotations/<id>/…: who may do what, the audit trail
each action leaves, and a class's flag list for its teachers."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.models import Annotation, Flag, ModerationAction
from counterpoint.models import Membership
from tests.factories import (
    AnnotationFactory,
    AssignmentFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/annotations/"
Action = ModerationAction.Action


def detail_url(annotation):
    return f"{LIST_URL}{annotation.pk}/"


def action_url(annotation, name):
    return f"{detail_url(annotation)}{name}/"


def flags_url(classroom):
    return f"/api/v1/classes/{classroom.pk}/flags/"


def api_client(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def co_teacher(classroom):
    user = UserFactory(display_name="Mr Colleague")
    MembershipFactory(user=user, classroom=classroom, role=Membership.Role.TEACHER)
    return user


@pytest.fixture
def annotation(assignment, classmate):
    """A classmate's annotation the whole class can see: the thing being moderated."""
    return AnnotationFactory(assignment=assignment, author=classmate, body="Stalin was kind")


# --- who may do what ----------------------------------------------------------------

ROLES = [
    "student",
    "author",
    "teacher",
    "co_teacher",
    "outsider_teacher",
    "outsider_student",
    "anonymous",
]
MODERATOR = {"teacher": 200, "co_teacher": 200}
# A student of the class who sees the annotation may not moderate it (403); whoever cannot
# see it gets 404, so it is not even revealed to exist. Anonymous: 403 (session auth).
EXPECTED = {
    "flag": {"student": 201, "author": 400, "teacher": 201, "co_teacher": 201},
    "hide": {"student": 403, "author": 403, **MODERATOR},
    # A hidden annotation is invisible to students other than its author: 404, not 403.
    "unhide": {"student": 404, "author": 403, **MODERATOR},
    "pin": {"student": 403, "author": 403, **MODERATOR},
    "lock": {"student": 403, "author": 403, **MODERATOR},
    "keep": {"student": 403, "author": 403, **MODERATOR},
    # The author deletes their own (no audit row); a teacher's delete is moderation.
    "delete": {"student": 403, "author": 204, "teacher": 204, "co_teacher": 204},
}
BODIES = {
    "flag": {"reason": "inaccurate"},
    "hide": {"reason": "Not true, and unkind."},
    "unhide": {},
    "pin": {},
    "lock": {},
    "keep": {},
    "delete": {},
}


def user_for(request, role):
    if role == "anonymous":
        return None
    return request.getfixturevalue("classmate" if role == "author" else role)


def send(client, annotation, name):
    if name == "delete":
        return client.delete(detail_url(annotation))
    return client.post(action_url(annotation, name), BODIES[name], format="json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", EXPECTED)
def test_who_may_flag_and_moderate(
    request, annotation, teacher, student, outsider_teacher, outsider_student, name, role
):
    if name == "unhide":
        annotation.hide(teacher, "Off-topic")
    user = user_for(request, role)

    response = send(api_client(user), annotation, name)

    expected = EXPECTED[name].get(role, 404)
    if role == "anonymous":
        assert response.status_code == 403
    else:
        assert response.status_code == expected, response.content
    audited = ModerationAction.objects.filter(actor=user) if user else ModerationAction.objects
    moderated = expected in (200, 204) and role not in ("author", "anonymous")
    assert audited.exists() == (moderated and name != "flag")
    assert Flag.objects.exists() == (name == "flag" and expected == 201)


def test_a_students_bad_body_is_still_403(annotation, student):
    """The role is checked before the body, so a 400 never tells a student more."""
    response = api_client(student).post(action_url(annotation, "hide"), {}, format="json")

    assert response.status_code == 403


def test_moderating_a_private_annotation_is_404_even_for_a_teacher(assignment, teacher, student):
    private = AnnotationFactory(assignment=assignment, author=student, visibility="private")

    response = api_client(teacher).post(action_url(private, "hide"), {"reason": "x"})

    assert response.status_code == 404
    private.refresh_from_db()
    assert not private.is_hidden


def test_moderation_needs_the_csrf_token_with_session_auth(annotation, teacher):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = client.post(action_url(annotation, "hide"), {"reason": "x"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not ModerationAction.objects.exists()


# --- what each action does and records -----------------------------------------------


def test_hiding_records_who_what_why_and_the_words(annotation, teacher, classroom, classmate):
    response = api_client(teacher).post(
        action_url(annotation, "hide"), {"reason": "Not true, and unkind."}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["is_hidden"] is True
    assert body["hidden_reason"] == "Not true, and unkind."
    record = ModerationAction.objects.get()
    assert record.classroom == classroom
    assert record.annotation == annotation
    assert record.annotation_author == classmate
    assert record.actor == teacher
    assert record.action == Action.HIDE
    assert record.reason == "Not true, and unkind."
    assert record.snapshot == "Stalin was kind"
    annotation.refresh_from_db()
    assert (annotation.is_hidden, annotation.hidden_by) == (True, teacher)


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "x" * 301}, "reason")],
)
def test_hiding_needs_a_short_reason(annotation, teacher, body, field):
    response = api_client(teacher).post(action_url(annotation, "hide"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not ModerationAction.objects.exists()


def test_unhiding_restores_the_annotation_and_is_recorded(annotation, teacher, co_teacher):
    annotation.hide(teacher, "Off-topic")

    response = api_client(co_teacher).post(action_url(annotation, "unhide"))

    assert response.status_code == 200
    assert response.json()["is_hidden"] is False
    assert response.json()["hidden_reason"] == ""
    assert ModerationAction.objects.get().action == Action.UNHIDE
    assert ModerationAction.objects.get().actor == co_teacher


@pytest.mark.parametrize(
    ("name", "field", "undo", "actions"),
    [
        ("pin", "is_pinned", {"pinned": False}, [Action.PIN, Action.UNPIN]),
        ("lock", "is_locked", {"locked": False}, [Action.LOCK, Action.UNLOCK]),
    ],
)
def test_pin_and_lock_default_to_on_and_undo_with_false(
    annotation, teacher, name, field, undo, actions
):
    client = api_client(teacher)

    on = client.post(action_url(annotation, name), format="json")
    off = client.post(action_url(annotation, name), undo, format="json")

    assert (on.status_code, on.json()[field]) == (200, True)
    assert (off.status_code, off.json()[field]) == (200, False)
    recorded = ModerationAction.objects.order_by("pk").values_list("action", flat=True)
    assert list(recorded) == actions


@pytest.mark.parametrize("name", ["pin", "lock"])
def test_a_reply_cannot_be_pinned_or_locked(annotation, teacher, student, name):
    reply = AnnotationFactory(parent=annotation, author=student)

    response = api_client(teacher).post(action_url(reply, name), format="json")

    assert response.status_code == 400
    assert not ModerationAction.objects.exists()


def test_a_teacher_can_hide_a_reply(annotation, teacher, student):
    reply = AnnotationFactory(parent=annotation, author=student, body="Rude reply")

    response = api_client(teacher).post(
        action_url(reply, "hide"), {"reason": "Unkind"}, format="json"
    )

    assert response.status_code == 200
    assert ModerationAction.objects.get().snapshot == "Rude reply"


def test_a_teachers_delete_keeps_the_audit_row_and_the_words(annotation, teacher, classmate):
    response = api_client(teacher).delete(
        detail_url(annotation), {"reason": "Personal information"}, format="json"
    )

    assert response.status_code == 204
    assert not Annotation.objects.filter(pk=annotation.pk).exists()
    record = ModerationAction.objects.get()
    assert record.annotation is None
    assert record.snapshot == "Stalin was kind"
    assert record.annotation_author == classmate
    assert (record.actor, record.action, record.reason) == (
        teacher,
        Action.DELETE,
        "Personal information",
    )


def test_a_teachers_delete_of_a_thread_with_replies_leaves_a_stub(annotation, teacher, student):
    AnnotationFactory(parent=annotation, author=student)

    assert api_client(teacher).delete(detail_url(annotation)).status_code == 204

    annotation.refresh_from_db()
    assert annotation.is_deleted
    assert ModerationAction.objects.get().annotation == annotation


def test_an_authors_own_delete_is_not_moderation(annotation, classmate):
    assert api_client(classmate).delete(detail_url(annotation)).status_code == 204

    assert not ModerationAction.objects.exists()


def test_a_teachers_own_annotation_is_deleted_without_an_audit_row(assignment, teacher):
    mine = AnnotationFactory(assignment=assignment, author=teacher)

    assert api_client(teacher).delete(detail_url(mine)).status_code == 204

    assert not ModerationAction.objects.exists()


# --- flags ------------------------------------------------------------------------------


def test_flagging_returns_the_flag(annotation, student):
    response = api_client(student).post(
        action_url(annotation, "flag"),
        {"reason": "other", "details": "Copied from a website"},
        format="json",
    )

    assert response.status_code == 201
    flag = Flag.objects.get()
    assert (flag.annotation, flag.reporter) == (annotation, student)
    body = response.json()
    assert set(body) == {"id", "reason", "details", "state", "created"}
    assert body["id"] == flag.pk
    assert (body["reason"], body["details"], body["state"]) == (
        "other",
        "Copied from a website",
        "open",
    )


def test_flagging_twice_returns_the_same_flag(annotation, student):
    client = api_client(student)

    first = client.post(action_url(annotation, "flag"), {"reason": "unkind"}, format="json")
    again = client.post(action_url(annotation, "flag"), {"reason": "off_topic"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Flag.objects.get().reason == "unkind"


def test_you_cannot_flag_your_own_annotation(annotation, classmate):
    response = api_client(classmate).post(
        action_url(annotation, "flag"), {"reason": "unkind"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["You cannot flag your own annotation."]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "other"}, "details"),
        ({"reason": "other", "details": "   "}, "details"),
        ({"reason": "rude"}, "reason"),
        ({}, "reason"),
        ({"reason": "unkind", "details": "x" * 301}, "details"),
    ],
)
def test_a_flag_needs_a_known_reason_and_details_for_other(annotation, student, body, field):
    response = api_client(student).post(action_url(annotation, "flag"), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Flag.objects.exists()


def flag(annotation, reporter, reason="unkind", **fields):
    return Flag.objects.create(annotation=annotation, reporter=reporter, reason=reason, **fields)


@pytest.mark.parametrize(("name", "state"), [("hide", "hidden"), ("keep", "kept")])
def test_hiding_or_keeping_resolves_the_open_flags(
    annotation, teacher, student, outsider_student, name, state
):
    open_flag = flag(annotation, student)
    already_kept = flag(annotation, outsider_student, state=Flag.State.KEPT)

    response = api_client(teacher).post(action_url(annotation, name), BODIES[name], format="json")

    assert response.status_code == 200
    open_flag.refresh_from_db()
    already_kept.refresh_from_db()
    assert open_flag.state == state
    assert open_flag.resolved_at is not None
    assert already_kept.state == Flag.State.KEPT
    assert ModerationAction.objects.get().action == name


def test_a_teachers_delete_closes_the_open_flags(annotation, teacher, student):
    AnnotationFactory(parent=annotation, author=student)  # so a stub (and its flag) survive
    open_flag = flag(annotation, student)

    api_client(teacher).delete(detail_url(annotation))

    open_flag.refresh_from_db()
    assert open_flag.state == Flag.State.HIDDEN


# --- locked threads -----------------------------------------------------------------------


def test_a_locked_thread_refuses_replies_until_unlocked(annotation, teacher, student):
    earlier = AnnotationFactory(parent=annotation, author=student)
    client = api_client(teacher)
    client.post(action_url(annotation, "lock"), format="json")
    replier = api_client(student)

    for parent in (annotation, earlier):  # a reply to a reply joins the same thread
        refused = replier.post(LIST_URL, {"parent": parent.pk, "body": "But…"}, format="json")
        assert refused.status_code == 400
        assert refused.json() == {"parent": ["This thread is locked: no new replies."]}
    teachers_reply = client.post(
        LIST_URL, {"parent": annotation.pk, "body": "Done."}, format="json"
    )
    assert teachers_reply.status_code == 400
    assert annotation.replies.count() == 1

    client.post(action_url(annotation, "lock"), {"locked": False}, format="json")
    accepted = replier.post(LIST_URL, {"parent": annotation.pk, "body": "But…"}, format="json")
    assert accepted.status_code == 201


# --- a class's flags -----------------------------------------------------------------------


@pytest.fixture
def flagged(assignment, student, classmate, teacher):
    """Three flags in three states, oldest first: open, hidden, kept."""
    on_open = AnnotationFactory(assignment=assignment, author=classmate, body="Open one")
    on_hidden = AnnotationFactory(assignment=assignment, author=classmate, body="Hidden one")
    on_kept = AnnotationFactory(assignment=assignment, author=classmate, body="Kept one")
    now = timezone.now()
    return {
        "open": flag(on_open, student, details="Wrong date"),
        "hidden": flag(on_hidden, student, state=Flag.State.HIDDEN, resolved_at=now),
        "kept": flag(on_kept, student, state=Flag.State.KEPT, resolved_at=now),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["open"]),
        ({"state": "open"}, ["open"]),
        ({"state": "hidden"}, ["hidden"]),
        ({"state": "kept"}, ["kept"]),
        ({"state": "all"}, ["kept", "hidden", "open"]),
    ],
)
def test_the_class_flags_list_filters_by_state_newest_first(
    classroom, teacher, flagged, query, expected
):
    response = api_client(teacher).get(flags_url(classroom), query)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [
        flagged[state].pk for state in expected
    ]


def test_a_flag_in_the_list_says_who_flagged_what(classroom, teacher, student, classmate, flagged):
    response = api_client(teacher).get(flags_url(classroom))

    (row,) = response.json()["results"]
    annotation = flagged["open"].annotation
    assert row["reason"] == "unkind"
    assert row["details"] == "Wrong date"
    assert row["state"] == "open"
    assert row["created"]
    assert row["reporter"] == {"id": student.pk, "display_name": "Sam Student"}
    assert row["annotation"]["id"] == annotation.pk
    assert row["annotation"]["exact"] == annotation.exact
    assert row["annotation"]["body"] == "Open one"
    assert row["annotation"]["author"] == {"id": classmate.pk, "display_name": "Cleo Classmate"}
    assert "email" not in str(row)


def test_an_unknown_state_is_a_400(classroom, teacher):
    response = api_client(teacher).get(flags_url(classroom), {"state": "closed"})

    assert response.status_code == 400
    assert "state" in response.json()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("teacher", 200),
        ("co_teacher", 200),
        ("student", 403),
        ("outsider_teacher", 404),
        ("outsider_student", 404),
    ],
)
def test_only_the_classs_teachers_see_its_flags(request, classroom, flagged, role, status):
    response = api_client(request.getfixturevalue(role)).get(flags_url(classroom))

    assert response.status_code == status


def test_anonymous_cannot_see_flags(classroom, flagged):
    assert api_client().get(flags_url(classroom)).status_code == 403


def test_a_flag_on_an_annotation_made_private_drops_out(classroom, teacher, flagged):
    flagged["open"].annotation.change_visibility(Annotation.Visibility.PRIVATE)

    response = api_client(teacher).get(flags_url(classroom))

    assert response.json()["results"] == []


def test_flags_of_another_class_are_not_listed(
    classroom, other_classroom, teacher, outsider_teacher, outsider_student, flagged
):
    theirs = AssignmentFactory(classroom=other_classroom)
    flag(AnnotationFactory(assignment=theirs, author=outsider_teacher), outsider_student)

    response = api_client(teacher).get(flags_url(classroom))

    assert [row["id"] for row in response.json()["results"]] == [flagged["open"].pk]


@pytest.mark.parametrize("count", [5, 50])
def test_the_flags_list_takes_a_fixed_number_of_queries(
    django_assert_num_queries, assignment, classroom, teacher, classmate, count
):
    for n in range(count):
        reporter = UserFactory()
        flag(AnnotationFactory(assignment=assignment, author=classmate), reporter, details=f"{n}")

    client = api_client(teacher)
    # session, user, the class, my roles, count, the page (annotation, its author and the
    # reporter joined)
    with django_assert_num_queries(6):
        response = client.get(flags_url(classroom))
        rows = response.json()["results"]

    assert len(rows) == count
    assert all(row["annotation"]["author"]["display_name"] for row in rows)
    assert all(row["reporter"]["display_name"] for row in rows)
