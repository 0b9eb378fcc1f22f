"""Serializers for /api/v1/outlines/ and /api/v1/drafts/: they check the shape of a
request and present outlines, drafts, comments and scores; the rules live in the models and
services."""

import re

from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.api import AuthorSerializer
from counterpoint import permissions
from counterpoint.lib.safejson import IdField, NumberField
from essays import anchored, builder
from essays.draft_checks import word_count
from essays.models import (
    Evidence,
    FeedbackComment,
    Outline,
    OutlineSection,
    Revision,
    Score,
)
from essays.services import builder_material, draft_checks

EVIDENCE_KEY = re.compile(r"(annotation|link|contrast):\d+")
MAX_CHOICES = 200


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

    stance = serializers.SerializerMethodField(
        help_text="The student's optional overall view, or null; it decides nothing."
    )

    @extend_schema_field(serializers.ChoiceField(Outline.Stance.choices, allow_null=True))
    def get_stance(self, outline):
        return outline.stance or None

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
    """A claim–evidence–reasoning card: a snapshot of a quote (or a matrix cell) with
    `note` (the annotation's body when it was picked), `relation` (what it shows, as the
    student or a comparison link's author said; null until then), `reasoning` (the student's
    "This shows … because …"; `commentary` is its older name), `prompt` (the builder's
    question beside it) and `source` (`own`, `classmate` or `table`: a summary-table cell is
    never evidence from the text). `source_hidden`: the annotation was hidden or deleted."""

    source_hidden = serializers.BooleanField(read_only=True)
    reasoning = serializers.CharField(source="commentary", read_only=True)

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
            "source",
            "reasoning",
            "commentary",
            "prompt",
            "source_hidden",
        ]
        read_only_fields = fields


class OutlineSectionSerializer(serializers.ModelSerializer):
    """A section: `claim` and `reasoning` are the student's ("" from the builder); `prompt`
    and `frames` (sentence frames with "___" blanks) are the help shown beside them."""

    evidence = OutlineEvidenceSerializer(many=True, read_only=True)
    prompt = serializers.CharField(source="reasoning_prompt", read_only=True)

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
            "prompt",
            "frames",
            "transition",
            "dimension",
            "subject",
            "evidence",
        ]
        read_only_fields = fields


class CheckSerializer(serializers.Serializer):
    """One of `builder.check`'s findings. `level` is `problem` (submitting with it open
    asks for confirmation) or `suggestion`. `target` is the field to fix: "thesis",
    "judgement:<dimension id>", "judgements", "evidence", a section key, or an evidence key,
    with "#reasoning" for the reasoning box of a section or card. `spans` are [start, end]
    character ranges of the target's text that the check is about (copied words)."""

    code = serializers.CharField()
    ok = serializers.BooleanField()
    level = serializers.CharField(default=builder.PROBLEM)
    message = serializers.CharField()
    target = serializers.CharField()
    spans = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()), default=list
    )


class JudgementSerializer(serializers.Serializer):
    """The student's judgement on one of the outline's dimensions: how the subjects compare
    there (`kind`: kind | degree | alike | changed | continued, or null; the last two only for
    subjects that followed one another), a `sentence` in their own words, whether it is the
    `most_significant` for the question (at most one), and `why`."""

    dimension = IdField()
    kind = serializers.ChoiceField(list(builder.KINDS), allow_null=True, default=None)
    sentence = serializers.CharField(max_length=600, allow_blank=True, default="")
    most_significant = serializers.BooleanField(default=False)
    why = serializers.CharField(max_length=600, allow_blank=True, default="")


class OutlineSerializer(OutlineListSerializer):
    """An outline in full, with what the builder's checks say about it now."""

    sections = OutlineSectionSerializer(many=True, read_only=True)
    checks = serializers.SerializerMethodField()
    judgements = JudgementSerializer(many=True, read_only=True)
    question = serializers.SerializerMethodField()
    thesis_frames = serializers.SerializerMethodField()
    thesis_prompts = serializers.SerializerMethodField()

    class Meta(OutlineListSerializer.Meta):
        fields = [
            *OutlineListSerializer.Meta.fields,
            "question",
            "judgements",
            "thesis_frames",
            "thesis_prompts",
            "selection",
            "sections",
            "checks",
        ]
        read_only_fields = fields

    def get_question(self, outline) -> str:
        """The assignment's essay question, shown above the thesis box."""
        return outline.assignment.essay_prompt

    def get_thesis_frames(self, outline) -> list[str]:
        return list((outline.scaffold or {}).get("thesis_frames", []))

    def get_thesis_prompts(self, outline) -> list[str]:
        return list((outline.scaffold or {}).get("thesis_prompts", []))

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
    # An optional overall view; it never sets what a piece of evidence shows.
    stance = serializers.ChoiceField(
        [(value, Outline.Stance(value).label) for value in builder.STANCES],
        allow_null=True,
        default=None,
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
        material = builder_material(
            data["assignment"], self.context["request"].user, keys=data["evidence"]
        )
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
    reasoning = serializers.CharField(
        max_length=2000, allow_blank=True, required=False, help_text="This shows … because …"
    )
    commentary = serializers.CharField(
        max_length=2000, allow_blank=True, required=False, help_text="The older name of reasoning."
    )
    relation = serializers.ChoiceField(Evidence.Relation.choices, allow_null=True, required=False)
    form = serializers.ChoiceField(Evidence.Form.choices, required=False)

    def validate(self, data):
        if "reasoning" in data:
            data["commentary"] = data.pop("reasoning")
        return data


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
    judgements = JudgementSerializer(many=True, required=False, max_length=MAX_CHOICES)

    def to_representation(self, outline):
        """What may be sent, as it stands (the browsable API's form)."""
        sections = list(outline.sections.all())
        return {
            "version": outline.version,
            "title": outline.title,
            "thesis": outline.thesis,
            "judgements": outline.judgements,
            "sections": [
                {"id": s.pk, "heading": s.heading, "claim": s.claim, "reasoning": s.reasoning}
                for s in sections
            ],
            "evidence": [
                {"id": e.pk, "reasoning": e.commentary, "relation": e.relation, "form": e.form}
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
    alone is placed in its section (`feedback.comment_place`). `bank` is the id of one of my
    saved comments, counted as used."""

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
        # Which words: checked against the outline's text by the one rule (anchored); where
        # a keyed comment goes is feedback.comment_place's, called by comment_add.
        if data.get("target") is not None:
            try:
                data["target"] = anchored.parse_target(self.context["outline"], data["target"])
            except anchored.TargetError as error:
                raise serializers.ValidationError({"target": [error.message]}) from None
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
    """Score one rubric criterion by choosing one of its levels (`feedback.level_for`)."""

    criterion = IdField()
    level = IdField()


class OutlineFilters(serializers.Serializer):
    assignment = IdField(required=False, allow_null=True)


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
