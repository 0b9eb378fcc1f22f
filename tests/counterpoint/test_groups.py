"""Splitting a class into small groups and changing them: the rules (counterpoint.groups) and
the class page's Groups card, with and without htmx."""

import pytest
from django.test import Client
from django.urls import reverse

from counterpoint import groups as group_rules
from counterpoint.lib.errors import NotAllowed
from counterpoint.models import Membership, StudyGroup
from tests.factories import ClassroomFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def add_students(classroom, count):
    return [
        MembershipFactory(
            user=UserFactory(display_name=f"Student {n:03d}", email=f"s{n}@example.test"),
            classroom=classroom,
        )
        for n in range(count)
    ]


def sizes(classroom):
    return sorted(group.memberships.count() for group in classroom.groups.all())


@pytest.mark.parametrize(
    ("students", "size", "expected"),
    [(300, 15, 20), (31, 15, 2), (20, 8, 2), (7, 15, 1), (23, 8, 3), (0, 15, 0)],
)
def test_the_number_of_groups_is_the_nearest_to_the_size_asked(students, size, expected):
    assert group_rules.group_count(students, size) == expected


def test_dealing_keeps_groups_within_one_student_of_each_other():
    runs = group_rules.deal(list(range(23)), 3)

    assert [len(run) for run in runs] == [8, 8, 7]
    assert sum(runs, []) == list(range(23))


def test_a_split_in_name_order_is_balanced_and_the_same_every_time(classroom):
    add_students(classroom, 31)

    group_rules.groups_split(classroom=classroom, size=15, shuffle=False)
    first = list(classroom.memberships.order_by("pk").values_list("group__name", flat=True))
    group_rules.groups_split(classroom=classroom, size=15, shuffle=False)
    again = list(classroom.memberships.order_by("pk").values_list("group__name", flat=True))

    assert sizes(classroom) == [15, 16]
    assert first == again
    assert Membership.objects.get(user__display_name="Student 000").group.name == "Group 1"


def test_a_shuffled_split_is_balanced_and_places_everyone(classroom):
    add_students(classroom, 40)

    made = group_rules.groups_split(classroom=classroom, size=8, shuffle=True, seed=4)

    assert [g.name for g in made] == [f"Group {n}" for n in range(1, 6)]
    assert sizes(classroom) == [8, 8, 8, 8, 8]
    assert not classroom.memberships.filter(role="student", group__isnull=True).exists()


def test_teachers_are_never_put_in_groups(classroom, teacher):
    add_students(classroom, 4)

    group_rules.groups_split(classroom=classroom, size=2, shuffle=False)

    assert Membership.objects.get(user=teacher).group is None


def test_a_size_out_of_range_is_refused_with_the_field(classroom):
    add_students(classroom, 4)

    with pytest.raises(NotAllowed) as refusal:
        group_rules.groups_split(classroom=classroom, size=1, shuffle=False)

    assert refusal.value.field == "size"


def test_moving_refuses_a_student_of_another_class(classroom, other_classroom):
    group = StudyGroup.objects.create(classroom=classroom, name="Group 1")
    stranger = add_students(other_classroom, 1)[0]

    with pytest.raises(NotAllowed):
        group_rules.students_move(classroom=classroom, membership_ids=[stranger.pk], group=group)

    assert Membership.objects.get(pk=stranger.pk).group is None


def test_moving_into_another_classes_group_is_refused(classroom, other_classroom):
    mine = add_students(classroom, 1)[0]
    theirs = StudyGroup.objects.create(classroom=other_classroom, name="Group 1")

    with pytest.raises(NotAllowed):
        group_rules.students_move(classroom=classroom, membership_ids=[mine.pk], group=theirs)


def test_removing_a_group_leaves_its_students_in_the_class_without_one(classroom):
    add_students(classroom, 4)
    first, _ = group_rules.groups_split(classroom=classroom, size=2, shuffle=False)

    assert group_rules.group_remove(group=first) == 2
    assert classroom.memberships.filter(role="student", group__isnull=True).count() == 2


def test_placing_students_fills_the_smallest_groups(classroom):
    add_students(classroom, 6)
    group_rules.groups_split(classroom=classroom, size=3, shuffle=False)
    add_students_later = [
        MembershipFactory(
            user=UserFactory(display_name=f"Late {n}", email=f"late{n}@example.test"),
            classroom=classroom,
        )
        for n in range(2)
    ]

    assert group_rules.students_place(classroom=classroom) == 2
    assert sizes(classroom) == [4, 4]
    assert all(Membership.objects.get(pk=m.pk).group_id for m in add_students_later)


def test_two_groups_of_a_class_cannot_share_a_name(classroom):
    group_rules.group_add(classroom=classroom, name="Red")
    blue = group_rules.group_add(classroom=classroom, name="Blue")

    with pytest.raises(NotAllowed) as refusal:
        group_rules.group_rename(group=blue, name="Red")

    assert refusal.value.field == "name"
    with pytest.raises(NotAllowed):
        group_rules.group_add(classroom=classroom, name="Red")
    assert group_rules.group_add(classroom=classroom).name == "Group 3"


def test_the_same_group_name_is_fine_in_another_class(classroom):
    group_rules.group_add(classroom=classroom, name="Red")

    assert group_rules.group_add(classroom=ClassroomFactory(), name="Red").name == "Red"


# --- the class page ------------------------------------------------------------------------


def test_the_teacher_splits_the_class_from_the_class_page(classroom, teacher):
    add_students(classroom, 20)
    client = logged_in(teacher)

    response = client.post(
        reverse("groups_split", args=[classroom.pk]), {"size": "10", "order": "name"}
    )

    assert response.status_code == 302
    assert sizes(classroom) == [10, 10]
    page = client.get(reverse("classroom", args=[classroom.pk])).content.decode()
    assert "Group 2" in page and "The class is now in 2 groups." in page


def test_splitting_again_asks_first_and_keeps_what_was_typed(classroom, teacher):
    add_students(classroom, 6)
    group_rules.groups_split(classroom=classroom, size=3, shuffle=False)

    response = logged_in(teacher).post(
        reverse("groups_split", args=[classroom.pk]),
        {"size": "2", "order": "name"},
        headers=HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert "Tick the box to go ahead" in page
    assert 'value="2"' in page
    assert sizes(classroom) == [3, 3]


def test_moving_ticked_students_with_htmx_answers_with_the_groups_card(classroom, teacher):
    members = add_students(classroom, 4)
    first, second = group_rules.groups_split(classroom=classroom, size=2, shuffle=False)
    client = logged_in(teacher)

    response = client.post(
        reverse("students_move", args=[classroom.pk]),
        {"students": [members[0].pk], "to": str(second.pk)},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="groups"')
    assert "Moved 1 student to Group 2." in response["HX-Trigger"]
    assert Membership.objects.get(pk=members[0].pk).group == second


def test_moving_with_nothing_ticked_says_so(classroom, teacher):
    add_students(classroom, 2)
    group_rules.groups_split(classroom=classroom, size=2, shuffle=False)

    response = logged_in(teacher).post(
        reverse("students_move", args=[classroom.pk]), {"to": "none"}, headers=HTMX
    )

    assert response.status_code == 422
    assert "Tick the students to move first." in response.content.decode()


def test_renaming_to_a_taken_name_shows_the_error_and_keeps_the_text(classroom, teacher):
    red = group_rules.group_add(classroom=classroom, name="Red")
    group_rules.group_add(classroom=classroom, name="Blue")

    response = logged_in(teacher).post(
        reverse("group_rename", args=[classroom.pk, red.pk]), {"name": "Blue"}, headers=HTMX
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert "Another group in this class has that name." in page
    assert 'value="Blue"' in page and 'aria-invalid="true"' in page


def test_the_teacher_lets_students_switch_to_the_whole_class(classroom, teacher):
    group_rules.group_add(classroom=classroom)

    response = logged_in(teacher).post(
        reverse("whole_class_setting", args=[classroom.pk]), {"allowed": "on"}
    )

    assert response.status_code == 302
    classroom.refresh_from_db()
    assert classroom.students_may_see_whole_class is True


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("groups_split", []),
        ("group_add", []),
        ("students_move", []),
        ("students_place", []),
        ("whole_class_setting", []),
    ],
)
def test_students_cannot_change_groups_and_outsiders_get_404(
    classroom, student, outsider_teacher, name, args
):
    url = reverse(name, args=[classroom.pk, *args])

    assert logged_in(student).post(url, {"size": "2", "order": "name"}).status_code == 403
    assert logged_in(outsider_teacher).post(url, {"size": "2"}).status_code == 404


def test_another_classes_group_is_a_404(classroom, other_classroom, teacher):
    theirs = StudyGroup.objects.create(classroom=other_classroom, name="Theirs")

    response = logged_in(teacher).post(reverse("group_remove", args=[classroom.pk, theirs.pk]))

    assert response.status_code == 404
    assert StudyGroup.objects.filter(pk=theirs.pk).exists()


def test_group_actions_are_csrf_protected(classroom, teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = client.post(reverse("group_add", args=[classroom.pk]))

    assert response.status_code == 403
    assert not classroom.groups.exists()


def test_removing_a_group_from_the_class_page_says_where_its_students_went(classroom, teacher):
    add_students(classroom, 4)
    first, _ = group_rules.groups_split(classroom=classroom, size=2, shuffle=False)

    response = logged_in(teacher).post(
        reverse("group_remove", args=[classroom.pk, first.pk]), headers=HTMX
    )

    assert response.status_code == 200
    assert "Group 1 removed. Its 2 students have no group now." in response["HX-Trigger"]
    assert 'No group <span class="meta">(2)</span>' in response.content.decode()


def test_adding_a_group_without_a_name_numbers_it(classroom, teacher):
    group_rules.group_add(classroom=classroom)

    response = logged_in(teacher).post(reverse("group_add", args=[classroom.pk]), {"name": ""})

    assert response.status_code == 302
    assert list(classroom.groups.values_list("name", flat=True)) == ["Group 1", "Group 2"]


def test_placing_with_no_groups_says_to_make_some_first(classroom, teacher):
    add_students(classroom, 2)

    response = logged_in(teacher).post(reverse("students_place", args=[classroom.pk]), headers=HTMX)

    assert response.status_code == 422
    assert "Make groups first" in response["HX-Trigger"]
