"""/api/v1/annotations/ and the W3C Web Annotation collection of an assignment.

Every read goes through `visible_annotations(user)`, the visibility rules of
`AnnotationQuerySet.visible_to` applied across all of the user's classes in one query, so a
list never shows what the HTML panel would hide, and a detail the user may not see is a 404.
Writes go through `annotations.services`, as the HTML views' do.

Moderation (hide, unhide, pin, lock, keep, and a teacher's delete) is for the teachers of the
annotation's class, looked up through `counterpoint.permissions` like every other access, and
each action leaves a `ModerationAction` row. `/api/v1/classes/<id>/flags/` is their queue.
"""

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, Throttled, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import anchoring, w3c
from annotations.access import get_annotation_for, get_thread_for
from annotations.forms import TagsField
from annotations.models import (
    BODY_MAX_LENGTH,
    TAG_MAX_LENGTH,
    Annotation,
    Flag,
    Helpful,
    Link,
    ModerationAction,
)
from annotations.services import (
    RATE_LIMITED,
    annotation_create,
    annotation_moderate,
    annotation_update,
    flag_create,
    import_allow,
    may_post,
    passage_of,
    reply_create,
    reply_update,
)
from comparisons.models import Dimension, Passage, Subject
from counterpoint import permissions
from counterpoint.lib.errors import NotAllowed
from counterpoint.lib.safejson import MAX_ID, IdField, JSONLDParser, JSONParser


def refusal(error: NotAllowed) -> ValidationError:
    """A rule's refusal (annotations.services) as a 400, under the field it names."""
    return ValidationError({error.field or "non_field_errors": [error.message]})


REASON_MAX_LENGTH = Annotation._meta.get_field("hidden_reason").max_length

# --- who sees what -----------------------------------------------------------------


def visible_annotations(user):
    """Annotations and replies this user may see, across all of their classes."""
    return Annotation.objects.visible_anywhere(user)


def for_api(queryset, user, *, visible=None):
    """What the serializer reads, in a fixed number of queries: the author and assignment
    (for the class, which decides who reads a hidden reason) joined, subjects
    and tags prefetched, helpful marks and the replies this user may see counted in
    subqueries (a join would multiply rows and be narrowed by the `q` filter's reply join).
    `visible` is visible_annotations(user) when the caller has it already (for a student,
    working it out asks which assignments still hold them to think first)."""
    helpful = (
        Helpful.objects.filter(annotation=OuterRef("pk"))
        .order_by()
        .values("annotation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    visible = visible_annotations(user) if visible is None else visible
    replies = (
        visible.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        queryset.select_related("author", "assignment")
        .prefetch_related("subjects", "tags")
        .annotate(
            helpful_count=Coalesce(Subquery(helpful, output_field=IntegerField()), 0),
            reply_count=Coalesce(Subquery(replies, output_field=IntegerField()), 0),
        )
        .order_by("created_at", "pk")
    )


# --- serializers -------------------------------------------------------------------


class AuthorSerializer(serializers.Serializer):
    """Who wrote it, as classmates see them: never the e-mail address."""

    id = serializers.IntegerField()
    display_name = serializers.CharField()


class AnnotationSerializer(serializers.ModelSerializer):
    """What the API returns for an annotation or a reply (read from `for_api` rows)."""

    author = AuthorSerializer(read_only=True)
    subjects = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    created = serializers.DateTimeField(source="created_at", read_only=True)
    modified = serializers.DateTimeField(source="updated_at", read_only=True)
    helpful_count = serializers.IntegerField(read_only=True)
    reply_count = serializers.IntegerField(read_only=True)
    hidden_reason = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = [
            "id",
            "assignment",
            "passage",
            "author",
            "parent",
            "exact",
            "prefix",
            "suffix",
            "start",
            "end",
            "is_orphaned",
            "body",
            "kind",
            "subjects",
            "dimension",
            "tags",
            "visibility",
            "is_private_reply",
            "is_deleted",
            "is_hidden",
            "hidden_reason",
            "is_pinned",
            "is_locked",
            "is_prompt",
            "created",
            "modified",
            "helpful_count",
            "reply_count",
        ]
        read_only_fields = fields

    def get_hidden_reason(self, annotation) -> str:
        """Why a teacher hid it: told to its author and the class's teachers. Nobody else
        sees a hidden annotation at all; this keeps the reason theirs if that ever changes."""
        if not annotation.is_hidden:
            return ""
        user = self.context["request"].user
        if annotation.author_id == user.pk or permissions.is_teacher(
            user, annotation.assignment.classroom_id
        ):
            return annotation.hidden_reason
        return ""


def clean_tags(names: list[str]) -> list[str]:
    """The HTML form's tag rules (lower case, trimmed, de-duplicated, at most MAX_TAGS of at
    most TAG_MAX_LENGTH characters) and its messages."""
    try:
        return TagsField(required=False).clean(", ".join(names))
    except forms.ValidationError as error:
        raise serializers.ValidationError(error.messages) from None


def _subjects_of(comparison_id: int, ids: list[int]) -> list[Subject]:
    storable = [pk for pk in ids if 0 < pk <= MAX_ID]
    found = list(Subject.objects.filter(comparison_id=comparison_id, pk__in=storable))
    missing = sorted(set(ids) - {subject.pk for subject in found})
    if missing:
        raise serializers.ValidationError(
            [f"Subject {pk} is not part of this comparison." for pk in missing]
        )
    return found


def _dimension_of(comparison_id: int, pk: int | None) -> Dimension | None:
    if pk is None:
        return None
    dimension = Dimension.objects.filter(comparison_id=comparison_id, pk=pk).first()
    if dimension is None:
        raise serializers.ValidationError(f"Dimension {pk} is not part of this comparison.")
    return dimension


class AnnotationCreateSerializer(serializers.Serializer):
    """A new annotation on a passage, or (with `parent`) a reply, which needs only `body`."""

    assignment = IdField(required=False)
    parent = IdField(required=False, allow_null=True)
    passage = IdField(required=False)
    exact = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    prefix = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, default="", max_length=1000
    )
    suffix = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, default="", max_length=1000
    )
    start = serializers.IntegerField(required=False)
    end = serializers.IntegerField(required=False)
    body = serializers.CharField(allow_blank=True, default="", max_length=BODY_MAX_LENGTH)
    kind = serializers.ChoiceField(Annotation.Kind.choices, default=Annotation.Kind.COMMENT)
    subjects = serializers.ListField(child=IdField(), default=list)
    dimension = IdField(required=False, allow_null=True, default=None)
    tags = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=TAG_MAX_LENGTH * 4),
        default=list,
    )
    visibility = serializers.ChoiceField(
        Annotation.Visibility.choices, default=Annotation.Visibility.CLASS
    )

    def validate_assignment(self, pk):
        """Not a member (or no such id): the same message, so ids cannot be probed."""
        try:
            return permissions.get_assignment_for(self.context["request"].user, pk)
        except Http404:
            raise serializers.ValidationError("No such assignment.") from None

    def validate_parent(self, pk):
        """A reply to a reply joins the thread of the top-level annotation, and a thread a
        teacher locked takes no new replies (from anyone)."""
        if pk is None:
            return None
        user = self.context["request"].user
        try:
            parent = get_thread_for(user, pk)
        except Http404:
            raise serializers.ValidationError("No such annotation.") from None
        return parent

    def validate_tags(self, names):
        return clean_tags(names)

    def validate(self, data):
        if data.get("parent") is not None:
            return self._validate_reply(data)
        return self._validate_annotation(data)

    def _validate_reply(self, data):
        parent = data["parent"]
        if "assignment" in data and data["assignment"].pk != parent.assignment_id:
            raise serializers.ValidationError(
                {"assignment": ["The annotation you reply to belongs to another assignment."]}
            )
        return data

    def _validate_annotation(self, data):
        errors = {
            name: ["This field is required."]
            for name in ("assignment", "passage", "exact", "start", "end")
            if name not in data
        }
        assignment = data.get("assignment")
        if assignment is not None:
            comparison_id = assignment.comparison_id
            if "passage" in data:
                try:
                    data["passage"] = passage_of(assignment, data["passage"])
                except NotAllowed as error:
                    errors[error.field] = [error.message]
            for name, lookup in (("subjects", _subjects_of), ("dimension", _dimension_of)):
                try:
                    data[name] = lookup(comparison_id, data[name])
                except serializers.ValidationError as error:
                    errors[name] = error.detail
        if errors:
            raise serializers.ValidationError(errors)
        return data

    def create(self, validated_data):
        fields = {name: value for name, value in validated_data.items() if name != "parent"}
        try:
            if validated_data.get("parent") is not None:
                return reply_create(
                    parent=validated_data["parent"], author=fields["author"], body=fields["body"]
                )
            return annotation_create(**fields)
        except NotAllowed as error:  # a locked thread, a note without words
            raise refusal(error) from None
        except anchoring.SelectorError as error:
            raise serializers.ValidationError({"exact": [error.message]}) from None


class AnnotationUpdateSerializer(serializers.Serializer):
    """What an author may change after the fact: never the selectors, which the re-anchoring
    after a passage edit owns. PUT sends every field; PATCH any of them."""

    body = serializers.CharField(allow_blank=True, max_length=BODY_MAX_LENGTH)
    kind = serializers.ChoiceField(Annotation.Kind.choices)
    subjects = serializers.ListField(child=IdField())
    dimension = IdField(allow_null=True)
    tags = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=TAG_MAX_LENGTH * 4)
    )
    visibility = serializers.ChoiceField(Annotation.Visibility.choices)

    def validate_subjects(self, ids):
        return _subjects_of(self.instance.assignment.comparison_id, ids)

    def validate_dimension(self, pk):
        return _dimension_of(self.instance.assignment.comparison_id, pk)

    def validate_tags(self, names):
        return clean_tags(names)

    def to_representation(self, annotation):
        """The editable fields in the shape they are sent (the browsable API's form)."""
        return {
            "body": annotation.body,
            "kind": annotation.kind,
            "subjects": [subject.pk for subject in annotation.subjects.all()],
            "dimension": annotation.dimension_id,
            "tags": [tag.name for tag in annotation.tags.all()],
            "visibility": annotation.visibility,
        }

    def update(self, annotation, validated_data):
        """Only the fields sent are written (annotations.services.annotation_update)."""
        try:
            return annotation_update(annotation, **validated_data)
        except NotAllowed as error:  # a deleted stub, a note without words
            raise refusal(error) from None


class ReplyUpdateSerializer(serializers.Serializer):
    """A reply has only a body; anything else sent is refused rather than ignored."""

    body = serializers.CharField(max_length=BODY_MAX_LENGTH)

    def to_internal_value(self, data):
        editable = set(AnnotationUpdateSerializer().fields) - {"body"}
        extra = sorted(editable & set(data)) if isinstance(data, dict) else []
        if extra:
            raise serializers.ValidationError(
                {name: ["A reply has only a body."] for name in extra}
            )
        return super().to_internal_value(data)

    def update(self, reply, validated_data):
        try:
            return reply_update(reply, body=validated_data["body"])
        except NotAllowed as error:
            raise refusal(error) from None


class AnnotationFilters(serializers.Serializer):
    """The list's query parameters. An empty value means no filter; a malformed one is a
    400 naming the parameter."""

    assignment = IdField(required=False, allow_null=True)
    passage = IdField(required=False, allow_null=True)
    author = IdField(required=False, allow_null=True)
    group = IdField(required=False, allow_null=True)
    subject = IdField(required=False, allow_null=True)
    dimension = IdField(required=False, allow_null=True)
    parent = IdField(required=False, allow_null=True)
    kind = serializers.ChoiceField(Annotation.Kind.choices, required=False, allow_blank=True)
    tag = serializers.CharField(required=False, allow_blank=True, max_length=TAG_MAX_LENGTH)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    top_level = serializers.BooleanField(required=False, default=False)


PANEL_FILTERS = ("kind", "subject", "dimension", "author", "group", "tag", "q")
FILTER_PARAMETERS = [
    OpenApiParameter("assignment", int),
    OpenApiParameter("passage", int),
    OpenApiParameter("author", int),
    OpenApiParameter(
        "group", int, description="By members of this small group (within what you may see)."
    ),
    OpenApiParameter("kind", str, enum=Annotation.Kind.values),
    OpenApiParameter("subject", int),
    OpenApiParameter("dimension", int),
    OpenApiParameter("tag", str),
    OpenApiParameter("q", str, description="Words in the note, the quote or a reply."),
    OpenApiParameter("parent", int, description="Replies to this annotation."),
    OpenApiParameter("top_level", bool, description="Only annotations, no replies."),
]


# --- flags and moderation ---------------------------------------------------------


class FlagSerializer(serializers.ModelSerializer):
    """A report on an annotation, as its reporter sends and sees it."""

    created = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Flag
        fields = ["id", "reason", "details", "state", "created"]
        read_only_fields = ["id", "state", "created"]


class HideSerializer(serializers.Serializer):
    """The reason is shown to the author, so it is required (annotation_moderate says so)."""

    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class PinSerializer(serializers.Serializer):
    pinned = serializers.BooleanField(default=True)


class LockSerializer(serializers.Serializer):
    locked = serializers.BooleanField(default=True)


class DeleteSerializer(serializers.Serializer):
    """A teacher may say why they deleted someone's annotation; it goes in the audit trail."""

    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class NoBody(serializers.Serializer):
    """For actions that take no fields (unhide, keep)."""


class PostingTooFast(Throttled):
    """429 with the friendly message exactly (Throttled would append "Expected available in
    60 seconds.") and Retry-After: 60, the rate limit's window."""

    def __init__(self):
        super().__init__(detail=RATE_LIMITED)
        self.wait = 60


# --- the viewset -------------------------------------------------------------------


class AuthorChanges(drf_permissions.BasePermission):
    """Anyone who can see an annotation may read it; only its author may change it. Its
    author or a teacher of the class may delete it (the teacher's delete is moderation)."""

    def has_object_permission(self, request, view, obj):
        if request.method in drf_permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE" and permissions.can_moderate(request.user, obj):
            return True
        return permissions.can_write(request.user, obj)


@extend_schema_view(
    list=extend_schema(parameters=FILTER_PARAMETERS),
    destroy=extend_schema(request=DeleteSerializer, responses={204: None}),
)
class AnnotationViewSet(viewsets.ModelViewSet):
    """Annotations and replies I may see, in every class I belong to.

    Create with `assignment`, `passage` and the selectors (`exact`, `prefix`, `suffix`,
    `start`, `end`: code-point offsets into the passage's text), or reply with `parent` and
    `body`. An outsider's assignment is refused as "No such assignment." (400), the same as an
    id that does not exist. Posting too quickly is a 429. Only the author may edit (body,
    kind, subjects, dimension, tags, visibility); the author or a teacher of the class may
    delete, and a deleted annotation that has replies stays as a stub.

    Any member who sees an annotation may flag it; the class's teachers may hide, unhide,
    pin, lock, keep (close its flags) or delete it, each recorded in the audit trail.
    """

    permission_classes = [drf_permissions.IsAuthenticated, AuthorChanges]
    lookup_value_regex = r"\d+"
    action_serializers = {
        "flag": FlagSerializer,
        "hide": HideSerializer,
        "unhide": NoBody,
        "pin": PinSerializer,
        "lock": LockSerializer,
        "keep": NoBody,
        "destroy": DeleteSerializer,
    }

    def get_queryset(self):
        visible = visible_annotations(self.request.user)
        queryset = self._filter(visible) if self.action == "list" else visible
        return for_api(queryset, self.request.user, visible=visible)

    def _filter(self, visible):
        queryset = visible
        params = AnnotationFilters(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        given = {k: v for k, v in params.validated_data.items() if v not in (None, "")}
        for name in ("assignment", "passage", "parent"):
            if name in given:
                queryset = queryset.filter(**{name: given[name]})
        if given.get("top_level"):
            queryset = queryset.filter(parent__isnull=True)
        panel = {name: value for name, value in given.items() if name in PANEL_FILTERS}
        if not panel:
            return queryset
        return queryset.filtered(panel, self.request.user, visible=visible)

    def get_object(self):
        """Kept for get_serializer_class: a reply is edited with a serializer of its own."""
        self._instance = super().get_object()
        return self._instance

    def get_serializer_class(self):
        if self.action == "create":
            return AnnotationCreateSerializer
        if self.action in self.action_serializers:
            return self.action_serializers[self.action]
        if self.action in ("update", "partial_update"):
            instance = getattr(self, "_instance", None)
            if instance is not None and instance.is_reply:
                return ReplyUpdateSerializer
            return AnnotationUpdateSerializer
        return AnnotationSerializer

    def get_renderers(self):
        """One annotation may also be read as a W3C Web Annotation: its `id` in an export is
        this URL, and a client that dereferences it with the JSON-LD Accept header gets it."""
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "retrieve":
            renderers += [renderer() for renderer in W3C_RENDERERS]
        return renderers

    @extend_schema(
        responses={
            200: AnnotationSerializer,
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
        }
    )
    def retrieve(self, request, *args, **kwargs):
        if not isinstance(request.accepted_renderer, W3C_RENDERERS):
            return super().retrieve(request, *args, **kwargs)
        # The same visibility rule as the list (404 for anyone who may not see it), and
        # deleted stubs are not exported, as in the collection.
        annotation = self.get_object()
        if annotation.is_deleted:
            raise Http404
        annotation = (
            Annotation.objects.select_related("author", "dimension", "assignment")
            .prefetch_related("subjects", "tags")
            .get(pk=annotation.pk)
        )
        item = w3c.annotation_item(annotation, w3c.iris_for(request, annotation.assignment))
        return Response({"@context": w3c.CONTEXT, **item})

    def finalize_response(self, request, response, *args, **kwargs):
        """The same URL answers in two vocabularies, chosen by Accept: caches must know."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "action", None) == "retrieve":
            patch_vary_headers(response, ["Accept"])
        return response

    def _shown(self, annotation, status_code=status.HTTP_200_OK):
        """The row as the list shows it, counts and all, after a write."""
        fresh = self.get_queryset().get(pk=annotation.pk)
        context = self.get_serializer_context()
        return Response(AnnotationSerializer(fresh, context=context).data, status=status_code)

    @extend_schema(
        request=AnnotationCreateSerializer,
        responses={201: AnnotationSerializer, 429: OpenApiTypes.OBJECT},
    )
    def create(self, request, *args, **kwargs):
        """The rate limit is counted first, so a flood of bad requests is slowed down too."""
        if not may_post(request.user):
            raise PostingTooFast
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = serializer.save(author=request.user)
        return self._shown(annotation, status.HTTP_201_CREATED)

    @extend_schema(request=AnnotationUpdateSerializer, responses=AnnotationSerializer)
    def update(self, request, *args, **kwargs):
        annotation = self.get_object()
        serializer = self.get_serializer(
            annotation, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self._shown(annotation)

    @extend_schema(request=AnnotationUpdateSerializer, responses=AnnotationSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance):
        """The author's own delete keeps a stub if others replied. A teacher deleting
        someone else's annotation is moderation: recorded, with a snapshot of the words,
        and its open flags closed. (AuthorChanges has let only those two through.)"""
        if instance.author_id == self.request.user.pk:
            instance.soft_delete()
            return
        reason = self._valid_body()["reason"]
        annotation_moderate(
            annotation=instance,
            actor=self.request.user,
            action=ModerationAction.Action.DELETE,
            reason=reason,
        )

    @extend_schema(responses=AnnotationSerializer(many=True))
    @action(detail=True)
    def replies(self, request, pk=None):
        """The replies to one annotation that I may see, oldest first."""
        parent = self.get_object()
        page = self.paginate_queryset(self.get_queryset().filter(parent=parent))
        context = self.get_serializer_context()
        return self.get_paginated_response(
            AnnotationSerializer(page, many=True, context=context).data
        )

    # --- flags and moderation ------------------------------------------------------
    # These look the annotation up through counterpoint.permissions rather than
    # get_object(): 404 for whoever cannot see it, 403 for members without the right.

    def _valid_body(self, **context):
        serializer = self.get_serializer(
            data=self.request.data, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _moderatable(self, pk) -> Annotation:
        """The annotation, if this user teaches its class. Checked before the body is
        validated, so a student learns nothing from a 400."""
        return get_annotation_for(self.request.user, pk, action="moderate")

    def _moderate(self, annotation, action_name, *, reason=""):
        try:
            annotation_moderate(
                annotation=annotation, actor=self.request.user, action=action_name, reason=reason
            )
        except NotAllowed as error:  # a hide without a reason, a reply pinned or locked
            raise refusal(error) from None
        return self._shown(annotation)

    @extend_schema(
        request=FlagSerializer,
        responses={200: FlagSerializer, 201: FlagSerializer, 429: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"])
    def flag(self, request, pk=None):
        """Ask a teacher to look at an annotation I can see (not my own). Flagging again
        changes nothing and returns the first flag (200 instead of 201)."""
        annotation = get_annotation_for(request.user, pk)
        data = self._valid_body()
        try:
            flag, created = flag_create(
                annotation=annotation,
                reporter=request.user,
                reason=data["reason"],
                details=data.get("details", ""),
            )
        except NotAllowed as error:  # one's own annotation, "Something else" unexplained
            raise refusal(error) from None
        return Response(
            FlagSerializer(flag).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=HideSerializer, responses=AnnotationSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide from the class, with a reason its author sees; its open flags are closed."""
        annotation = self._moderatable(pk)
        reason = self._valid_body()["reason"]
        return self._moderate(annotation, ModerationAction.Action.HIDE, reason=reason)

    @extend_schema(request=None, responses=AnnotationSerializer)
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        return self._moderate(self._moderatable(pk), ModerationAction.Action.UNHIDE)

    @extend_schema(request=PinSerializer, responses=AnnotationSerializer)
    @action(detail=True, methods=["post"])
    def pin(self, request, pk=None):
        """Pin to the top of the panel; `{"pinned": false}` unpins."""
        annotation = self._moderatable(pk)
        pinned = self._valid_body()["pinned"]
        Action = ModerationAction.Action
        return self._moderate(annotation, Action.PIN if pinned else Action.UNPIN)

    @extend_schema(request=LockSerializer, responses=AnnotationSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        """No new replies; `{"locked": false}` unlocks."""
        annotation = self._moderatable(pk)
        locked = self._valid_body()["locked"]
        Action = ModerationAction.Action
        return self._moderate(annotation, Action.LOCK if locked else Action.UNLOCK)

    @extend_schema(request=None, responses=AnnotationSerializer)
    @action(detail=True, methods=["post"])
    def keep(self, request, pk=None):
        """Reviewed: it stays as it is, and its open flags are closed as kept."""
        return self._moderate(self._moderatable(pk), ModerationAction.Action.KEEP)


# --- a class's flags, for its teachers ---------------------------------------------


def flags_for_review(classroom, user, *, state: str):
    """A class's flags, newest first, with what the review list shows (the annotation and
    its author, the reporter) joined in one query. Only flags on annotations the teacher can
    see: one later made private by its author drops out, as it would from the panel."""
    flags = Flag.objects.filter(annotation__in=Annotation.objects.for_moderation(classroom, user))
    if state != "all":
        flags = flags.filter(state=state)
    return flags.select_related("annotation__author", "reporter").order_by("-created_at", "-pk")


class FlaggedAnnotationSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "assignment",
            "parent",
            "author",
            "exact",
            "body",
            "is_hidden",
            "is_deleted",
        ]
        read_only_fields = fields


class FlagReviewSerializer(FlagSerializer):
    """A flag as the class's teachers see it: who reported what, and on which words."""

    reporter = AuthorSerializer(read_only=True)
    annotation = FlaggedAnnotationSerializer(read_only=True)

    class Meta(FlagSerializer.Meta):
        fields = [*FlagSerializer.Meta.fields, "reporter", "annotation"]
        read_only_fields = fields


class FlagFilters(serializers.Serializer):
    state = serializers.ChoiceField([*Flag.State.values, "all"], default=Flag.State.OPEN)


@extend_schema(
    parameters=[OpenApiParameter("state", str, enum=[*Flag.State.values, "all"])],
)
class ClassFlagsView(generics.ListAPIView):
    """The flags on a class's annotations, for its teachers: open ones unless `?state=`
    says hidden, kept or all. A student of the class gets 403; anyone else 404."""

    serializer_class = FlagReviewSerializer

    def get_queryset(self):
        classroom = permissions.get_classroom_for(
            self.request.user, self.kwargs["pk"], action="moderate"
        )
        params = FlagFilters(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return flags_for_review(classroom, self.request.user, state=params.validated_data["state"])


# --- W3C Web Annotation collection -------------------------------------------------


class AnnotationProfileRenderer(JSONRenderer):
    """JSON-LD with the Web Annotation profile, what the W3C protocol asks servers to send
    and answers `Accept: application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`."""

    media_type = f'application/ld+json; profile="{w3c.PROFILE}"'
    format = "jsonld"


class JSONLDRenderer(JSONRenderer):
    """Plain `application/ld+json`, for a client that asks for it without the profile."""

    media_type = "application/ld+json"
    format = "jsonld"


W3C_RENDERERS = (AnnotationProfileRenderer, JSONLDRenderer)


class AnnotationCollectionView(APIView):
    """An assignment's annotations as a W3C AnnotationCollection (GET), and import (POST).

    GET returns everything I may see there (annotations, replies, and the comparison links
    between annotations I may see; deleted stubs are left out), as one embedded page that
    `?page=1` returns alone. Offsets count Unicode code points; a target's source fragment
    `#passage-<id>` is the id of the reading page's element holding the passage's text; an
    orphaned annotation's target has no selector. POST takes an Annotation, a list, an
    AnnotationPage, an AnnotationCollection or a Hypothesis search result (at most 500 items)
    and creates each one as mine, private unless `?visibility=class|teacher` says otherwise,
    since whoever wrote them did not choose to show them to this class. Each item is created
    or skipped on its own, and the report says which and why, and what was changed.

    Imports are limited per person (settings.RATE_LIMITS): a few requests a minute, and 500
    annotations an hour, apart from the posting limit. An import holding more annotations
    than are left is refused whole with a 429 that says how many are left; nothing is created.
    Finding the quotes has a work budget per request; items it cannot reach are skipped
    with a reason.
    """

    renderer_classes = [*W3C_RENDERERS, JSONRenderer]
    parser_classes = [JSONLDParser, JSONParser]

    @extend_schema(
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            (200, "application/json"): OpenApiTypes.OBJECT,  # ?format=json
        },
        parameters=[OpenApiParameter("page", int, description="1: the page on its own")],
    )
    def get(self, request, pk):
        assignment = permissions.get_assignment_for(request.user, pk)
        visible = Annotation.objects.visible_to(
            request.user,
            assignment,
            is_teacher=permissions.is_teacher(request.user, assignment.classroom_id),
        )
        exported = visible.filter(is_deleted=False)
        annotations = (
            exported.select_related("author", "dimension")
            .prefetch_related("subjects", "tags")
            .order_by("created_at", "pk")
        )
        links = (
            Link.objects.filter(assignment=assignment, source__in=exported, target__in=exported)
            .select_related("author", "dimension")
            .order_by("created_at", "pk")
        )
        iris = w3c.iris_for(request, assignment)
        items = [w3c.annotation_item(a, iris) for a in annotations]
        items += [w3c.link_item(link, iris) for link in links]
        label = f"{assignment.comparison.title} ({assignment.classroom.name})"
        iri = request.build_absolute_uri(request.path)
        document = w3c.collection(iri=iri, label=label, items=items)
        # Everything is on page 1; its id is `?page=1`, and that IRI returns the page alone.
        page = request.query_params.get("page")
        if page is None:
            return Response(document)
        if page != "1":
            raise Http404
        return Response(w3c.page(document))

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("visibility", str, enum=Annotation.Visibility.values)],
    )
    def post(self, request, pk):
        assignment = permissions.get_assignment_for(request.user, pk)
        visibility = request.query_params.get("visibility", Annotation.Visibility.PRIVATE)
        if visibility not in Annotation.Visibility.values:
            raise ValidationError(
                {"visibility": [f"Choose one of {', '.join(Annotation.Visibility.values)}."]}
            )
        try:
            items = w3c.items_from(request.data)
        except w3c.PayloadError as error:
            raise ParseError(str(error)) from None
        import_allow(request.user, len(items))  # a 429, nothing created, past the limits
        report = _import(items, assignment=assignment, author=request.user, visibility=visibility)
        return Response(report, content_type="application/json")


def _import(items: list, *, assignment, author, visibility: str) -> dict:
    """Create each item that can be placed; `annotation_create` runs in its own transaction,
    so an item that fails leaves nothing behind and the others still import."""
    passages = list(
        Passage.objects.filter(section__comparison_id=assignment.comparison_id).order_by(
            "section__order", "section__pk", "order", "pk"
        )
    )
    by_id = {passage.pk: passage for passage in passages}
    texts = [(passage.pk, passage.text) for passage in passages]
    names = _Names(assignment.comparison_id)
    budget = anchoring.Budget(anchoring.REQUEST_WORK_BUDGET)  # shared by every item
    report = []
    for index, item in enumerate(items):
        try:
            imported = w3c.read_item(item)
            try:
                tags = clean_tags(imported.tags)
            except serializers.ValidationError as error:
                raise w3c.ItemSkipped(" ".join(str(message) for message in error.detail)) from None
            passage_id, selector = w3c.place(imported, texts, budget)
            subjects, dimension, warnings = names.classify(imported.classifying)
            warnings = imported.changes + warnings
            annotation = annotation_create(
                assignment=assignment,
                author=author,
                passage=by_id[passage_id],
                exact=selector.exact,
                prefix=selector.prefix,
                suffix=selector.suffix,
                start=selector.start,
                end=selector.end,
                body=imported.body,
                kind=imported.kind,
                subjects=subjects,
                dimension=dimension,
                tags=tags,
                visibility=visibility,
            )
        except (w3c.ItemSkipped, anchoring.SelectorError, NotAllowed) as error:
            report.append({"index": index, "status": "skipped", "reason": str(error)})
            continue
        entry = {"index": index, "status": "created", "id": annotation.pk}
        if warnings:
            entry["warnings"] = warnings
        report.append(entry)
    created = sum(entry["status"] == "created" for entry in report)
    return {"created": created, "skipped": len(report) - created, "items": report}


class _Names:
    """A comparison's subjects and dimensions by name, for "classifying" bodies: names are
    what travel between classes and tools, matched ignoring case."""

    def __init__(self, comparison_id: int):
        self.subjects = {
            s.name.casefold(): s for s in Subject.objects.filter(comparison_id=comparison_id)
        }
        self.dimensions = {
            d.name.casefold(): d for d in Dimension.objects.filter(comparison_id=comparison_id)
        }

    def classify(self, values: list[str]):
        subjects, dimension, warnings = [], None, []
        for value in values:
            key = value.casefold()
            if key in self.subjects:
                if self.subjects[key] not in subjects:
                    subjects.append(self.subjects[key])
            elif key in self.dimensions and dimension is None:
                dimension = self.dimensions[key]
            elif key in self.dimensions:
                warnings.append(f"Only one dimension is kept; “{value}” was left out.")
            else:
                warnings.append(f"“{value}” is not a subject or dimension of this text.")
        return subjects, dimension, warnings


routes = [("annotations", AnnotationViewSet, "annotation")]
