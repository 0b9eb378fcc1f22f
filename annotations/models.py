from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from annotations.live import Fingerprint
from comparisons.models import Comparison, Dimension, Passage, Subject
from counterpoint.lib import compiled
from counterpoint.lib.safejson import parse_id
from counterpoint.models import (
    NO_GROUP,
    WHOLE_CLASS,
    Assignment,
    Classroom,
    Membership,
    StudyGroup,
    reading_scope,
)

BODY_MAX_LENGTH = 5000
TAG_MAX_LENGTH = 40
MAX_TAGS = 10


def _readable(user, is_teacher: bool, prefix: str = "") -> Q:
    shared = [Annotation.Visibility.CLASS]
    if is_teacher:
        shared.append(Annotation.Visibility.TEACHER)
    return Q(**{f"{prefix}author": user}) | Q(**{f"{prefix}visibility__in": shared})


def visibility_condition(
    user,
    *,
    is_teacher: bool,
    gated: bool = False,
    top_level_only: bool = False,
    ignoring_hidden: bool = False,
    scope=WHOLE_CLASS,
) -> Q:
    """The one visibility rule, for a member of the class (teacher or student).

    Private annotations are their author's alone; "teacher" ones are seen by their author
    and the class's teachers; class ones by the whole class. A reply is seen by those who
    see the annotation it answers. A private reply (`is_private_reply`, a teacher's word for
    the annotation's author alone) is seen only by that author, the reply's own author and
    the class's teachers, whatever becomes of its thread's visibility.

    Teachers see hidden annotations (marked). For students, a hidden annotation is seen only
    by its author, and its replies by nobody; while `gated` (think first), a student sees
    only their own and the teachers' annotations.

    Small groups: `scope` is the student's reading scope in the class
    (counterpoint.models.reading_scope). Narrower than the whole class, a student sees only
    the notes (and replies) of their group's members, their own and the teachers'; with
    NO_GROUP, only their own and the teachers'. The gate narrows within that scope, so
    think-first reveals only the group. Teachers see every group.

    `top_level_only` gives the same rule for annotations alone (no replies): a simpler query
    (no join to the parent) for the panel's list and counts. `ignoring_hidden` gives the rule
    as if nothing were hidden: what a student could see but for moderation (the live poll
    takes away such cards, and names no others).
    """
    if is_teacher:
        if top_level_only:
            return Q(parent__isnull=True) & _readable(user, True)
        return Q(parent__isnull=True) & _readable(user, True) | (
            Q(parent__isnull=False) & _readable(user, True, "parent__")
        )
    shown = Q() if ignoring_hidden else Q(is_hidden=False) | Q(author=user)
    top_level = Q(parent__isnull=True) & _readable(user, False) & shown
    reply = (
        Q(parent__isnull=False)
        & _readable(user, False, "parent__")
        & (Q() if ignoring_hidden else Q(parent__is_hidden=False))
        & (Q(is_private_reply=False) | Q(parent__author=user) | Q(author=user))
        & shown
    )
    if scope is not WHOLE_CLASS:
        top_level &= _in_scope(user, scope, "author")
        reply &= _in_scope(user, scope, "author") & _in_scope(user, scope, "parent__author")
    if gated:
        top_level &= Q(author=user) | _by_teacher("author")
    if top_level_only:
        return top_level
    if gated:
        reply &= (Q(author=user) | _by_teacher("author")) & (
            Q(parent__author=user) | _by_teacher("parent__author")
        )
    return top_level | reply


def _in_scope(user, scope, author_field: str) -> Q:
    """Written by the viewer, a teacher of the class, or a member of the viewer's group."""
    if scope == NO_GROUP:
        return Q(**{author_field: user}) | _by_teacher(author_field)
    # The group's members and its class's teachers in one uncorrelated subquery, which the
    # database works out once per query rather than once per note (as _by_teacher is).
    peers = Membership.objects.filter(
        Q(group_id=scope) | Q(role=Membership.Role.TEACHER, classroom__groups=scope)
    ).values("user_id")
    return Q(**{author_field: user}) | Q(**{f"{author_field}_id__in": peers})


def gated_assignment_ids(user, classroom_ids) -> list[int]:
    """Assignments in these classes where this student must still think first."""
    now = timezone.now()
    candidates = (
        Assignment.objects.filter(classroom_id__in=classroom_ids)
        .filter(Q(reveal_at__gt=now) | Q(reveal_after_posts__gt=0))
        .annotate(
            own=Count(
                "annotations",
                filter=Q(
                    annotations__author=user,
                    annotations__parent__isnull=True,
                    annotations__is_deleted=False,
                ),
            )
        )
    )
    return [a.pk for a in candidates if a.is_gated_for(user, own_count=a.own)]


def _by_teacher(author_field: str):
    return Exists(
        Membership.objects.filter(
            user=OuterRef(author_field),
            classroom=OuterRef("assignment__classroom"),
            role=Membership.Role.TEACHER,
        )
    )


def _own_notes(assignment):
    """How many notes of their own a member (a Membership row, OuterRef) has posted in
    `assignment`, as think-first counts them (Assignment.is_gated_for)."""
    return Coalesce(
        Subquery(
            Annotation.objects.filter(
                assignment_id=assignment.pk,
                author_id=OuterRef("user_id"),
                parent__isnull=True,
                is_deleted=False,
            )
            .order_by()
            .values("author_id")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


# Viewers answered for in one row by seen_by (PostgreSQL's limit is 1,664 columns).
SEEN_BY_COLUMNS = 1000


# "Work out the viewer's reading scope here": WHOLE_CLASS is None, so not knowing it
# needs a value of its own.
UNKNOWN_SCOPE = object()


def _scope_of(user, classroom_id, is_teacher):
    if is_teacher:
        return WHOLE_CLASS
    from counterpoint.permissions import reading_scope

    return reading_scope(user, classroom_id)


# What a collapsed card shows and its highlight needs (for_panel_entries).
PANEL_ENTRY_FIELDS = (
    "pk",
    "passage_id",
    "start",
    "end",
    "exact",
    "is_orphaned",
    "is_deleted",
    "author_id",
    "author__display_name",
    "subject_count",
    "first_subject",
    "is_prompt",
    "is_pinned",
)

# Prompts and pinned notes first, then in the order of the text.
PANEL_ORDER = (
    "-is_prompt",
    "-is_pinned",
    "passage__section__order",
    "passage__order",
    "start",
    "pk",
)


def _shape(is_teacher: bool, gated: bool, scope) -> tuple:
    """What shapes the visibility rule's SQL (counterpoint.lib.compiled): the role, the
    think-first gate and the kind of reading scope (a group's id is a value, not a shape)."""
    kind = "w" if scope is WHOLE_CLASS else ("n" if scope == NO_GROUP else "g")
    return (bool(is_teacher), bool(gated), kind)


def _rule_values(user, assignment, scope) -> dict:
    """The values the visibility rule is run with: the viewer, the assignment, the group."""
    values = {"user": int(user.pk), "assignment": int(getattr(assignment, "pk", assignment))}
    if scope is not WHOLE_CLASS and scope != NO_GROUP:
        values["group"] = int(scope)
    return values


def _visible_rows(values, *, is_teacher, gated, scope, top_level_only=False):
    """visible_to with the values of _rule_values (or their stand-ins)."""
    return Annotation.objects.filter(assignment_id=values["assignment"]).filter(
        visibility_condition(
            values["user"],
            is_teacher=is_teacher,
            gated=gated,
            top_level_only=top_level_only,
            scope=values.get("group", scope),
        )
    )


@dataclass(frozen=True)
class People:
    """People chosen by a query that `build(**values)` makes of ids (a queryset of users),
    for seen_by to read with their memberships in a query compiled once per `key`
    (counterpoint.lib.compiled): those told of a reply."""

    key: tuple
    build: object
    values: dict


def _members(assignment):
    """The memberships of the assignment's class, in the order of their people's names, with
    what decides what each sees there (seen_by): whether the class has groups, whether its
    students may choose the whole class, and for think-first how many notes of their own
    they posted."""
    return (
        Membership.objects.filter(classroom_id=assignment.classroom_id)
        .order_by("user__display_name", "user_id")
        .annotate(
            has_groups=Exists(StudyGroup.objects.filter(classroom_id=OuterRef("classroom_id"))),
            whole_class_allowed=F("classroom__students_may_see_whole_class"),
            own=Value(0) if not assignment.reveal_after_posts else _own_notes(assignment),
        )
    )


_MEMBER_COLUMNS = (
    "role",
    "group_id",
    "sees_whole_class",
    "whole_class_allowed",
    "has_groups",
    "own",
)


def _members_among(assignment, people: People) -> list:
    """_members among `people`, each with its user, by a query compiled once per shape."""
    user_model = Membership._meta.get_field("user").related_model
    user_fields = [field.attname for field in user_model._meta.concrete_fields]
    with_own = bool(assignment.reveal_after_posts)

    def build(*, classroom, assignment=None, **chosen):
        shown = SimpleNamespace(classroom_id=classroom, reveal_after_posts=with_own, pk=assignment)
        return (
            _members(shown)
            .filter(user__in=people.build(**chosen))
            .values_list(*(f"user__{name}" for name in user_fields), *_MEMBER_COLUMNS)
        )

    values = {"classroom": int(assignment.classroom_id), **people.values}
    if with_own:
        values["assignment"] = int(assignment.pk)
    members = []
    for row in compiled.rows(("members_among", with_own, *people.key), build, **values):
        member = SimpleNamespace(**dict(zip(_MEMBER_COLUMNS, row[len(user_fields) :], strict=True)))
        member.user = user_model.from_db("default", user_fields, row[: len(user_fields)])
        members.append(member)
    return members


# Up to this many viewers, seen_by's row is a query compiled once per set of their shapes
# (counterpoint.lib.compiled): the people told of a reply. More (a prompt to a lecture) are
# built through the ORM, which would otherwise keep a query for every make-up of a class.
SEEN_BY_COMPILED = 8


def _seen_by_row(annotation_id, assignment_id, viewers) -> list[bool] | None:
    """For each viewer, (user id, is_teacher, gated, scope), whether the one visibility rule
    lets them see the annotation (not deleted, of the assignment), from one row; None when
    there is no such row. The viewers are asked in the order of their shapes, so that a
    thread's author and a teacher make one compiled query whichever is named first."""
    order = sorted(range(len(viewers)), key=lambda i: _shape(*viewers[i][1:]))
    shapes = tuple(_shape(*viewers[i][1:]) for i in order)
    values = {
        "annotation": int(annotation_id),
        "assignment": int(assignment_id),
        "users": [viewers[i][0] for i in order],
    }
    groups = [int(viewers[i][3]) for i, shape in zip(order, shapes, strict=True) if shape[2] == "g"]
    if groups:
        values["groups"] = groups

    def build(*, annotation, assignment, users, groups=()):
        groups, answers = iter(groups), {}
        for j, (user, (is_teacher, gated, kind)) in enumerate(zip(users, shapes, strict=True)):
            scope = WHOLE_CLASS if kind == "w" else NO_GROUP if kind == "n" else next(groups)
            condition = visibility_condition(user, is_teacher=is_teacher, gated=gated, scope=scope)
            answers[f"sees_{j}"] = ExpressionWrapper(condition, output_field=models.BooleanField())
        return (
            Annotation.objects.filter(pk=annotation, assignment_id=assignment, is_deleted=False)
            .order_by()
            .annotate(**answers)
            .values_list(*answers)
        )

    if len(viewers) <= SEEN_BY_COMPILED:
        found = compiled.rows(("seen_by", shapes), build, **values)
    else:
        found = [tuple(row) for row in build(**values)]
    if not found:
        return None
    sees = [False] * len(viewers)
    for i, answer in zip(order, found[0], strict=True):
        sees[i] = bool(answer)
    return sees


def _facet_counters(subjects, dimensions) -> dict:
    """The aggregates behind the panel's facet counts, named "field:value"."""
    # Each subject's notes as one uncorrelated subquery, which PostgreSQL hashes once,
    # rather than a lookup per note (EXISTS): a third of the time at 1,000 notes.
    through = Annotation.subjects.through.objects
    counts = {f"kind:{kind}": Count("pk", filter=Q(kind=kind)) for kind in Annotation.Kind}
    for subject in subjects:
        subject_id = getattr(subject, "pk", subject)
        tagged = through.filter(subject_id=subject_id).values("annotation_id")
        counts[f"subject:{subject_id}"] = Count("pk", filter=Q(pk__in=tagged))
    for dimension in dimensions:
        dimension_id = getattr(dimension, "pk", dimension)
        counts[f"dimension:{dimension_id}"] = Count("pk", filter=Q(dimension_id=dimension_id))
    return counts


def _facet_names(subjects, dimensions) -> list[str]:
    """The names of _facet_counters' aggregates, in their order, without building them."""
    return [
        *(f"kind:{kind}" for kind in Annotation.Kind),
        *(f"subject:{getattr(subject, 'pk', subject)}" for subject in subjects),
        *(f"dimension:{getattr(dimension, 'pk', dimension)}" for dimension in dimensions),
    ]


def _facets_from(rows) -> dict:
    """{"kind": {kind: n}, "subject": {id: n}, "dimension": {id: n}} from rows of
    _facet_counters, added up."""
    facets = {"kind": {}, "subject": {}, "dimension": {}}
    for row in rows:
        for key, count in row.items():
            field, value = key.split(":", 1)
            value = value if field == "kind" else int(value)
            facets[field][value] = facets[field].get(value, 0) + (count or 0)
    return facets


@dataclass(frozen=True)
class ViewerRule:
    """The one visibility rule (visibility_condition) for one viewer of one assignment, with
    the values it is run with: what the panel's cards read through queries compiled once per
    shape (counterpoint.lib.compiled). Made by `for_viewer`."""

    user_id: int
    assignment_id: int
    is_teacher: bool
    gated: bool
    scope: object

    @classmethod
    def for_viewer(cls, user, assignment, *, is_teacher, gated=None, scope=UNKNOWN_SCOPE):
        if gated is None:
            gated = not is_teacher and assignment.is_gated_for(user)
        if scope is UNKNOWN_SCOPE:
            scope = _scope_of(user, assignment.classroom_id, is_teacher)
        return cls(int(user.pk), int(assignment.pk), bool(is_teacher), bool(gated), scope)

    def _rows(self, name, build, *, top_level_only=False, **values):
        def shaped(**given):
            rule = {"user": given["user"], "assignment": given["assignment"]}
            if "group" in given:
                rule["group"] = given["group"]
            visible = _visible_rows(
                rule,
                is_teacher=self.is_teacher,
                gated=self.gated,
                scope=self.scope,
                top_level_only=top_level_only,
            )
            return build(visible, **{k: v for k, v in given.items() if k not in rule})

        return compiled.rows(
            (name, *_shape(self.is_teacher, self.gated, self.scope)),
            shaped,
            **{"user": self.user_id, "assignment": self.assignment_id},
            **({"group": int(self.scope)} if _shape(False, False, self.scope)[2] == "g" else {}),
            **values,
        )

    def rows(self, name: str, build, *, top_level_only=False, **values) -> list[tuple]:
        """The rows of `build(visible, **values)`, a values_list queryset made from what this
        viewer may see (`visible`), compiled once per shape (counterpoint.lib.compiled).
        `name` names the query and everything in `build` that shapes its SQL rather than
        passing a value (a filter used or not, a slice's size); `values` are ids, lists of
        ids and moments. For apps above that run the rule on a hot path (essays' builder)."""
        return self._rows(name, build, top_level_only=top_level_only, **values)

    def entries(self, ids) -> list[dict]:
        """for_panel_entries of those of `ids` that are top-level notes the viewer may see."""
        if not ids:
            return []
        rows = self._rows(
            "entries",
            lambda visible, ids: (
                visible.filter(pk__in=ids).for_panel_entries().values_list(*PANEL_ENTRY_FIELDS)
            ),
            top_level_only=True,
            ids=sorted(ids),
        )
        return [dict(zip(PANEL_ENTRY_FIELDS, row, strict=True)) for row in rows]

    def replies_of(self, ids) -> list:
        """The replies to these annotations that the viewer may see, oldest first, each with
        its author (id and name)."""
        if not ids:
            return []
        fields = [field.attname for field in Annotation._meta.concrete_fields]
        rows = self._rows(
            "replies",
            lambda visible, ids: (
                visible.filter(parent_id__in=ids)
                .order_by("created_at", "pk")
                .values_list(*fields, "author__display_name")
            ),
            ids=sorted(ids),
        )
        user_model = Annotation._meta.get_field("author").related_model
        replies = []
        for row in rows:
            reply = Annotation.from_db("default", fields, row[:-1])
            reply.author = user_model.from_db(
                "default", ["id", "display_name"], (reply.author_id, row[-1])
            )
            replies.append(reply)
        return replies

    def among(self, ids) -> set[int]:
        """Which of `ids` (annotations or replies) the viewer may see."""
        if not ids:
            return set()
        rows = self._rows(
            "among",
            lambda visible, ids: visible.filter(pk__in=ids).values_list("pk"),
            ids=sorted(ids),
        )
        return {pk for (pk,) in rows}

    def first_ids(self, order, shape, limit: int) -> list[int]:
        """The ids of the first `limit` top-level notes the viewer may see, in the order
        `order()` gives (names to expressions, annotated and sorted ascending in turn, then
        by id): the panel's first page. `shape` names everything in the order that shapes its
        SQL (the panel's keys hold the text's paragraph numbers); `order` is called only
        when the query is built."""

        def build(visible):
            keys = order()
            return visible.annotate(**keys).order_by(*keys, "pk").values_list("pk")[:limit]

        rows = self._rows(("first_ids", shape, limit), build, top_level_only=True)
        return [pk for (pk,) in rows]

    def facet_counts_and_authors(self, *, subjects, dimensions):
        """facet_counts_and_authors of the top-level notes the viewer may see (the reading
        page's counts and its filter's author list), in one query compiled once per shape:
        its aggregates are built only then."""
        names = _facet_names(subjects, dimensions)
        rows = self._rows(
            ("facets_authors", *names),
            lambda visible: (
                visible.order_by()
                .values("author_id", "author__display_name")
                .annotate(**_facet_counters(subjects, dimensions))
                .values_list("author_id", "author__display_name", *names)
            ),
            top_level_only=True,
        )
        authors = [(row[0], row[1]) for row in rows]
        return _facets_from([dict(zip(names, row[2:], strict=True)) for row in rows]), authors


class AnnotationQuerySet(models.QuerySet):
    def for_moderation(self, classroom, user):
        """A class's annotations and replies as its teachers' moderation sees them (the page
        and the API's flag list): private notes stay private, even from teachers."""
        return self.filter(assignment__classroom=classroom).filter(
            visibility_condition(user, is_teacher=True)
        )

    def written_by_in(self, assignment, user):
        """Whether `user` has written anything in an assignment, as an expression
        (`assignment` an OuterRef): the student's dashboard adds it to each assignment
        (extensions.assignment_progress)."""
        return Exists(self.filter(assignment=assignment, author=user))

    def visible_to(
        self,
        user,
        assignment,
        *,
        is_teacher: bool,
        top_level_only: bool = False,
        gated=None,
        scope=UNKNOWN_SCOPE,
    ):
        """What this user may see of one assignment's annotations (visibility_condition).
        `gated` (think first) and `scope` (small groups) are worked out here unless the
        caller already knows them; the scope comes with the user's roles (no query of its
        own once those are loaded)."""
        if gated is None:
            gated = not is_teacher and assignment.is_gated_for(user)
        if scope is UNKNOWN_SCOPE:
            scope = _scope_of(user, assignment.classroom_id, is_teacher)
        return self.filter(assignment=assignment).filter(
            visibility_condition(
                user,
                is_teacher=is_teacher,
                gated=gated,
                top_level_only=top_level_only,
                scope=scope,
            )
        )

    def visible_anywhere(self, user):
        """What this user may see across all their classes: the teacher rule where they
        teach, the student rule (with think-first gates) where they study. One query to
        find gated assignments, and only for students."""
        from counterpoint.permissions import TEACHER, roles_by_classroom

        roles = roles_by_classroom(user)
        teaching = [pk for pk, role in roles.items() if role == TEACHER]
        studying = [pk for pk, role in roles.items() if role != TEACHER]
        rules = []
        if teaching:
            rules.append(
                Q(assignment__classroom_id__in=teaching)
                & visibility_condition(user, is_teacher=True)
            )
        if studying:
            gated = gated_assignment_ids(user, studying)
            # One rule per reading scope (small groups): most students have one or two.
            by_scope = {}
            for pk in studying:
                by_scope.setdefault(_scope_of(user, pk, False), []).append(pk)
            for scope, classroom_ids in by_scope.items():
                in_class = Q(assignment__classroom_id__in=classroom_ids)
                rules.append(
                    in_class
                    & ~Q(assignment_id__in=gated)
                    & visibility_condition(user, is_teacher=False, scope=scope)
                )
                if gated:
                    rules.append(
                        in_class
                        & Q(assignment_id__in=gated)
                        & visibility_condition(user, is_teacher=False, gated=True, scope=scope)
                    )
        if not rules:
            return self.none()
        condition = rules[0]
        for rule in rules[1:]:
            condition |= rule
        return self.filter(condition)

    def filtered(self, filters: dict, user, *, visible=None):
        """Apply the panel's filters (already validated by FilterForm). Text search also
        looks in replies, but only in those among `visible` (default: this queryset), so a
        search never reveals words of a reply the user cannot see."""
        visible = self if visible is None else visible
        qs = self
        if "kind" in filters:
            qs = qs.filter(kind=filters["kind"])
        if "subject" in filters:
            qs = qs.filter(subjects=filters["subject"])
        if "dimension" in filters:
            qs = qs.filter(dimension=filters["dimension"])
        if "author" in filters:
            qs = qs.filter(author=filters["author"])
        if "group" in filters:  # a teacher's filter: notes by the group's members
            members = Membership.objects.filter(group_id=filters["group"]).values("user_id")
            qs = qs.filter(author_id__in=members)
        if "tag" in filters:
            qs = qs.filter(tags__name=filters["tag"].lower())
        if filters.get("mine"):
            qs = qs.filter(author=user)
        if "q" in filters:
            matching_replies = visible.filter(
                parent__isnull=False, is_deleted=False, body__icontains=filters["q"]
            ).values("parent_id")
            qs = qs.filter(
                Q(body__icontains=filters["q"])
                | Q(exact__icontains=filters["q"])
                | Q(pk__in=matching_replies)
            )
        return qs.distinct()

    def facet_counts(self, *, subjects, dimensions) -> dict:
        """How many top-level annotations each filter value would show, in one query: per
        kind, per subject and per dimension (the comparison's `subjects` and `dimensions`,
        ids or rows). A count per value rather than a GROUP BY per filter: one scan instead
        of three, on the panel and on every live update."""
        row = self.filter(parent__isnull=True).aggregate(**_facet_counters(subjects, dimensions))
        return _facets_from([row])

    def visible_facet_counts(
        self, assignment, user, *, is_teacher: bool, gated: bool, scope, subjects, dimensions
    ) -> dict:
        """facet_counts of what the viewer may see of the assignment (the panel's counts
        without filters), compiled once per shape (counterpoint.lib.compiled): the live
        poll sends them with every change."""
        names = _facet_names(subjects, dimensions)

        def build(**values):  # the counters are built only when the shape is compiled
            return (
                _visible_rows(
                    values, is_teacher=is_teacher, gated=gated, scope=scope, top_level_only=True
                )
                .order_by()
                .values("assignment_id")
                .annotate(**_facet_counters(subjects, dimensions))
                .values_list(*names)
            )

        found = compiled.rows(
            ("facets", *_shape(is_teacher, gated, scope), *names),
            build,
            **_rule_values(user, assignment, scope),
        )
        row = dict(zip(names, found[0], strict=True)) if found else dict.fromkeys(names, 0)
        return _facets_from([row])

    def facet_counts_and_authors(self, *, subjects, dimensions):
        """The facet counts (as facet_counts) and the authors of the annotations counted, as
        (id, display name) rows, in one query: the same counts per author, added up here (a
        class has tens of authors). The reading page's counts and its filter's author list."""
        rows = list(
            self.filter(parent__isnull=True)
            .order_by()
            .values("author_id", "author__display_name")
            .annotate(**_facet_counters(subjects, dimensions))
        )
        authors = [(row.pop("author_id"), row.pop("author__display_name")) for row in rows]
        return _facets_from(rows), authors

    def viewer_access(self, assignment_id: int, user):
        """(assignment, is_teacher, gated, scope) for a member of the assignment's class, in
        one query (their role, their group and whether they chose the whole class, and for
        think-first how many notes of their own they posted); None for anyone else, and the
        same None when there is no such assignment. The live poll's permission check
        (counterpoint.permissions' rule for reading an assignment: membership of its class),
        made before it compares any ETag. Compiled once (counterpoint.lib.compiled): the
        assignment comes with its class and comparison, as select_related gives them."""
        assignment_id = parse_id(str(assignment_id))
        if assignment_id is None:
            return None
        paths = (("", Assignment), ("classroom__", Classroom), ("comparison__", Comparison))
        viewer = ["viewer_role", "viewer_group", "viewer_sees_whole_class", "has_groups"]

        def build(*, assignment, user):
            own = (
                Annotation.objects.filter(
                    assignment_id=OuterRef("pk"),
                    author_id=user,
                    parent__isnull=True,
                    is_deleted=False,
                )
                .order_by()
                .values("assignment_id")
                .annotate(n=Count("pk"))
                .values("n")
            )
            membership = Membership.objects.filter(
                classroom_id=OuterRef("classroom_id"), user_id=user
            )
            return (
                Assignment.objects.filter(pk=assignment)
                .annotate(
                    viewer_role=models.Subquery(membership.values("role")[:1]),
                    viewer_group=models.Subquery(membership.values("group_id")[:1]),
                    viewer_sees_whole_class=models.Subquery(
                        membership.values("sees_whole_class")[:1]
                    ),
                    has_groups=Exists(
                        StudyGroup.objects.filter(classroom_id=OuterRef("classroom_id"))
                    ),
                    viewer_notes=Coalesce(models.Subquery(own), 0),
                )
                .values_list(*compiled.related_columns(paths), *viewer, "viewer_notes")
            )

        found = compiled.rows(("viewer_access",), build, assignment=assignment_id, user=user.pk)
        if not found:
            return None
        (assignment, classroom, comparison), rest = compiled.related_instances(
            found[0], paths, using=self.db
        )
        assignment.classroom, assignment.comparison = classroom, comparison
        role, group_id, sees_whole_class, has_groups, notes = rest
        if role is None:
            return None
        is_teacher = role == Membership.Role.TEACHER
        gated = not is_teacher and assignment.is_gated_for(user, own_count=notes)
        scope = reading_scope(
            role=role,
            group_id=group_id,
            sees_whole_class=bool(sees_whole_class),
            whole_class_allowed=classroom.students_may_see_whole_class,
            has_groups=has_groups,
        )
        return assignment, is_teacher, gated, scope

    def seen_by(self, annotation, people) -> list:
        """Those of `people` (users, a queryset of users, or People: a query compiled once)
        who may see `annotation` now (not deleted), each by the one visibility rule as a
        member of its class, in the order of their names. Their role, reading scope (small
        groups) and think-first gate come with them from one query of their memberships,
        then one row answers for all of them (a row per SEEN_BY_COLUMNS): two queries for a
        class or a lecture, none for nobody. Outsiders of the class see nothing.
        `annotation.assignment` is read, so load it with the row."""
        assignment = annotation.assignment
        if isinstance(people, People):
            members = _members_among(assignment, people)
        else:
            if not isinstance(people, models.QuerySet):
                people = [person.pk for person in people]
                if not people:
                    return []
            members = _members(assignment).filter(user__in=people).select_related("user")
        users, viewers = [], []
        for member in members:
            user, is_teacher = member.user, member.role == Membership.Role.TEACHER
            gated = not is_teacher and assignment.is_gated_for(user, own_count=member.own)
            scope = reading_scope(
                role=member.role,
                group_id=member.group_id,
                sees_whole_class=member.sees_whole_class,
                whole_class_allowed=member.whole_class_allowed,
                has_groups=member.has_groups,
            )
            users.append(user)
            viewers.append((int(user.pk), is_teacher, gated, scope))
        seen = []
        # PostgreSQL answers at most 1,664 columns a row: a lecture's hundreds fit in one.
        for start in range(0, len(viewers), SEEN_BY_COLUMNS):
            sees = _seen_by_row(
                annotation.pk, assignment.pk, viewers[start : start + SEEN_BY_COLUMNS]
            )
            if sees is None:  # deleted, or not of this assignment: nobody sees it
                return []
            seen += sees
        return [user for user, sees in zip(users, seen, strict=True) if sees]

    def activity_fingerprint(
        self, assignment, user, *, is_teacher: bool, gated: bool, scope=UNKNOWN_SCOPE
    ):
        """A fingerprint of what this user may see of the assignment's annotations, by the
        one visibility rule (annotations.live.Fingerprint), in one query: a single scan
        that counts and sums the ids of the visible rows and finds the highest id and the
        newest change. Its `etag` is the live poll's ETag. The reading scope (small groups)
        is part of it, so moving a student to another group changes it. The query is
        compiled once per shape (counterpoint.lib.compiled)."""
        if scope is UNKNOWN_SCOPE:
            scope = _scope_of(user, assignment.classroom_id, is_teacher)

        def build(**values):
            return (
                _visible_rows(values, is_teacher=is_teacher, gated=gated, scope=scope)
                .order_by()
                .values("assignment_id")
                .annotate(count=Count("pk"), total=Sum("pk"), max_pk=Max("pk"))
                .annotate(latest=Max("updated_at"))
                .values_list("count", "total", "max_pk", "latest")
            )

        found = compiled.rows(
            ("fingerprint", *_shape(is_teacher, gated, scope)),
            build,
            **_rule_values(user, assignment, scope),
        )
        count, total, max_pk, latest = found[0] if found else (0, 0, 0, None)
        return Fingerprint.of(
            user_id=user.pk,
            role=Membership.Role.TEACHER if is_teacher else Membership.Role.STUDENT,
            gated=gated,
            scope=scope,
            count=int(count or 0),
            total=int(total or 0),
            max_pk=int(max_pk or 0),
            latest=latest,
        )

    def changed_since(
        self,
        assignment,
        user,
        *,
        is_teacher: bool,
        since: float,
        above_pk: int,
        scope=UNKNOWN_SCOPE,
    ) -> list[tuple]:
        """What a live delta sends, for a viewer not held back by think-first: (pk,
        parent_id, visible) of the rows they may see that changed at or after the POSIX
        timestamp `since` or have an id above `above_pk`, and (visible False) of the rows
        they could see up to `above_pk` that a teacher hid since. Nothing else: a delta never
        names a row the viewer could not have seen. (A change of reading scope never comes
        here: its fingerprint differs, and the whole list is sent.)"""
        if scope is UNKNOWN_SCOPE:
            scope = _scope_of(user, assignment.classroom_id, is_teacher)

        def build(*, moment, above_pk, **values):
            user_id, group = values["user"], values.get("group", scope)
            visible = visibility_condition(user_id, is_teacher=is_teacher, scope=group)
            hidden_since = (
                Q(updated_at__gte=moment, pk__lte=above_pk)
                & (Q(is_hidden=True) | Q(parent__is_hidden=True))
                & visibility_condition(
                    user_id, is_teacher=is_teacher, ignoring_hidden=True, scope=group
                )
            )
            return (
                Annotation.objects.filter(assignment_id=values["assignment"])
                .filter(Q(updated_at__gte=moment) | Q(pk__gt=above_pk))
                .filter(visible | hidden_since)
                .annotate(visible=ExpressionWrapper(visible, output_field=models.BooleanField()))
                .values_list("pk", "parent_id", "visible")
            )

        return compiled.rows(
            ("changed", *_shape(is_teacher, False, scope)),
            build,
            moment=datetime.fromtimestamp(max(since, 0), tz=UTC),
            above_pk=int(above_pk),
            **_rule_values(user, assignment, scope),
        )

    def for_panel_entries(self):
        """Every top-level annotation of the panel as plain rows, in no particular order: what
        a collapsed card shows and its highlight needs (one query, no model instances). The
        caller puts them in the panel's order (annotations.live.order_key, sorted in Python:
        sorting a thousand wide rows was a third of the query's time in PostgreSQL)."""
        return (
            self.filter(parent__isnull=True)
            .annotate(subject_count=Count("subjects", distinct=True), first_subject=Min("subjects"))
            .order_by()
            .values(*PANEL_ENTRY_FIELDS)
        )

    def panel_cards_of(self, ids: list[int], user) -> list:
        """for_panel of the annotations with these ids (ones the viewer may see), compiled
        once per number of ids (counterpoint.lib.compiled): the cards of the panel and its
        live updates. Each comes with its author (id and name, the rest deferred) and its
        dimension, as select_related gives them."""
        fields = [field.attname for field in Annotation._meta.concrete_fields]
        extra = ["helpful_count", "marked_helpful", "flagged_by_me"]
        related = ["author__display_name", "dimension__name", "dimension__comparison_id"]

        def build(*, ids, user):
            return (
                Annotation.objects.filter(pk__in=ids)
                .for_panel(user)
                .order_by()  # the caller has them in the panel's order (entries)
                .values_list(*fields, *related, *extra)
            )

        cards = []
        for row in compiled.rows(("panel_cards",), build, ids=list(ids), user=int(user.pk)):
            card = Annotation.from_db(self.db, fields, row[: len(fields)])
            name, dimension_name, comparison_id, *counts = row[len(fields) :]
            card.author = card._meta.get_field("author").related_model.from_db(
                self.db, ["id", "display_name"], (card.author_id, name)
            )
            if card.dimension_id is not None:
                card.dimension = Dimension.from_db(
                    self.db,
                    ["id", "name", "comparison_id"],
                    (card.dimension_id, dimension_name, comparison_id),
                )
            card.helpful_count, card.marked_helpful, card.flagged_by_me = counts
            cards.append(card)
        return cards

    def for_panel(self, user):
        """Top-level annotations with their author, dimension and helpful marks, in one
        query. Subjects, tags, replies and links are the caller's (annotations.panel:
        cards_with_threads; replies and links depend on what the viewer may see)."""
        helpful = Helpful.objects.filter(annotation=OuterRef("pk"), user=user)
        return (
            self.filter(parent__isnull=True)
            .select_related("author", "dimension")
            .annotate(
                # A count per card by a subquery, not a join: a GROUP BY of every column
                # of the card would cost PostgreSQL more than the rest of the query.
                helpful_count=Coalesce(
                    Subquery(
                        Helpful.objects.filter(annotation=OuterRef("pk"))
                        .order_by()
                        .values("annotation")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                ),
                marked_helpful=Exists(helpful),
                flagged_by_me=Exists(Flag.objects.filter(annotation=OuterRef("pk"), reporter=user)),
            )
            .order_by(*PANEL_ORDER)
        )


class Annotation(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", "Evidence"
        QUESTION = "question", "Question"
        COMMENT = "comment", "Comment"

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Only me"
        CLASS = "class", "My class"
        TEACHER = "teacher", "My teacher"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="annotations")
    # Removing a paragraph from the text never deletes what students wrote about it: the
    # annotation stays, orphaned (annotations.services.passage_orphan), with its quote.
    passage = models.ForeignKey(
        Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotations"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # W3C TextQuoteSelector and TextPositionSelector over passage.text. Replies have none.
    exact = models.TextField(blank=True)
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    is_orphaned = models.BooleanField(
        default=False,
        help_text="Its quote was lost in an edit, or its passage was removed.",
    )
    body = models.TextField(blank=True, max_length=BODY_MAX_LENGTH)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="annotations")
    dimension = models.ForeignKey(
        Dimension, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotations"
    )
    # For a reply, always its thread's visibility (change_visibility keeps them together).
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.CLASS
    )
    is_private_reply = models.BooleanField(
        default=False,
        help_text="A teacher's reply for the annotation's author alone (and the class's "
        "teachers), whatever happens to the thread's visibility.",
    )
    is_deleted = models.BooleanField(default=False)
    # Moderation. Hiding destroys nothing: the author still sees it, marked, with the reason.
    is_hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False, help_text="No new replies.")
    is_prompt = models.BooleanField(
        default=False, help_text="A teacher's prompt: every student sees it, listed first."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["assignment", "updated_at"]),
            models.Index(fields=["assignment", "passage"]),
        ]

    def __str__(self):
        return f"{self.author} on {self.exact[:30] or 'a reply'}"

    @property
    def is_reply(self):
        return self.parent_id is not None

    def hide(self, by, reason: str) -> None:
        self.is_hidden, self.hidden_by, self.hidden_reason = True, by, reason
        self.hidden_at = timezone.now()
        self.save(
            update_fields=["is_hidden", "hidden_by", "hidden_reason", "hidden_at", "updated_at"]
        )

    def unhide(self) -> None:
        self.is_hidden, self.hidden_by, self.hidden_reason, self.hidden_at = False, None, "", None
        self.save(
            update_fields=["is_hidden", "hidden_by", "hidden_reason", "hidden_at", "updated_at"]
        )

    def pin(self, pinned: bool = True) -> None:
        self.is_pinned = pinned
        self.save(update_fields=["is_pinned", "updated_at"])

    def lock(self, locked: bool = True) -> None:
        self.is_locked = locked
        self.save(update_fields=["is_locked", "updated_at"])

    def change_visibility(self, visibility: str) -> None:
        """Change who sees this annotation, and its replies with it. A private reply stays
        private: its privacy is its own field (is_private_reply), not a visibility value."""
        if visibility == self.visibility:
            return
        self.visibility = visibility
        self.save(update_fields=["visibility", "updated_at"])
        self.replies.update(visibility=visibility)

    def soft_delete(self):
        """Keep a "deleted" stub when others have replied, so their thread survives."""
        if self.replies.exists():
            self.is_deleted = True
            self.body = ""
            self.save(update_fields=["is_deleted", "body", "updated_at"])
            self.tags.all().delete()
        else:
            self.delete()


class Tag(models.Model):
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=TAG_MAX_LENGTH)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "name"], name="unique_tag_per_annotation")
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


class Helpful(models.Model):
    annotation = models.ForeignKey(
        Annotation, on_delete=models.CASCADE, related_name="helpful_marks"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["annotation", "user"], name="one_helpful_per_user")
        ]

    def __str__(self):
        return f"{self.user} found {self.annotation_id} helpful"


class LinkQuerySet(models.QuerySet):
    def touching(self, ids: list[int]) -> list:
        """The links from or to any of these annotations, each with both ends' quote and
        author's name and its dimension's name (what a card shows of a link), as light
        objects read from one query compiled per number of ids (counterpoint.lib.compiled).
        Which of them a viewer may see is the caller's to decide."""
        if not ids:
            return []
        columns = (
            "pk",
            "source_id",
            "target_id",
            "relation",
            "dimension_id",
            "dimension__name",
            "explanation",
            "source__exact",
            "source__author__display_name",
            "target__exact",
            "target__author__display_name",
        )

        def build(*, ids):
            return (
                Link.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
                .order_by("pk")
                .values_list(*columns)
            )

        labels = dict(Link.Relation.choices)
        links = []
        for row in compiled.rows(("links_touching",), build, ids=sorted(ids)):
            (pk, source_id, target_id, relation, dimension_id, dimension_name, explanation) = row[
                :7
            ]
            source = SimpleNamespace(
                pk=source_id, exact=row[7], author=SimpleNamespace(display_name=row[8])
            )
            target = SimpleNamespace(
                pk=target_id, exact=row[9], author=SimpleNamespace(display_name=row[10])
            )
            links.append(
                SimpleNamespace(
                    pk=pk,
                    source_id=source_id,
                    target_id=target_id,
                    source=source,
                    target=target,
                    relation=relation,
                    get_relation_display=labels.get(relation, relation),
                    dimension_id=dimension_id,
                    dimension=SimpleNamespace(name=dimension_name) if dimension_id else None,
                    explanation=explanation,
                )
            )
        return links


class Link(models.Model):
    """A comparison link: two annotations about different subjects, and how they relate."""

    class Relation(models.TextChoices):
        DIFFERENCE = "difference", "Difference"
        SIMILARITY = "similarity", "Similarity"
        DEGREE = "degree", "Same in kind, different in degree"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=12, choices=Relation.choices)
    dimension = models.ForeignKey(
        Dimension, null=True, blank=True, on_delete=models.SET_NULL, related_name="links"
    )
    explanation = models.TextField(max_length=1000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="link_two_annotations"
            ),
        ]

    def __str__(self):
        return f"{self.get_relation_display()}: {self.source_id} / {self.target_id}"


class FlagQuerySet(models.QuerySet):
    def open_count_in(self, classroom):
        """How many open flags a class has, as a subquery (`classroom` an OuterRef): the
        teacher's dashboard adds it to each class (extensions.class_counts)."""
        return Coalesce(
            Subquery(
                self.filter(state=Flag.State.OPEN, annotation__assignment__classroom=classroom)
                .order_by()
                .values("annotation__assignment__classroom")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=models.IntegerField(),
            ),
            0,
        )


class Flag(models.Model):
    """A student's report that an annotation or reply needs a teacher's look."""

    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", "Off-topic"
        UNKIND = "unkind", "Unkind"
        INACCURATE = "inaccurate", "Inaccurate"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        HIDDEN = "hidden", "Hidden"
        KEPT = "kept", "Reviewed and kept"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    details = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "reporter"], name="one_flag_per_reporter")
        ]
        indexes = [models.Index(fields=["state", "annotation"])]

    def __str__(self):
        return f"{self.get_reason_display()} flag on {self.annotation_id}"


class ModerationAction(models.Model):
    """The audit trail: who did what to which annotation, when and why. It outlives the
    annotation (a snapshot of the text is kept), so deleting never erases the record."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hid"
        UNHIDE = "unhide", "Unhid"
        KEEP = "keep", "Reviewed and kept"
        PIN = "pin", "Pinned"
        UNPIN = "unpin", "Unpinned"
        LOCK = "lock", "Locked"
        UNLOCK = "unlock", "Unlocked"
        DELETE = "delete", "Deleted"

    classroom = models.ForeignKey(
        "counterpoint.Classroom", on_delete=models.CASCADE, related_name="moderation_actions"
    )
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    annotation_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.TextField(help_text="The annotation's words when the action was taken.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.actor} {self.get_action_display().lower()} {self.annotation_id}"


class ReadingGoal(models.Model):
    """What one assignment asks of each student on the reading page, in numbers: at least
    this many evidence notes, questions, comments and replies. A record to grade from, never
    a score (annotations.participation counts against it)."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="reading_goal"
    )
    evidence = models.PositiveSmallIntegerField("evidence notes", default=0)
    questions = models.PositiveSmallIntegerField("questions", default=0)
    comments = models.PositiveSmallIntegerField("comments", default=0)
    replies = models.PositiveSmallIntegerField("replies to classmates", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Reading goal for {self.assignment}"

    @property
    def is_set(self) -> bool:
        return any((self.evidence, self.questions, self.comments, self.replies))
