"""/api/v1/outlines/: essay outlines, built from a selection, edited, exported.

Who may do what is `counterpoint.permissions`' Outline rule: the author (while in the class)
reads and writes; the class's teachers read; anyone else gets a 404. Creating goes through
the same steps as the builder page (`builder_material`, `make_selection`, `builder.build`,
`outline_create`), so a key the student may not see is not in their material and cannot be
pulled in. Every edit names the version it was made on; a stale one is a 409 that says which
version to reload, so two tabs never silently overwrite each other.
"""

import re

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
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

from annotations.api import AuthorSerializer
from counterpoint import permissions
from essays import builder, exports
from essays.models import Evidence, Outline, OutlineSection
from essays.services import (
    as_draft,
    builder_material,
    make_selection,
    outline_create,
    selection_for,
    selection_record,
)

CONFLICT = (
    "This outline was changed elsewhere. Reload it to get version {version}, "
    "then make your change again."
)
NOT_A_DRAFT = "A submitted outline cannot be deleted."
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


class OutlineListSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    modified = serializers.DateTimeField(source="updated_at", read_only=True)

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

    assignment = serializers.IntegerField()
    structure = serializers.ChoiceField(
        [(value, Outline.Structure(value).label) for value in builder.STRUCTURES],
        default=builder.STRUCTURES[0],
    )
    stance = serializers.ChoiceField(
        [(value, Outline.Stance(value).label) for value in builder.STANCES],
        default=builder.STANCES[0],
    )
    dimensions = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=MAX_CHOICES
    )
    cells = serializers.ListField(
        child=serializers.IntegerField(), default=list, max_length=MAX_CHOICES
    )
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
    id = serializers.IntegerField()
    heading = serializers.CharField(max_length=200, required=False)
    claim = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    reasoning = serializers.CharField(max_length=2000, allow_blank=True, required=False)


class EvidenceEditSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    commentary = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    relation = serializers.ChoiceField(Evidence.Relation.choices, required=False)
    form = serializers.ChoiceField(Evidence.Form.choices, required=False)


class OutlineUpdateSerializer(serializers.Serializer):
    """The student's edits, each field optional, made on the `version` they loaded. Sections
    and evidence are named by id and must belong to this outline."""

    version = serializers.IntegerField(
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


class OutlineFilters(serializers.Serializer):
    assignment = serializers.IntegerField(required=False, allow_null=True)


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
    }

    def get_queryset(self):
        return readable_outlines(self.request.user).select_related("author")

    def get_serializer_class(self):
        """By action; the browsable API's forms ask for these too."""
        return self.action_serializers.get(self.action, OutlineSerializer)

    def perform_content_negotiation(self, request, force=False):
        """On `export`, `?format=` names the file type, not one of DRF's renderers."""
        return super().perform_content_negotiation(request, force=force or self.action == "export")

    def _outline(self, pk, *, action="read") -> Outline:
        return permissions.get_outline_for(
            self.request.user, pk, action=action, queryset=Outline.objects.for_editor()
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

    @extend_schema(request=OutlineCreateSerializer, responses={201: OutlineSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        material = data["material"]
        selection = make_selection(
            material,
            dimension_ids=data["dimensions"],
            cell_ids=data["cells"],
            evidence_keys=data["evidence"],
            structure=data["structure"],
            stance=data["stance"],
        )
        outline = outline_create(
            assignment=data["assignment"],
            author=request.user,
            draft=builder.build(selection),
            selection_data=selection_record(selection, data["evidence"]),
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
        """The outline as a file to download: Markdown or Word."""
        outline = self._outline(pk)
        ext = request.query_params.get("format", "")
        if ext not in exports.FORMATS:
            raise ValidationError({"format": ["Choose md or docx."]})
        render, content_type = exports.FORMATS[ext]
        response = HttpResponse(render(outline), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=exports.filename(outline, ext)
        )
        return response


routes = [("outlines", OutlineViewSet, "outline")]
