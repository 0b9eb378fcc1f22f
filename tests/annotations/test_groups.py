"""Small groups: in a class with groups a student sees their group's notes and their
teachers', through every channel (reading page, live poll, API, W3C export, CSVs, class
dashboard, the builder's evidence tray); teachers see every group and filter by one."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation
from annotations.services import reply_create
from counterpoint import groups as group_rules
from counterpoint import permissions
from counterpoint.models import Membership, StudyGroup
from essays.services import builder_material
from tests.annotations.helpers import annotate
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def student_in(classroom, name):
    user = UserFactory(display_name=name, email=f"{name.split()[0].lower()}@example.test")
    MembershipFactory(user=user, classroom=classroom, role=Membership.Role.STUDENT)
    return user


def membership(user, classroom):
    return Membership.objects.get(user=user, classroom=classroom)


@pytest.fixture
def other(classroom):
    return student_in(classroom, "Olga Other")


@pytest.fixture
def loner(classroom):
    return student_in(classroom, "Nia Nogroup")


@pytest.fixture
def grouped(classroom, assignment, teacher, student, classmate, other, loner):
    """Sam and Cleo in Group A, Olga in Group B, Nia in no group; one note each, and the
    teacher's."""
    a = StudyGroup.objects.create(classroom=classroom, name="Group A")
    b = StudyGroup.objects.create(classroom=classroom, name="Group B")
    Membership.objects.filter(user__in=[student, classmate], classroom=classroom).update(group=a)
    Membership.objects.filter(user=other, classroom=classroom).update(group=b)
    notes = {
        "mine": annotate(assignment, student, body="Sam on purges"),
        "mate": annotate(assignment, classmate, body="Cleo on the thaw", quote="Paragraph"),
        "other": annotate(assignment, other, body="Olga in another group"),
        "loner": annotate(assignment, loner, body="Nia without a group"),
        "teacher": annotate(assignment, teacher, body="Teacher says look closer"),
    }
    return {"a": a, "b": b, "notes": notes}


def bodies(queryset):
    return set(queryset.values_list("body", flat=True))


def seen_by(user, assignment, is_teacher=False):
    return bodies(Annotation.objects.visible_to(user, assignment, is_teacher=is_teacher))


# --- the rule ----------------------------------------------------------------------------


def test_a_student_sees_their_group_and_their_teachers_notes(assignment, student, grouped):
    assert seen_by(student, assignment) == {
        "Sam on purges",
        "Cleo on the thaw",
        "Teacher says look closer",
    }


def test_a_student_without_a_group_sees_their_own_and_their_teachers_notes(
    assignment, loner, grouped
):
    assert seen_by(loner, assignment) == {"Nia without a group", "Teacher says look closer"}


def test_the_teacher_sees_every_group(assignment, teacher, grouped):
    assert len(seen_by(teacher, assignment, is_teacher=True)) == 5


def test_a_class_without_groups_reads_as_one(assignment, student, classmate, other):
    annotate(assignment, other, body="Olga for all")

    assert "Olga for all" in seen_by(student, assignment)


def test_the_whole_class_view_needs_the_teachers_leave_and_the_students_choice(
    classroom, assignment, student, grouped
):
    mine = membership(student, classroom)
    mine.sees_whole_class = True
    mine.save()
    assert "Olga in another group" not in seen_by(student, assignment)  # not allowed yet

    group_rules.whole_class_allow(classroom=classroom, allowed=True)
    permissions.forget_roles(student)  # as a new request: roles and scope loaded again

    assert "Olga in another group" in seen_by(student, assignment)
    assert "Nia without a group" in seen_by(student, assignment)


def test_private_notes_stay_private_within_a_group(assignment, student, classmate, grouped):
    annotate(assignment, classmate, body="Cleo alone", visibility="private")

    assert "Cleo alone" not in seen_by(student, assignment)


def test_a_hidden_note_of_my_group_stays_hidden(assignment, student, teacher, grouped):
    grouped["notes"]["mate"].hide(teacher, "Off topic")

    assert "Cleo on the thaw" not in seen_by(student, assignment)


def test_replies_from_another_group_are_not_shown_under_a_teachers_note(
    assignment, student, classmate, other, grouped
):
    prompt = grouped["notes"]["teacher"]
    reply_create(parent=prompt, author=other, body="Olga replies", private=False)
    reply_create(parent=prompt, author=classmate, body="Cleo replies", private=False)

    seen = seen_by(student, assignment)

    assert "Cleo replies" in seen
    assert "Olga replies" not in seen


def test_think_first_reveals_only_the_group(assignment, student, grouped):
    assignment.reveal_after_posts = 2
    assignment.save()
    assert seen_by(student, assignment) == {"Sam on purges", "Teacher says look closer"}

    annotate(assignment, student, body="Sam again", quote="Paragraph")

    assert seen_by(student, assignment) == {
        "Sam on purges",
        "Sam again",
        "Cleo on the thaw",
        "Teacher says look closer",
    }


def test_the_think_first_notice_speaks_of_the_group(assignment, student, grouped):
    assignment.reveal_after_posts = 2
    assignment.save()

    page = logged_in(student).get(reverse("comparisons:read", args=[assignment.pk]))

    assert "post 2 annotations of your own to see your group&#x27;s." in page.content.decode()


# --- every channel -----------------------------------------------------------------------


def reading(client, assignment, query=""):
    return client.get(reverse("comparisons:read", args=[assignment.pk]) + query)


def test_the_reading_page_shows_a_student_their_group_only(assignment, student, grouped):
    response = reading(logged_in(student), assignment)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Cleo" in page and "Showing your group" in page
    assert f'id="annotation-{grouped["notes"]["other"].pk}"' not in page
    assert f'id="annotation-{grouped["notes"]["loner"].pk}"' not in page


def test_the_teacher_filters_the_reading_page_by_group(assignment, teacher, grouped):
    client = logged_in(teacher)
    other_note = f'id="annotation-{grouped["notes"]["other"].pk}"'

    everyone = reading(client, assignment).content.decode()
    group_b = reading(client, assignment, f"?group={grouped['b'].pk}").content.decode()

    assert other_note in everyone and f'id="annotation-{grouped["notes"]["mine"].pk}"' in everyone
    assert 'name="group"' in everyone
    assert other_note in group_b
    assert f'id="annotation-{grouped["notes"]["mine"].pk}"' not in group_b


def test_a_student_switches_to_the_whole_class_and_back_and_it_is_kept(
    classroom, assignment, student, grouped
):
    group_rules.whole_class_allow(classroom=classroom, allowed=True)
    client = logged_in(student)
    url = reverse("whole_class_choice", args=[classroom.pk])
    back = reverse("comparisons:read", args=[assignment.pk])

    response = client.post(url, {"whole_class": "1", "next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert membership(student, classroom).sees_whole_class is True
    page = reading(client, assignment).content.decode()
    assert "Olga in another group" in page and "Show my group only" in page

    client.post(url, {"whole_class": "0", "next": back})
    assert "Olga in another group" not in reading(client, assignment).content.decode()


def test_the_whole_class_choice_is_refused_when_the_teacher_keeps_groups(
    classroom, assignment, student, grouped
):
    client = logged_in(student)

    response = client.post(
        reverse("whole_class_choice", args=[classroom.pk]), {"whole_class": "1"}, follow=True
    )

    assert response.status_code == 200
    assert "keeps this class in its groups" in response.content.decode()
    assert membership(student, classroom).sees_whole_class is False


def poll(client, assignment, etag=None):
    headers = {**HTMX, "If-None-Match": etag} if etag else HTMX
    return client.get(reverse("annotations:poll", args=[assignment.pk]), headers=headers)


def test_the_live_poll_follows_a_student_moved_to_another_group(
    classroom, assignment, student, grouped
):
    client = logged_in(student)
    first = poll(client, assignment)
    assert first.status_code == 200
    etag = first["ETag"]
    assert poll(client, assignment, etag).status_code == 304

    group_rules.students_move(
        classroom=classroom,
        membership_ids=[membership(student, classroom).pk],
        group=grouped["b"],
    )
    response = poll(client, assignment, etag)

    page = response.content.decode()
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert 'id="annotation-list"' in page  # the whole list, not a delta
    assert "Olga in another group" in page
    assert f'id="annotation-{grouped["notes"]["mate"].pk}"' not in page
    assert poll(client, assignment, response["ETag"]).status_code == 304


def test_the_live_poll_follows_a_classmate_moved_into_my_group(
    classroom, assignment, student, other, grouped
):
    client = logged_in(student)
    etag = poll(client, assignment)["ETag"]

    group_rules.students_move(
        classroom=classroom, membership_ids=[membership(other, classroom).pk], group=grouped["a"]
    )
    response = poll(client, assignment, etag)

    assert response.status_code == 200
    assert "Olga in another group" in response.content.decode()


def test_the_api_lists_my_group_only_and_another_groups_note_is_a_404(assignment, student, grouped):
    client = logged_in(student)

    listed = client.get("/api/v1/annotations/", {"assignment": assignment.pk})
    detail = client.get(f"/api/v1/annotations/{grouped['notes']['other'].pk}/")
    mate = client.get(f"/api/v1/annotations/{grouped['notes']['mate'].pk}/")

    assert listed.status_code == 200
    assert {row["body"] for row in listed.json()["results"]} == {
        "Sam on purges",
        "Cleo on the thaw",
        "Teacher says look closer",
    }
    assert detail.status_code == 404
    assert mate.status_code == 200


def test_the_teacher_filters_the_api_list_by_group(assignment, teacher, grouped):
    response = logged_in(teacher).get(
        "/api/v1/annotations/", {"assignment": assignment.pk, "group": grouped["b"].pk}
    )

    assert response.status_code == 200
    assert [row["body"] for row in response.json()["results"]] == ["Olga in another group"]


def test_the_html_card_of_another_groups_note_is_a_404(assignment, student, grouped):
    response = logged_in(student).get(
        reverse("annotations:card", args=[grouped["notes"]["other"].pk]), headers=HTMX
    )

    assert response.status_code == 404


def test_the_w3c_export_holds_my_group_only(assignment, student, grouped):
    response = logged_in(student).get(
        reverse("annotation-collection", args=[assignment.pk]), {"format": "json"}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Cleo on the thaw" in text
    assert "Olga in another group" not in text
    assert "Nia without a group" not in text


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_exports_name_each_students_group(assignment, teacher, grouped):
    client = logged_in(teacher)

    notes = rows_of(client.get(reverse("insights:annotations", args=[assignment.pk])))
    grades = rows_of(client.get(reverse("insights:gradebook", args=[assignment.pk])))

    assert notes[0][:2] == ["Author", "Group"]
    assert {(row[0], row[1]) for row in notes[1:]} >= {
        ("Sam Student", "Group A"),
        ("Olga Other", "Group B"),
        ("Nia Nogroup", ""),
    }
    assert grades[0][:2] == ["Student", "Group"]
    assert ["Olga Other", "Group B"] == grades[[r[0] for r in grades].index("Olga Other")][:2]


def test_the_csv_exports_have_no_group_column_in_a_class_without_groups(
    assignment, teacher, student
):
    notes = rows_of(logged_in(teacher).get(reverse("insights:annotations", args=[assignment.pk])))

    assert "Group" not in notes[0]


def test_the_dashboard_shows_one_group_when_asked(classroom, assignment, teacher, grouped):
    client = logged_in(teacher)
    url = reverse("insights:class_dashboard", args=[classroom.pk])

    whole = client.get(url, {"assignment": assignment.pk})
    group_b = client.get(url, {"assignment": assignment.pk, "group": grouped["b"].pk})

    assert whole.status_code == 200 and group_b.status_code == 200
    assert "Sam Student" in whole.content.decode()
    assert 'id="dashboard-group"' in whole.content.decode()
    figures = group_b.context["figures"]
    assert [row.student.display_name for row in figures.students] == ["Olga Other"]
    assert sum(row.annotations for row in figures.students) == 1


def test_the_builders_evidence_tray_offers_my_groups_notes_only(assignment, student, grouped):
    material = builder_material(assignment, student)

    offered = {a.body for a in material.annotations}
    assert "Cleo on the thaw" in offered
    assert "Olga in another group" not in offered
    assert "Nia without a group" not in offered


def test_moderation_filters_by_group(classroom, assignment, teacher, grouped):
    client = logged_in(teacher)
    url = reverse("annotations:moderation", args=[classroom.pk])

    everyone = client.get(url).content.decode()
    group_a = client.get(url, {"group": grouped["a"].pk}).content.decode()

    assert "Olga in another group" in everyone
    assert "Olga in another group" not in group_a
    assert "Cleo on the thaw" in group_a
