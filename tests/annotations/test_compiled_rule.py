"""The visibility rule's hot queries, compiled once per shape (counterpoint.lib.compiled),
give exactly what the same rule gives through the ORM: for a teacher, a student of the whole
class, a student in a group, one with no group and one still thinking first, with private,
teacher-only, hidden and deleted notes, private replies and links among them. On PostgreSQL
the compiled SQL runs (CI); elsewhere the ORM does, and these tests check the rule the same."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Max, Sum
from django.utils import timezone

from annotations import models as annotation_models
from annotations import panel
from annotations.models import Annotation, Link, People, ViewerRule
from annotations.services import reply_create
from counterpoint.lib import compiled
from counterpoint.models import Membership, StudyGroup, reading_scope
from tests.annotations.helpers import annotate
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def student_in(classroom, name):
    user = UserFactory(display_name=name)
    MembershipFactory(user=user, classroom=classroom, role=Membership.Role.STUDENT)
    return user


@pytest.fixture
def notes(assignment, classroom, teacher, student, classmate):
    other = student_in(classroom, "Olga Other")
    made = {
        "shared": annotate(assignment, student, body="shared"),
        "private": annotate(assignment, student, body="mine alone", visibility="private"),
        "for teacher": annotate(assignment, classmate, body="to the teacher", visibility="teacher"),
        "hidden": annotate(assignment, classmate, body="hidden one"),
        "deleted": annotate(assignment, other, body="", is_deleted=True),
        "other": annotate(assignment, other, body="Olga's"),
        "teacher": annotate(assignment, teacher, body="look closer"),
    }
    made["hidden"].hide(teacher, "off topic")
    made["reply"] = reply_create(
        parent=made["shared"], author=classmate, body="a classmate answers"
    )
    made["private reply"] = reply_create(
        parent=made["shared"], author=teacher, body="for Sam alone", private=True
    )
    Link.objects.create(
        assignment=assignment,
        source=made["shared"],
        target=made["other"],
        relation=Link.Relation.DIFFERENCE,
        author=student,
    )
    Link.objects.create(
        assignment=assignment,
        source=made["private"],
        target=made["shared"],
        relation=Link.Relation.SIMILARITY,
        author=student,
    )
    return {**made, "olga": other}


def viewers(assignment, classroom, teacher, student, classmate, notes, shape):
    """(user, is_teacher, gated, scope) for one shape of the rule."""
    if shape == "teacher":
        return teacher, True, False, None
    if shape == "whole class":
        return classmate, False, False, None
    if shape == "gated":
        assignment.reveal_after_posts = 5
        assignment.save()
        return classmate, False, True, None
    group, _ = StudyGroup.objects.get_or_create(classroom=classroom, name="Group A")
    if shape == "group":
        Membership.objects.filter(user__in=[student, classmate]).update(group=group)
        return classmate, False, False, group.pk
    # "no group": the class has groups, the viewer is in none
    Membership.objects.filter(user=notes["olga"]).update(group=group)
    return classmate, False, False, 0


SHAPES = ["teacher", "whole class", "gated", "group", "no group"]


@pytest.mark.parametrize("shape", SHAPES)
def test_the_compiled_rule_gives_what_the_orm_gives(
    assignment, classroom, teacher, student, classmate, notes, shape
):
    user, is_teacher, gated, scope = viewers(
        assignment, classroom, teacher, student, classmate, notes, shape
    )
    orm = Annotation.objects.visible_to(user, assignment, is_teacher=is_teacher, gated=gated)
    top = Annotation.objects.visible_to(
        user, assignment, is_teacher=is_teacher, gated=gated, top_level_only=True
    )
    every = list(Annotation.objects.filter(assignment=assignment).values_list("pk", flat=True))

    now = Annotation.objects.activity_fingerprint(
        assignment, user, is_teacher=is_teacher, gated=gated, scope=scope
    )
    expected = orm.aggregate(count=Count("pk"), total=Sum("pk"), top=Max("pk"))
    assert (now.count, now.total, now.max_pk) == (
        expected["count"],
        expected["total"] or 0,
        expected["top"] or 0,
    )

    rule = ViewerRule(user.pk, assignment.pk, is_teacher, gated, scope)
    assert rule.among(every) == set(orm.values_list("pk", flat=True))
    by_pk = lambda entries: sorted(entries, key=lambda entry: entry["pk"])  # noqa: E731
    assert by_pk(rule.entries(every)) == by_pk(top.for_panel_entries())
    assert by_pk(rule.entries(every))  # every shape sees some notes
    assert sorted(r.pk for r in rule.replies_of(every)) == sorted(
        orm.filter(parent__isnull=False).values_list("pk", flat=True)
    )
    subjects = assignment.comparison.subjects.all()
    dimensions = assignment.comparison.dimensions.all()
    assert Annotation.objects.visible_facet_counts(
        assignment,
        user,
        is_teacher=is_teacher,
        gated=gated,
        scope=scope,
        subjects=subjects,
        dimensions=dimensions,
    ) == top.facet_counts(subjects=subjects, dimensions=dimensions)

    if not gated:
        since = (timezone.now() - timedelta(hours=1)).timestamp()
        changed = Annotation.objects.changed_since(
            assignment, user, is_teacher=is_teacher, since=since, above_pk=0, scope=scope
        )
        assert {pk for pk, _, visible in changed if visible} == set(
            orm.values_list("pk", flat=True)
        )


def test_a_card_shows_only_the_replies_and_links_its_viewer_may_see(
    assignment, classmate, student, notes
):
    rule = ViewerRule(classmate.pk, assignment.pk, False, False, None)
    (card,) = panel.cards_with_threads(classmate, [notes["shared"].pk], rule, [])

    assert [r.body for r in card.visible_replies] == ["a classmate answers"]
    assert [link.target_id for link in card.visible_links_out] == [notes["other"].pk]
    assert card.visible_links_in == []  # from Sam's private note

    mine = ViewerRule(student.pk, assignment.pk, False, False, None)
    (card,) = panel.cards_with_threads(student, [notes["shared"].pk], mine, [])
    assert [r.body for r in card.visible_replies] == ["a classmate answers", "for Sam alone"]
    assert [link.source_id for link in card.visible_links_in] == [notes["private"].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_the_hot_shapes_compile_on_postgresql(assignment, classroom, teacher, student, notes):
    for shape in SHAPES:
        user, is_teacher, gated, scope = viewers(
            assignment, classroom, teacher, student, student, notes, shape
        )
        Annotation.objects.viewer_access(assignment.pk, user)
        Annotation.objects.activity_fingerprint(
            assignment, user, is_teacher=is_teacher, gated=gated, scope=scope
        )
        rule = ViewerRule(user.pk, assignment.pk, is_teacher, gated, scope)
        rule.entries([notes["shared"].pk])
        rule.replies_of([notes["shared"].pk])
    panel.cards_with_threads(student, [notes["shared"].pk], rule, [])
    kept = compiled.kept_shapes()
    names = {key[0] for key in kept}
    assert {"viewer_access", "fingerprint", "entries", "replies", "panel_cards"} <= names
    # Every shape kept so far compiled, but the one a test here makes uncompilable on purpose
    # (a slice: test_values_that_django_writes_into_the_sql_are_run_through_the_orm), which
    # this worker may have run first.
    assert [key for key, ok in kept.items() if not ok and key[0] != "sliced"] == []


def test_values_that_django_writes_into_the_sql_are_run_through_the_orm(assignment, notes):
    # A slice is written into the SQL (LIMIT), not passed as a parameter: such a shape is not
    # kept, and the query still answers right.
    def build(*, assignment, limit):
        return (
            Annotation.objects.filter(assignment_id=assignment)
            .order_by("pk")[:limit]
            .values_list("pk")
        )

    first = compiled.rows(("sliced",), build, assignment=assignment.pk, limit=2)
    again = compiled.rows(("sliced",), build, assignment=assignment.pk, limit=3)

    assert len(first) == 2 and len(again) == 3


# Who may see a note (seen_by: who is told of a reply or a prompt), its row compiled once per
# set of shapes for a handful of people, built through the ORM for more.


def expected(note, people):
    """Each person's answer through the ORM: visible_to, as the reading page asks."""
    answers = []
    for person in people:
        person = get_user_model().objects.get(pk=person.pk)  # roles read afresh
        role = (
            Membership.objects.filter(user=person, classroom_id=note.assignment.classroom_id)
            .values_list("role", flat=True)
            .first()
        )
        sees = role is not None and (
            Annotation.objects.visible_to(
                person, note.assignment, is_teacher=role == Membership.Role.TEACHER
            )
            .filter(pk=note.pk, is_deleted=False)
            .exists()
        )
        if sees:
            answers.append(person.pk)
    return answers


@pytest.mark.parametrize("compiled_up_to", [annotation_models.SEEN_BY_COMPILED, 0])
@pytest.mark.parametrize("shape", SHAPES)
def test_seen_by_gives_what_the_orm_gives(
    assignment, classroom, teacher, student, classmate, notes, shape, compiled_up_to, monkeypatch
):
    monkeypatch.setattr(annotation_models, "SEEN_BY_COMPILED", compiled_up_to)
    viewers(assignment, classroom, teacher, student, classmate, notes, shape)
    people = [notes["olga"], classmate, teacher, student]
    for name, note in notes.items():
        if name == "olga":
            continue
        note = Annotation.objects.select_related("assignment").get(pk=note.pk)
        seen = Annotation.objects.seen_by(note, people)
        assert sorted(user.pk for user in seen) == sorted(expected(note, people)), name
        # A queryset of people answers the same.
        everyone = get_user_model().objects.filter(pk__in=[person.pk for person in people])
        assert [user.pk for user in Annotation.objects.seen_by(note, everyone)] == [
            user.pk for user in seen
        ]
        # And so do people chosen by a query compiled once (People), each with their user.
        chosen = People(
            ("test_people",),
            lambda *, ids: get_user_model().objects.filter(pk__in=ids),
            {"ids": [person.pk for person in people]},
        )
        among = Annotation.objects.seen_by(note, chosen)
        assert [(user.pk, user.email, user.is_active) for user in among] == [
            (user.pk, user.email, user.is_active) for user in seen
        ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_seen_by_compiles_on_postgresql(assignment, classroom, teacher, student, notes):
    for shape in SHAPES:
        viewers(assignment, classroom, teacher, student, student, notes, shape)
        Annotation.objects.seen_by(notes["shared"], [teacher, student, notes["olga"]])
        Annotation.objects.seen_by(
            notes["shared"],
            People(
                ("test_people",),
                lambda *, ids: get_user_model().objects.filter(pk__in=ids),
                {"ids": [teacher.pk, student.pk]},
            ),
        )
    names = ("seen_by", "members_among")
    kept = {key: ok for key, ok in compiled.kept_shapes().items() if key[0] in names}
    assert {key[0] for key in kept} == set(names)
    assert kept and all(kept.values()), kept


@pytest.mark.parametrize("shape", SHAPES)
def test_roles_and_teachers_compiled_give_what_the_orm_gives(
    assignment, classroom, teacher, student, classmate, notes, shape
):
    viewers(assignment, classroom, teacher, student, classmate, notes, shape)
    has_groups = StudyGroup.objects.filter(classroom=classroom).exists()
    for user in (teacher, student, classmate, notes["olga"]):
        (member,) = Membership.objects.filter(user=user).select_related("classroom")
        scope = reading_scope(
            role=member.role,
            group_id=member.group_id,
            sees_whole_class=member.sees_whole_class,
            whole_class_allowed=member.classroom.students_may_see_whole_class,
            has_groups=has_groups,
        )
        assert Membership.objects.access_of(user) == {
            classroom.pk: (member.role, scope, has_groups)
        }
    assert panel.teacher_ids(assignment) == set(classroom.teachers().values_list("pk", flat=True))
    assert panel.teacher_ids(assignment) == {teacher.pk}
    if connection.vendor == "postgresql":
        kept = compiled.kept_shapes()
        assert kept[("access_of",)] and kept[("teacher_ids",)]


def test_a_note_looked_up_comes_as_select_related_reads_it(assignment, student, notes):
    from django.http import Http404

    from annotations.access import get_annotation_for

    for name in ("shared", "reply", "private"):
        found = get_annotation_for(student, notes[name].pk)
        orm = Annotation.objects.select_related(
            "assignment__classroom", "assignment__comparison"
        ).get(pk=notes[name].pk)
        for mine, theirs in (
            (found, orm),
            (found.assignment, orm.assignment),
            (found.assignment.classroom, orm.assignment.classroom),
            (found.assignment.comparison, orm.assignment.comparison),
        ):
            fields = [field.attname for field in type(theirs)._meta.concrete_fields]
            assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
    for missing in (0, 10**12, "x", "12a"):
        with pytest.raises(Http404):
            get_annotation_for(student, missing)
    with pytest.raises(Http404):  # another's private note
        get_annotation_for(notes["olga"], notes["private"].pk)
    if connection.vendor == "postgresql":
        assert compiled.kept_shapes()[("annotation_for",)]


def test_a_moderation_row_read_compiled_is_what_the_orm_reads(notes):
    from annotations.views import _row, _rows

    fields = [field.attname for field in Annotation._meta.concrete_fields]
    for name in ("shared", "reply", "hidden"):
        mine = _row(notes[name].pk)
        theirs = _rows(Annotation.objects.filter(pk=notes[name].pk)).first()
        assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
        assert mine.author.display_name == theirs.author.display_name
        assert mine.comparison_title == theirs.comparison_title
        if theirs.parent_id:
            assert [getattr(mine.parent, f) for f in fields] == [
                getattr(theirs.parent, f) for f in fields
            ]
        else:
            assert mine.parent is None
    assert _row(10**12) is None
    if connection.vendor == "postgresql":
        assert compiled.kept_shapes()[("moderation_row",)]


def test_an_assignment_looked_up_comes_as_select_related_reads_it(assignment, student, notes):
    from django.http import Http404

    from counterpoint import permissions
    from counterpoint.models import Assignment

    found = permissions.get_assignment_for(student, assignment.pk)
    orm = Assignment.objects.select_related("classroom", "comparison").get(pk=assignment.pk)
    for mine, theirs in (
        (found, orm),
        (found.classroom, orm.classroom),
        (found.comparison, orm.comparison),
    ):
        fields = [field.attname for field in type(theirs)._meta.concrete_fields]
        assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
    for missing in (0, 10**12, "x"):
        with pytest.raises(Http404):
            permissions.get_assignment_for(student, missing)
    outsider = UserFactory()
    with pytest.raises(Http404):
        permissions.get_assignment_for(outsider, assignment.pk)
    if connection.vendor == "postgresql":
        assert compiled.kept_shapes()[("assignment_for",)]
