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

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from counterpoint import permissions
from counterpoint.lib.errors import Forbidden, NotAllowed, VersionConflict
from essays import anchored, builder, csv_exports, exports, feedback
from essays.access import get_outline_for
from essays.api.serializers import (
    CommentConfirmSerializer,
    CommentCreateSerializer,
    CommentReplySerializer,
    DraftCreateSerializer,
    DraftSerializer,
    DraftUpdateSerializer,
    FeedbackCommentSerializer,
    OutlineCreateSerializer,
    OutlineFilters,
    OutlineListSerializer,
    OutlineSerializer,
    OutlineUpdateSerializer,
    RevisionSerializer,
    ScoreSerializer,
    ScoreSetSerializer,
)
from essays.downloads import download
from essays.models import (
    FeedbackComment,
    Outline,
    Score,
)
from essays.services import (
    as_draft,
    draft_create,
    draft_edit,
    example_for,
    material_for,
    outline_build,
    outline_edit,
    selection_for,
)

CONFLICT = (
    "This outline was changed elsewhere. Reload it to get version {version}, "
    "then make your change again."
)


def refusal_response(error: NotAllowed) -> Response:
    """A rule's refusal in the API's words: 409 with the version to reload, 400 under the
    field it is about (or `non_field_errors`), or the error's own status with `detail`."""
    if isinstance(error, VersionConflict):
        return Response(
            {"detail": CONFLICT.format(version=error.current), "version": error.current},
            status=status.HTTP_409_CONFLICT,
        )
    if error.status == status.HTTP_400_BAD_REQUEST:
        return Response(
            {error.field or "non_field_errors": [error.message]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return Response({"detail": error.message}, status=error.status)


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


# --- the viewset -------------------------------------------------------------------

FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=list(exports.FORMATS), required=True, description="md or docx"
)


class OutlineViewSet(viewsets.GenericViewSet):
    """Essay outlines: mine, and (for teachers) every outline in the classes they teach.

    Create from the builder's choices: `assignment`, `structure`, `stance`, `dimensions`
    (ids; all of them if left out), `cells` (matrix cell ids) and `evidence`
    (`annotation:<id>`, `link:<id>`, `contrast:<id>`); `stance` is optional. The new outline's
    thesis and every claim and reasoning are "": the builder lays out sections, evidence,
    frames and prompts, and the student writes. PATCH sends the `version` it was loaded at
    with any of `title`, `thesis`, `judgements` (`dimension`, `kind`, `sentence`,
    `most_significant`, `why`), `sections` (`id`, `heading`, `claim`, `reasoning`) and
    `evidence` (`id`, `reasoning`, `relation`, `form`); a stale version is a 409 with the
    current one. `example/` is an example thesis when the teacher allows it. Only the author
    edits or deletes, and only a draft can be deleted. `export/?format=md|docx` downloads the
    outline as a file.
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
        "example": serializers.Serializer,
        "scores": ScoreSetSerializer,
    }

    kind = Outline.Kind.OUTLINE

    def handle_exception(self, exc):
        """A rule's refusal from the models or services, translated once for every action."""
        if isinstance(exc, NotAllowed):
            return refusal_response(exc)
        return super().handle_exception(exc)

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
        return get_outline_for(
            self.request.user,
            pk,
            action=action,
            queryset=Outline.objects.for_editor().with_score_total().filter(kind=self.kind),
        )

    def _plain(self, pk, *, action="read") -> Outline:
        """The outline without its sections: for status changes and feedback."""
        return get_outline_for(
            self.request.user, pk, action=action, queryset=Outline.objects.filter(kind=self.kind)
        )

    def _shown(self, outline, *, material=None, status_code=status.HTTP_200_OK):
        """The outline in full, with the builder's checks run against the author's material
        (what the author could choose from, whoever is reading)."""
        if material is None:
            material = material_for(outline)
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
        data = serializer.validated_data
        outline_edit(
            outline=outline,
            version=data["version"],
            title=data.get("title"),
            thesis=data.get("thesis"),
            judgements=data.get("judgements"),
            sections=data.get("sections", []),
            evidence=data.get("evidence", []),
        )
        return self._shown(Outline.objects.for_editor().get(pk=outline.pk))

    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, description='{"example": "…"}, made of the judgements'
            ),
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
        }
    )
    @action(detail=True)
    def example(self, request, pk=None):
        """An example thesis made only of the student's own judgement sentences (never the
        summary table or the article), when the assignment allows it: 403 when the teacher
        shows no examples, or (the default, "after a first attempt") before the student has
        written a thesis of their own; 400 while no judgement has a sentence to build from."""
        outline = self._plain(pk)
        try:
            example = example_for(outline)
        except Forbidden as refusal:
            return Response({"detail": refusal.message}, status=status.HTTP_403_FORBIDDEN)
        except NotAllowed as refusal:
            raise ValidationError({"non_field_errors": [refusal.message]}) from None
        return Response({"example": example})

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        self._outline(pk, action="write").discard()
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
        outline = feedback.outline_transition(outline=outline, action=move)
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
        comment = feedback.released_comment(outline, comment_id)
        serializer = CommentReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback.comment_answer(
            comment=comment,
            state=serializer.validated_data["state"],
            reply=serializer.validated_data["student_reply"],
        )
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
            comment.reopen()
        else:
            comment.confirm()
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
            level = feedback.level_for(
                outline,
                serializer.validated_data["level"],
                criterion_id=serializer.validated_data["criterion"],
            )
            score = feedback.score_set(outline=outline, level=level)
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
            outline = get_outline_for(
                request.user,
                serializer.validated_data["outline"],
                action="write",
                queryset=Outline.objects.for_editor(),
            )
            draft = draft_create(outline=outline, author=request.user)
        except (Http404, PermissionDenied, NotAllowed):
            # A draft's id is answered as any id that is not one of my outlines.
            raise ValidationError({"outline": ["No such outline of yours."]}) from None
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
        draft_edit(
            draft=draft,
            version=data["version"],
            title=data.get("title"),
            paragraphs=data.get("paragraphs", []),
        )
        return self._shown(Outline.objects.for_editor().get(pk=draft.pk))


routes = [("outlines", OutlineViewSet, "outline"), ("drafts", DraftViewSet, "draft")]
