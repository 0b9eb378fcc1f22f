from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from annotations.live import Fingerprint
from comparisons.models import Dimension, Passage, Subject
from counterpoint.models import (
    NO_GROUP,
    WHOLE_CLASS,
    Assignment,
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


# "Work out the viewer's reading scope here": WHOLE_CLASS is None, so not knowing it
# needs a value of its own.
UNKNOWN_SCOPE = object()


def _scope_of(user, classroom_id, is_teacher):
    if is_teacher:
        return WHOLE_CLASS
    from counterpoint.permissions import reading_scope

    return reading_scope(user, classroom_id)


# Prompts and pinned notes first, then in the order of the text.
PANEL_ORDER = (
    "-is_prompt",
    "-is_pinned",
    "passage__section__order",
    "passage__order",
    "start",
    "pk",
)


def _facet_counters(subjects, dimensions) -> dict:
    """The aggregates behind the panel's facet counts, named "field:value"."""
    tagged = Annotation.subjects.through.objects.filter(annotation_id=OuterRef("pk"))
    counts = {f"kind:{kind}": Count("pk", filter=Q(kind=kind)) for kind in Annotation.Kind}
    for subject in subjects:
        subject_id = getattr(subject, "pk", subject)
        counts[f"subject:{subject_id}"] = Count(
            "pk", filter=Exists(tagged.filter(subject_id=subject_id))
        )
    for dimension in dimensions:
        dimension_id = getattr(dimension, "pk", dimension)
        counts[f"dimension:{dimension_id}"] = Count("pk", filter=Q(dimension_id=dimension_id))
    return counts


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
        made before it compares any ETag."""
        own = (
            Annotation.objects.filter(
                assignment_id=OuterRef("pk"), author=user, parent__isnull=True, is_deleted=False
            )
            .order_by()
            .values("assignment_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        membership = Membership.objects.filter(classroom_id=OuterRef("classroom_id"), user=user)
        assignment = (
            Assignment.objects.filter(pk=assignment_id)
            .select_related("classroom", "comparison")  # as permissions.get_assignment_for
            .annotate(
                viewer_role=models.Subquery(membership.values("role")[:1]),
                viewer_group=models.Subquery(membership.values("group_id")[:1]),
                viewer_sees_whole_class=models.Subquery(membership.values("sees_whole_class")[:1]),
                has_groups=Exists(StudyGroup.objects.filter(classroom_id=OuterRef("classroom_id"))),
                viewer_notes=Coalesce(models.Subquery(own), 0),
            )
            .first()
        )
        if assignment is None or assignment.viewer_role is None:
            return None
        is_teacher = assignment.viewer_role == Membership.Role.TEACHER
        gated = not is_teacher and assignment.is_gated_for(user, own_count=assignment.viewer_notes)
        scope = reading_scope(
            role=assignment.viewer_role,
            group_id=assignment.viewer_group,
            sees_whole_class=bool(assignment.viewer_sees_whole_class),
            whole_class_allowed=assignment.classroom.students_may_see_whole_class,
            has_groups=assignment.has_groups,
        )
        return assignment, is_teacher, gated, scope

    def activity_fingerprint(
        self, assignment, user, *, is_teacher: bool, gated: bool, scope=UNKNOWN_SCOPE, visible=None
    ):
        """A fingerprint of what this user may see of the assignment's annotations, by the
        one visibility rule (annotations.live.Fingerprint), in one query: a single scan
        that counts and sums the ids of the visible rows and finds the highest id and the
        newest change. Its `etag` is the live poll's ETag. The reading scope (small groups)
        is part of it, so moving a student to another group changes it. `visible` is what
        visible_to gave the caller for the same user, role, gate and scope, when it has it
        (the reading page does): not built twice."""
        if scope is UNKNOWN_SCOPE:
            scope = _scope_of(user, assignment.classroom_id, is_teacher)
        if visible is None:
            visible = Annotation.objects.visible_to(
                user, assignment, is_teacher=is_teacher, gated=gated, scope=scope
            )
        row = visible.aggregate(
            count=Count("pk"), total=Sum("pk"), max_pk=Max("pk"), latest=Max("updated_at")
        )
        return Fingerprint.of(
            user_id=user.pk,
            role=Membership.Role.TEACHER if is_teacher else Membership.Role.STUDENT,
            gated=gated,
            scope=scope,
            **row,
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
    ):
        """What a live delta sends, for a viewer not held back by think-first: (pk,
        parent_id, visible) of the rows they may see that changed at or after the POSIX
        timestamp `since` or have an id above `above_pk`, and (visible False) of the rows
        they could see up to `above_pk` that a teacher hid since. Nothing else: a delta never
        names a row the viewer could not have seen. (A change of reading scope never comes
        here: its fingerprint differs, and the whole list is sent.)"""
        if scope is UNKNOWN_SCOPE:
            scope = _scope_of(user, assignment.classroom_id, is_teacher)
        moment = datetime.fromtimestamp(max(since, 0), tz=UTC)
        visible = visibility_condition(user, is_teacher=is_teacher, scope=scope)
        hidden_since = (
            Q(updated_at__gte=moment, pk__lte=above_pk)
            & (Q(is_hidden=True) | Q(parent__is_hidden=True))
            & visibility_condition(user, is_teacher=is_teacher, ignoring_hidden=True, scope=scope)
        )
        return (
            self.filter(assignment=assignment)
            .filter(Q(updated_at__gte=moment) | Q(pk__gt=above_pk))
            .filter(visible | hidden_since)
            .annotate(visible=ExpressionWrapper(visible, output_field=models.BooleanField()))
            .values_list("pk", "parent_id", "visible")
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
            .values(
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
        )

    def for_panel(self, user):
        """Top-level annotations with their author, subjects, tags and helpful marks, in a
        fixed number of queries. Replies and links depend on what the viewer may see, so the
        caller prefetches those (see annotations.views)."""
        helpful = Helpful.objects.filter(annotation=OuterRef("pk"), user=user)
        return (
            self.filter(parent__isnull=True)
            .select_related("author", "dimension", "passage")
            .prefetch_related("subjects", "tags")
            .annotate(
                helpful_count=Count("helpful_marks", distinct=True),
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
