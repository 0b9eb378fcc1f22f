from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

from comparisons.models import Dimension, Passage, Subject
from counterpoint.models import Assignment, Membership

BODY_MAX_LENGTH = 5000
TAG_MAX_LENGTH = 40
MAX_TAGS = 10


def _readable(user, is_teacher: bool, prefix: str = "") -> Q:
    shared = [Annotation.Visibility.CLASS]
    if is_teacher:
        shared.append(Annotation.Visibility.TEACHER)
    return Q(**{f"{prefix}author": user}) | Q(**{f"{prefix}visibility__in": shared})


def visibility_condition(user, *, is_teacher: bool) -> Q:
    """The one visibility rule, for a member of the class (teacher or student).

    Private annotations are their author's alone; "teacher" ones are seen by their author
    and the class's teachers; class ones by the whole class. A reply is seen only by those
    who see the annotation it answers, and by that annotation's author even when the reply
    was meant for them alone (a teacher's private reply).
    """
    top_level = Q(parent__isnull=True) & _readable(user, is_teacher)
    reply = (
        Q(parent__isnull=False)
        & _readable(user, is_teacher, "parent__")
        & (_readable(user, is_teacher) | Q(parent__author=user))
    )
    return top_level | reply


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user, assignment, *, is_teacher: bool):
        """What this user may see of one assignment's annotations (visibility_condition)."""
        return self.filter(assignment=assignment).filter(
            visibility_condition(user, is_teacher=is_teacher)
        )

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

    def facet_counts(self) -> dict:
        """How many top-level annotations each filter value would show (four queries)."""
        top = self.filter(parent__isnull=True)

        def count_by(field):
            rows = top.values(field).annotate(n=Count("pk", distinct=True)).order_by()
            return {row[field]: row["n"] for row in rows if row[field] is not None}

        return {
            "kind": count_by("kind"),
            "subject": count_by("subjects"),
            "dimension": count_by("dimension"),
            "author": count_by("author"),
        }

    def activity_signature(self, assignment_id: int, user_id: int) -> str:
        """A cheap fingerprint of everything that can change this assignment's panel for a
        user: one query, used as the live poll's ETag. It includes whether the user is still
        in the class, so a removed student's poll never matches."""
        everything = Annotation.objects.filter(assignment_id=assignment_id)
        row = (
            Assignment.objects.filter(pk=assignment_id)
            .annotate(
                sig_n=models.Subquery(
                    everything.values("assignment").annotate(c=Count("pk")).values("c")[:1]
                ),
                sig_latest=models.Subquery(
                    everything.order_by("-updated_at").values("updated_at")[:1]
                ),
                sig_helpful=models.Subquery(
                    Helpful.objects.filter(annotation__assignment_id=assignment_id)
                    .values("annotation__assignment")
                    .annotate(c=Count("pk"))
                    .values("c")[:1]
                ),
                sig_links=models.Subquery(
                    Link.objects.filter(assignment_id=assignment_id)
                    .values("assignment")
                    .annotate(c=Count("pk"))
                    .values("c")[:1]
                ),
                sig_member=Exists(
                    Membership.objects.filter(
                        classroom_id=OuterRef("classroom_id"), user_id=user_id
                    )
                ),
            )
            .values_list("sig_n", "sig_latest", "sig_helpful", "sig_links", "sig_member")
            .first()
        )
        if row is None:
            return "none"
        n, latest, helpful, links, member = row
        stamp = latest.timestamp() if latest else 0
        return f'"{user_id}-{int(member)}-{n or 0}-{stamp:.6f}-{helpful or 0}-{links or 0}"'

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
            )
            .order_by("passage__section__order", "passage__order", "start", "pk")
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
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="annotations")
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
        default=False, help_text="Its quote could not be found after the passage was edited."
    )
    body = models.TextField(blank=True, max_length=BODY_MAX_LENGTH)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="annotations")
    dimension = models.ForeignKey(
        Dimension, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotations"
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.CLASS
    )
    is_deleted = models.BooleanField(default=False)
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

    def change_visibility(self, visibility: str) -> None:
        """Change who sees this annotation, and its replies with it (except replies that
        were deliberately narrower, such as a teacher's private reply)."""
        old = self.visibility
        if visibility == old:
            return
        self.visibility = visibility
        self.save(update_fields=["visibility", "updated_at"])
        self.replies.filter(visibility=old).update(visibility=visibility)

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
