"""/api/v1/outlines/: essay outlines, built from a selection, edited, exported.

Who may do what is `counterpoint.permissions`' Outline rule: the author (while in the class)
reads and writes; the class's teachers read; anyone else gets a 404. Creating goes through
the same steps as the builder page (`builder_material`, `make_selection`, `builder.build`,
`outline_create`), so a key the student may not see is not in their material and cannot be
pulled in. Every edit names the version it was made on; a stale one is a 409 that says which
version to reload, so two tabs never silently overwrite each other.

Submission and feedback go through `essays.feedback`: the author submits (or resubmits), the
class's teachers return or accept, comment and score; an illegal move is a 400 that says why.
The author sees comments and scores only once the teacher has released them (for the whole
assignment, or for this student). `/api/v1/assignments/{id}/gradebook.csv` is the teachers'
gradebook, the same file as the class dashboard's.
"""

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api import AuthorSerializer
from counterpoint import permissions
from counterpoint.lib.safejson import IdField, NumberField
from essays import anchored, builder, csv_exports, exports, feedback
from essays.downloads import download
from essays.draft_checks import word_count
from essays.models import (
    NOT_EDITABLE,
    Evidence,
    FeedbackComment,
    InvalidTransition,
    Level,
    Outline,
    OutlineSection,
    Revision,
    Score,
)
from essays.services import (
    as_draft,
    builder_material,
    draft_checks,
    draft_create,
    outline_build,
    selection_for,
)

CONFLICT = (
    "This outline was changed elsewhere. Reload it to get version {version}, "
    "then make your change again."
)
NOT_A_DRAFT = "A submitted outline cannot be deleted."
NOTHING_TO_CONFIRM = (
    "The student has not answered this comment yet, so there is nothing to confirm."
)
EVIDENCE_KEY = re.compile(r"(annotation|link|contrast):\d+")
MAX_CHOICES = 200

# --- who sees what -----------------------------------------------------------------


def readable_outlines(user):
    """The outlines `permissions` lets this user read, in one query: their own in classes
    they still belong to, and every outline in the classes they teach."""
    roles = permissions.roles_by_classroom(user)
    teaching = [pk for pk, role in roles.items() if role == permissions.TEACHER]
    return Outline.objects.filter(
        Q(author=user, assignment__classroom_id__in=list(roles))
        | Q(assignment__classroom_id__in=teaching)
    )


# --- serializers -------------------------------------------------------------------


def score_total_for(outline, context) -> int | None:
    """The rubric total (`Outline.objects.with_score_total`, the one place it is summed) for
    the class's teachers; None for the author, who reads their scores from `scores/` once
    feedback is released to them."""
    request = context.get("request")
    if request is None or outline.author_id == request.user.pk:
        return None
    return getattr(outline, "score_total", None)


class OutlineListSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    modified = serializers.DateTimeField(source="updated_at", read_only=True)
    score_total = serializers.SerializerMethodField(
        help_text="The rubric total so far, for the class's teachers (null for the author)."
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_score_total(self, outline):
        return score_total_for(outline, self.context)

    class Meta:
        model = Outline
        fields = [
            "id",
            "assignment",
            "author",
            "title",
            "structure",
            "stance",
            "thesis",
            "status",
            "version",
            "created",
            "modified",
            "score_total",
        ]
        read_only_fields = fields


class OutlineEvidenceSerializer(serializers.ModelSerializer):
    """A snapshot of a quote (or a matrix cell) with the student's commentary.
    `source_hidden`: the annotation it came from was hidden or deleted since."""

    source_hidden = serializers.BooleanField(read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "key",
            "subject",
            "quote",
            "note",
            "citation",
            "relation",
            "form",
            "commentary",
            "source_hidden",
        ]
        read_only_fields = fields


class OutlineSectionSerializer(serializers.ModelSerializer):
    evidence = OutlineEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = OutlineSection
        fields = [
            "id",
            "key",
            "order",
            "role",
            "heading",
            "claim",
            "reasoning",
            "transition",
            "dimension",
            "subject",
            "evidence",
        ]
        read_only_fields = fields


class CheckSerializer(serializers.Serializer):
    """One of `builder.check`'s findings; `target` is "thesis", a section key or an
    evidence key."""

    code = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
    target = serializers.CharField()


class OutlineSerializer(OutlineListSerializer):
    """An outline in full, with what the builder's checks say about it now."""

    sections = OutlineSectionSerializer(many=True, read_only=True)
    checks = serializers.SerializerMethodField()

    class Meta(OutlineListSerializer.Meta):
        fields = [*OutlineListSerializer.Meta.fields, "selection", "sections", "checks"]
        read_only_fields = fields

    @extend_schema_field(CheckSerializer(many=True))
    def get_checks(self, outline):
        return CheckSerializer(self.context["checks"], many=True).data


class OutlineCreateSerializer(serializers.Serializer):
    """The builder's choices. Without `dimensions`, every dimension of the comparison (as
    the builder page starts). Evidence keys are `annotation:<id>`, `link:<id>` or
    `contrast:<id>`; one this student cannot see is left out, as if it did not exist."""

    assignment = IdField()
    structure = serializers.ChoiceField(
        [(value, Outline.Structure(value).label) for value in builder.STRUCTURES],
        default=builder.STRUCTURES[0],
    )
    stance = serializers.ChoiceField(
        [(value, Outline.Stance(value).label) for value in builder.STANCES],
        default=builder.STANCES[0],
    )
    dimensions = serializers.ListField(child=IdField(), required=False, max_length=MAX_CHOICES)
    cells = serializers.ListField(child=IdField(), default=list, max_length=MAX_CHOICES)
    evidence = serializers.ListField(
        child=serializers.CharField(max_length=40), default=list, max_length=MAX_CHOICES
    )

    def validate_assignment(self, pk):
        """Not a member (or no such id): the same message, so ids cannot be probed."""
        try:
            return permissions.get_assignment_for(self.context["request"].user, pk)
        except Http404:
            raise serializers.ValidationError("No such assignment.") from None

    def validate_evidence(self, keys):
        malformed = [key for key in keys if not EVIDENCE_KEY.fullmatch(key)]
        if malformed:
            raise serializers.ValidationError(
                [
                    f"“{key}” is not evidence: use annotation:<id>, link:<id> or contrast:<id>."
                    for key in malformed
                ]
            )
        return list(dict.fromkeys(keys))

    def validate(self, data):
        """Dimensions and cells must be the comparison's (they are no secret from a member);
        the material is kept for the create."""
        material = builder_material(data["assignment"], self.context["request"].user)
        dimension_ids = {d.pk for d in material.dimensions}
        cell_ids = {cell.pk for cell in material.cells.values()}
        data.setdefault("dimensions", [d.pk for d in material.dimensions])
        errors = {}
        for name, known, what in (
            ("dimensions", dimension_ids, "Dimension"),
            ("cells", cell_ids, "Cell"),
        ):
            unknown = [pk for pk in dict.fromkeys(data[name]) if pk not in known]
            if unknown:
                errors[name] = [f"{what} {pk} is not part of this comparison." for pk in unknown]
        if errors:
            raise serializers.ValidationError(errors)
        data["material"] = material
        data["evidence"] = [key for key in data["evidence"] if material.evidence_for(key)]
        return data


def _unique_ids(rows, what):
    ids = [row["id"] for row in rows]
    twice = sorted({pk for pk in ids if ids.count(pk) > 1})
    if twice:
        raise serializers.ValidationError([f"{what} {pk} is listed twice." for pk in twice])


class SectionEditSerializer(serializers.Serializer):
    id = IdField()
    heading = serializers.CharField(max_length=200, required=False)
    claim = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    reasoning = serializers.CharField(max_length=2000, allow_blank=True, required=False)


class EvidenceEditSerializer(serializers.Serializer):
    id = IdField()
    commentary = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    relation = serializers.ChoiceField(Evidence.Relation.choices, required=False)
    form = serializers.ChoiceField(Evidence.Form.choices, required=False)


class OutlineUpdateSerializer(serializers.Serializer):
    """The student's edits, each field optional, made on the `version` they loaded. Sections
    and evidence are named by id and must belong to this outline."""

    version = NumberField(
        min_value=1,
        error_messages={
            "required": "Send the version you loaded, so that a change made elsewhere "
            "is not overwritten."
        },
    )
    title = serializers.CharField(max_length=200, required=False)
    thesis = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    sections = SectionEditSerializer(many=True, required=False)
    evidence = EvidenceEditSerializer(many=True, required=False)

    def to_representation(self, outline):
        """What may be sent, as it stands (the browsable API's form)."""
        sections = list(outline.sections.all())
        return {
            "version": outline.version,
            "title": outline.title,
            "thesis": outline.thesis,
            "sections": [
                {"id": s.pk, "heading": s.heading, "claim": s.claim, "reasoning": s.reasoning}
                for s in sections
            ],
            "evidence": [
                {"id": e.pk, "commentary": e.commentary, "relation": e.relation, "form": e.form}
                for s in sections
                for e in s.evidence.all()
            ],
        }

    def validate_sections(self, rows):
        _unique_ids(rows, "Section")
        known = {section.pk for section in self.instance.sections.all()}
        unknown = [row["id"] for row in rows if row["id"] not in known]
        if unknown:
            raise serializers.ValidationError(
                [f"Section {pk} is not part of this outline." for pk in unknown]
            )
        return rows

    def validate_evidence(self, rows):
        _unique_ids(rows, "Evidence")
        known = {e.pk for section in self.instance.sections.all() for e in section.evidence.all()}
        unknown = [row["id"] for row in rows if row["id"] not in known]
        if unknown:
            raise serializers.ValidationError(
                [f"Evidence {pk} is not part of this outline." for pk in unknown]
            )
        return rows


class RevisionSerializer(serializers.ModelSerializer):
    """A frozen copy of the outline at one submission; `is_late` against the student's due
    date (with any extension) at the time."""

    class Meta:
        model = Revision
        fields = ["number", "submitted_at", "is_late", "snapshot"]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "string",
        "description": "`open`, `addressed` or `wont_fix` (a reply sets one of the last two).",
    }
)
class CommentStateField(serializers.ChoiceField):
    """A plain string in the schema: another `state` enum would rename the flags' one."""


class FeedbackCommentSerializer(serializers.ModelSerializer):
    """A teacher's comment on the whole outline (no keys), a section (`section_key`) or a
    piece of evidence (`evidence_key`); `revision` is the number it was written on."""

    author = AuthorSerializer(read_only=True)
    revision = serializers.IntegerField(source="revision.number", allow_null=True, read_only=True)
    state = CommentStateField(FeedbackComment.State.choices, read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    target = serializers.SerializerMethodField()
    orphaned = serializers.SerializerMethodField()

    @extend_schema_field(anchored.TARGET_SCHEMA)
    def get_target(self, comment) -> dict | None:
        """The words the comment is about, where they are now (null: a section comment)."""
        return anchored.as_w3c(comment)

    def get_orphaned(self, comment) -> bool:
        """True when the words it was about were changed and it no longer has a place."""
        return anchored.is_orphaned(comment)

    class Meta:
        model = FeedbackComment
        fields = [
            "id",
            "revision",
            "section_key",
            "evidence_key",
            "author",
            "body",
            "state",
            "student_reply",
            "confirmed",
            "created",
            "target",
            "orphaned",
        ]
        read_only_fields = fields


class CommentCreateSerializer(serializers.Serializer):
    """A new comment. Leave both keys blank to comment on the whole outline; an evidence key
    alone is placed in its section. `bank` is the id of one of my saved comments, counted as
    used."""

    body = serializers.CharField(max_length=3000)
    section_key = serializers.CharField(max_length=60, allow_blank=True, default="")
    evidence_key = serializers.CharField(max_length=40, allow_blank=True, default="")
    bank = IdField(required=False, allow_null=True)
    target = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="Exactly which words: {field, section_key, selector}; see the schema.",
    )

    def validate(self, data):
        outline = self.context["outline"]
        if data.get("target") is not None:
            try:
                data["target"] = anchored.parse_target(outline, data["target"])
            except anchored.TargetError as error:
                raise serializers.ValidationError({"target": [error.message]}) from None
            return data
        sections = {s.key: {e.key for e in s.evidence.all()} for s in outline.sections.all()}
        section_key, evidence_key = data["section_key"], data["evidence_key"]
        if section_key and section_key not in sections:
            raise serializers.ValidationError(
                {"section_key": ["That section is not part of this outline."]}
            )
        if evidence_key:
            holders = [key for key, items in sections.items() if evidence_key in items]
            if not holders:
                raise serializers.ValidationError(
                    {"evidence_key": ["That evidence is not part of this outline."]}
                )
            if section_key and section_key not in holders:
                raise serializers.ValidationError(
                    {"evidence_key": ["That evidence is in another section."]}
                )
            data["section_key"] = section_key or holders[0]
        return data


class CommentReplySerializer(serializers.Serializer):
    """The author's answer to a comment: addressed, or won't fix (say why)."""

    state = CommentStateField(
        [
            (value, FeedbackComment.State(value).label)
            for value in (FeedbackComment.State.ADDRESSED, FeedbackComment.State.WONT_FIX)
        ]
    )
    student_reply = serializers.CharField(max_length=2000, allow_blank=True, default="")


class CommentConfirmSerializer(serializers.Serializer):
    """A teacher agrees with the student's answer, or (`reopen`) opens the comment again."""

    reopen = serializers.BooleanField(default=False)


class ScoreSerializer(serializers.ModelSerializer):
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)
    level_name = serializers.CharField(source="level.name", read_only=True)

    class Meta:
        model = Score
        fields = ["criterion", "criterion_name", "level", "level_name", "points"]
        read_only_fields = fields


class ScoreSetSerializer(serializers.Serializer):
    """Score one rubric criterion by choosing one of its levels."""

    criterion = IdField()
    level = IdField()

    def validate(self, data):
        outline = self.context["outline"]
        level = (
            Level.objects.select_related("criterion")
            .filter(
                pk=data["level"],
                criterion_id=data["criterion"],
                criterion__rubric__assignment_id=outline.assignment_id,
            )
            .first()
        )
        if level is None:
            raise serializers.ValidationError(
                {"level": ["Choose one of this criterion's levels in this assignment's rubric."]}
            )
        data["level"] = level
        return data


class OutlineFilters(serializers.Serializer):
    assignment = IdField(required=False, allow_null=True)


@transaction.atomic
def _edit(outline: Outline, data: dict) -> bool:
    """Claim the next version, then write the edits; False (and nothing written) if someone
    saved since `data["version"]`. `outline` comes from `for_editor()`."""
    if not outline.bump(data["version"]):
        return False
    columns = [name for name in ("title", "thesis") if name in data]
    for name in columns:
        setattr(outline, name, data[name])
    outline.save(update_fields=[*columns, "updated_at"])
    sections = {s.pk: s for s in outline.sections.all()}
    evidence = {e.pk: e for s in sections.values() for e in s.evidence.all()}
    for model, rows, objects in (
        (OutlineSection, data.get("sections", []), sections),
        (Evidence, data.get("evidence", []), evidence),
    ):
        changed, fields = [], set()
        for row in rows:
            obj = objects[row["id"]]
            for name, value in row.items():
                if name != "id":
                    setattr(obj, name, value)
                    fields.add(name)
            changed.append(obj)
        if fields:
            model.objects.bulk_update(changed, sorted(fields))
    return True


# --- the viewset -------------------------------------------------------------------

FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=list(exports.FORMATS), required=True, description="md or docx"
)


class OutlineViewSet(viewsets.GenericViewSet):
    """Essay outlines: mine, and (for teachers) every outline in the classes they teach.

    Create from the builder's choices: `assignment`, `structure`, `stance`, `dimensions`
    (ids; all of them if left out), `cells` (matrix cell ids) and `evidence`
    (`annotation:<id>`, `link:<id>`, `contrast:<id>`). PATCH sends the `version` it was
    loaded at with any of `title`, `thesis`, `sections` (`id`, `heading`, `claim`,
    `reasoning`) and `evidence` (`id`, `commentary`, `relation`, `form`); a stale version is
    a 409 with the current one. Only the author edits or deletes, and only a draft can be
    deleted. `export/?format=md|docx` downloads the outline as a file.
    """

    lookup_value_regex = r"\d+"
    action_serializers = {
        "list": OutlineListSerializer,
        "create": OutlineCreateSerializer,
        "partial_update": OutlineUpdateSerializer,
        "submit": serializers.Serializer,
        "return_for_revision": serializers.Serializer,
        "accept": serializers.Serializer,
        "revisions": RevisionSerializer,
        "comments": CommentCreateSerializer,
        "comment_reply": CommentReplySerializer,
        "comment_confirm": CommentConfirmSerializer,
        "scores": ScoreSetSerializer,
    }

    kind = Outline.Kind.OUTLINE

    def get_queryset(self):
        return (
            readable_outlines(self.request.user)
            .filter(kind=self.kind)
            .select_related("author")
            .with_score_total()
        )

    def get_serializer_class(self):
        """By action; the browsable API's forms ask for these too."""
        return self.action_serializers.get(self.action, OutlineSerializer)

    def perform_content_negotiation(self, request, force=False):
        """On `export`, `?format=` names the file type, not one of DRF's renderers."""
        return super().perform_content_negotiation(request, force=force or self.action == "export")

    def _outline(self, pk, *, action="read") -> Outline:
        return permissions.get_outline_for(
            self.request.user,
            pk,
            action=action,
            queryset=Outline.objects.for_editor().with_score_total().filter(kind=self.kind),
        )

    def _plain(self, pk, *, action="read") -> Outline:
        """The outline without its sections: for status changes and feedback."""
        return permissions.get_outline_for(
            self.request.user, pk, action=action, queryset=Outline.objects.filter(kind=self.kind)
        )

    def _shown(self, outline, *, material=None, status_code=status.HTTP_200_OK):
        """The outline in full, with the builder's checks run against the author's material
        (what the author could choose from, whoever is reading)."""
        if material is None:
            material = builder_material(outline.assignment, outline.author)
        checks = builder.check(as_draft(outline), selection_for(outline, material))
        context = {**self.get_serializer_context(), "checks": checks}
        return Response(OutlineSerializer(outline, context=context).data, status=status_code)

    @extend_schema(
        parameters=[OpenApiParameter("assignment", int)],
        responses=OutlineListSerializer(many=True),
    )
    def list(self, request):
        params = OutlineFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        queryset = self.get_queryset()
        if params.validated_data.get("assignment") is not None:
            queryset = queryset.filter(assignment_id=params.validated_data["assignment"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=OutlineCreateSerializer,
        responses={201: OutlineSerializer, 429: OpenApiTypes.OBJECT},
    )
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        material = data["material"]
        outline = outline_build(
            material=material,
            assignment=data["assignment"],
            author=request.user,
            dimension_ids=data["dimensions"],
            cell_ids=data["cells"],
            evidence_keys=data["evidence"],
            structure=data["structure"],
            stance=data["stance"],
        )
        outline = Outline.objects.for_editor().get(pk=outline.pk)
        return self._shown(outline, material=material, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return self._shown(self._outline(pk))

    @extend_schema(
        request=OutlineUpdateSerializer,
        responses={200: OutlineSerializer, 409: OpenApiTypes.OBJECT},
    )
    def partial_update(self, request, pk=None):
        outline = self._outline(pk, action="write")
        serializer = self.get_serializer(outline, data=request.data)
        serializer.is_valid(raise_exception=True)
        if not outline.is_editable:  # as the editor page refuses it
            raise ValidationError({"non_field_errors": [NOT_EDITABLE]})
        if not _edit(outline, serializer.validated_data):
            current = Outline.objects.filter(pk=outline.pk).values_list("version", flat=True)
            if not current:
                raise Http404
            return Response(
                {"detail": CONFLICT.format(version=current[0]), "version": current[0]},
                status=status.HTTP_409_CONFLICT,
            )
        return self._shown(Outline.objects.for_editor().get(pk=outline.pk))

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        outline = self._outline(pk, action="write")
        if outline.status != Outline.Status.DRAFT:
            raise ValidationError({"non_field_errors": [NOT_A_DRAFT]})
        outline.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, content_type.split(";")[0]): OpenApiResponse(OpenApiTypes.BINARY)
            for _, content_type in exports.FORMATS.values()
        },
    )
    @action(detail=True)
    def export(self, request, pk=None):
        """The outline (or draft) as a file to download: Markdown or Word."""
        response = download(self._outline(pk), request.query_params.get("format", ""))
        if response is None:
            raise ValidationError({"format": ["Choose md or docx."]})
        return response

    # --- submission and feedback ----------------------------------------------------

    def _transition(self, pk, move: str, *, access: str):
        outline = self._plain(pk, action=access)
        try:
            outline = feedback.outline_transition(outline=outline, action=move)
        except InvalidTransition as refusal:
            raise ValidationError({"non_field_errors": [str(refusal)]}) from None
        outline = Outline.objects.select_related("author").get(pk=outline.pk)
        return Response(OutlineListSerializer(outline).data)

    @extend_schema(request=None, responses={200: OutlineListSerializer, 400: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The author submits a draft, or resubmits a returned outline; either freezes a
        revision."""
        return self._transition(pk, "submit", access="write")

    @extend_schema(request=None, responses={200: OutlineListSerializer, 400: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_revision(self, request, pk=None):
        """A teacher of the class returns a submitted outline for revision."""
        return self._transition(pk, "return", access="moderate")

    @extend_schema(request=None, responses={200: OutlineListSerializer, 400: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """A teacher of the class accepts a submitted outline."""
        return self._transition(pk, "accept", access="moderate")

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def revisions(self, request, pk=None):
        """Every submission of this outline, oldest first (the author and the teachers)."""
        outline = self._plain(pk)
        return Response(RevisionSerializer(outline.revisions.all(), many=True).data)

    def _released_to(self, outline) -> bool:
        """Teachers always see feedback; the author once it is released to them."""
        return permissions.can_moderate(self.request.user, outline) or feedback.feedback_released(
            outline
        )

    @extend_schema(methods=["GET"], request=None, responses=FeedbackCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=CommentCreateSerializer,
        responses={201: FeedbackCommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request, pk=None):
        """GET: the teacher's comments (for the author: none until feedback is released).
        POST (teachers of the class): `body`, optional `section_key` or `evidence_key`, or
        `target`: {"field": "paragraph" (drafts), "thesis", "claim" or "reasoning" (outlines),
        "section_key": …, "selector": [TextQuoteSelector, TextPositionSelector]} to comment on
        exactly those words. Reads give each comment's `target` where its words are now, and
        `orphaned` once a revision removed them."""
        if request.method == "POST":
            outline = self._outline(pk, action="moderate")
            serializer = CommentCreateSerializer(
                data=request.data, context={**self.get_serializer_context(), "outline": outline}
            )
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            comment = feedback.comment_add(
                outline=outline,
                author=request.user,
                body=data["body"],
                section_key=data["section_key"],
                evidence_key=data["evidence_key"],
                bank_id=data.get("bank"),
                target=data.get("target"),
            )
            anchored.place(outline, [comment])
            return Response(FeedbackCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        outline = self._plain(pk)
        comments = outline.comments.select_related("author", "revision")
        if not self._released_to(outline):
            comments = comments.none()
        comments = list(comments)
        anchored.place(outline, comments)
        return Response(FeedbackCommentSerializer(comments, many=True).data)

    def _comment(self, outline, comment_id) -> FeedbackComment:
        return get_object_or_404(
            outline.comments.select_related("author", "revision"), pk=comment_id
        )

    @extend_schema(request=CommentReplySerializer, responses=FeedbackCommentSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"comments/(?P<comment_id>\d+)/reply",
        url_name="comment-reply",
    )
    def comment_reply(self, request, pk=None, comment_id=None):
        """The author answers a released comment: `state` addressed or wont_fix, and a
        `student_reply`. The teacher then confirms it."""
        outline = self._plain(pk, action="write")
        if not feedback.feedback_released(outline):
            raise Http404
        comment = self._comment(outline, comment_id)
        serializer = CommentReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment.state = serializer.validated_data["state"]
        comment.student_reply = serializer.validated_data["student_reply"]
        comment.confirmed = False
        comment.save(update_fields=["state", "student_reply", "confirmed"])
        anchored.place(outline, [comment])
        return Response(FeedbackCommentSerializer(comment).data)

    @extend_schema(request=CommentConfirmSerializer, responses=FeedbackCommentSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"comments/(?P<comment_id>\d+)/confirm",
        url_name="comment-confirm",
    )
    def comment_confirm(self, request, pk=None, comment_id=None):
        """A teacher confirms the student's answer, or sends `reopen: true` to open the
        comment again."""
        outline = self._plain(pk, action="moderate")
        comment = self._comment(outline, comment_id)
        serializer = CommentConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["reopen"]:
            comment.state, comment.confirmed = FeedbackComment.State.OPEN, False
        elif comment.state == FeedbackComment.State.OPEN:
            raise ValidationError({"non_field_errors": [NOTHING_TO_CONFIRM]})
        else:
            comment.confirmed = True
        comment.save(update_fields=["state", "confirmed"])
        anchored.place(outline, [comment])
        return Response(FeedbackCommentSerializer(comment).data)

    @extend_schema(methods=["GET"], request=None, responses=ScoreSerializer(many=True))
    @extend_schema(methods=["POST"], request=ScoreSetSerializer, responses=ScoreSerializer)
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def scores(self, request, pk=None):
        """GET: the rubric scores (for the author: none until feedback is released).
        POST (teachers of the class): `criterion` and `level` ids; scoring a criterion
        again replaces its score."""
        if request.method == "POST":
            outline = self._plain(pk, action="moderate")
            serializer = ScoreSetSerializer(
                data=request.data, context={**self.get_serializer_context(), "outline": outline}
            )
            serializer.is_valid(raise_exception=True)
            score = feedback.score_set(outline=outline, level=serializer.validated_data["level"])
            score = Score.objects.select_related("criterion", "level").get(pk=score.pk)
            return Response(ScoreSerializer(score).data)
        outline = self._plain(pk)
        scores = outline.scores.select_related("criterion", "level").order_by(
            "criterion__order", "criterion__pk"
        )
        if not self._released_to(outline):
            scores = scores.none()
        return Response(ScoreSerializer(scores, many=True).data)


class GradebookCSVView(APIView):
    """An assignment's gradebook as CSV, for the class's teachers: one row per student with
    status, submitted at, late, the points per rubric criterion and the total (UTF-8 with a
    byte-order mark, formulas neutralised)."""

    def perform_content_negotiation(self, request, force=False):
        """The response is always CSV, whatever the client accepts."""
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="v1_assignments_gradebook_csv",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, pk):
        assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
        return csv_exports.csv_response(
            csv_exports.gradebook_rows(assignment), csv_exports.filename(assignment, "gradebook")
        )


# --- essay drafts -------------------------------------------------------------------


class DraftParagraphSerializer(serializers.ModelSerializer):
    words = serializers.SerializerMethodField()

    class Meta:
        model = OutlineSection
        fields = ["id", "key", "order", "role", "heading", "claim", "paragraph", "words"]
        read_only_fields = fields

    def get_words(self, section) -> int:
        return word_count(section.paragraph)


class DraftCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
    target = serializers.CharField()


class DraftSerializer(serializers.ModelSerializer):
    paragraphs = DraftParagraphSerializer(source="sections", many=True, read_only=True)
    checks = serializers.SerializerMethodField()
    outline = serializers.PrimaryKeyRelatedField(source="source", read_only=True)
    words = serializers.SerializerMethodField()
    score_total = serializers.SerializerMethodField(
        help_text="The rubric total so far, for the class's teachers (null for the author)."
    )

    class Meta:
        model = Outline
        fields = [
            "id",
            "assignment",
            "outline",
            "title",
            "thesis",
            "status",
            "version",
            "words",
            "paragraphs",
            "checks",
            "created_at",
            "updated_at",
            "score_total",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_score_total(self, draft):
        return score_total_for(draft, self.context)

    @extend_schema_field(DraftCheckSerializer(many=True))
    def get_checks(self, draft):
        return DraftCheckSerializer(draft_checks(draft), many=True).data

    def get_words(self, draft) -> int:
        return sum(word_count(s.paragraph) for s in draft.sections.all())


class DraftCreateSerializer(serializers.Serializer):
    outline = IdField()


class ParagraphEditSerializer(serializers.Serializer):
    id = IdField()
    text = serializers.CharField(allow_blank=True, max_length=20000)


class DraftUpdateSerializer(serializers.Serializer):
    version = NumberField()
    title = serializers.CharField(required=False, max_length=200)
    paragraphs = ParagraphEditSerializer(many=True, required=False)


class DraftViewSet(OutlineViewSet):
    """Essay drafts, written from an outline: create with `{"outline": id}`; PATCH sends the
    `version` it was loaded at with `paragraphs` (`id`, `text`) and/or `title`; a stale
    version is a 409. Submission, revisions, comments and scores work as for outlines;
    `export/?format=md|docx` downloads the essay."""

    kind = Outline.Kind.DRAFT
    action_serializers = {
        **OutlineViewSet.action_serializers,
        "list": DraftSerializer,
        "create": DraftCreateSerializer,
        "partial_update": DraftUpdateSerializer,
    }

    def _shown(self, outline, *, material=None, status_code=status.HTTP_200_OK):
        return Response(
            DraftSerializer(outline, context=self.get_serializer_context()).data,
            status=status_code,
        )

    @extend_schema(responses=DraftSerializer)
    def retrieve(self, request, pk=None):
        return super().retrieve(request, pk)

    @extend_schema(responses=DraftSerializer(many=True))
    def list(self, request):
        queryset = self.get_queryset().prefetch_related("sections")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            DraftSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=DraftCreateSerializer, responses={201: DraftSerializer, 429: OpenApiTypes.OBJECT}
    )
    def create(self, request):
        serializer = DraftCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            outline = permissions.get_outline_for(
                request.user,
                serializer.validated_data["outline"],
                action="write",
                queryset=Outline.objects.for_editor().filter(kind=Outline.Kind.OUTLINE),
            )
        except (Http404, PermissionDenied):
            raise ValidationError({"outline": ["No such outline of yours."]}) from None
        draft = draft_create(outline=outline, author=request.user)
        return self._shown(
            Outline.objects.for_editor().get(pk=draft.pk), status_code=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=DraftUpdateSerializer,
        responses={200: DraftSerializer, 409: OpenApiTypes.OBJECT},
    )
    def partial_update(self, request, pk=None):
        draft = self._outline(pk, action="write")
        serializer = DraftUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sections = {s.pk: s for s in draft.sections.all()}
        rows = data.get("paragraphs", [])
        unknown = [row["id"] for row in rows if row["id"] not in sections]
        if unknown:
            raise ValidationError({"paragraphs": [f"Paragraph {unknown[0]} is not in this draft."]})
        if not draft.is_editable:
            raise ValidationError({"non_field_errors": ["This draft is with your teacher."]})
        with transaction.atomic():
            if not draft.bump(data["version"]):
                current = Outline.objects.filter(pk=draft.pk).values_list("version", flat=True)[0]
                return Response(
                    {"detail": CONFLICT.format(version=current), "version": current},
                    status=status.HTTP_409_CONFLICT,
                )
            for row in rows:
                section = sections[row["id"]]
                section.paragraph = row["text"].replace("\x00", "")
                section.save(update_fields=["paragraph"])
            if "title" in data:
                Outline.objects.filter(pk=draft.pk).update(title=data["title"])
        return self._shown(Outline.objects.for_editor().get(pk=draft.pk))


routes = [("outlines", OutlineViewSet, "outline"), ("drafts", DraftViewSet, "draft")]
