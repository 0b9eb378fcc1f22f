"""/api/v1/assignments/{id}/rubric/: read and reshape an assignment's rubric.

Teachers of the class only (a student of the class gets 403, anyone else 404). GET returns
the criteria in order, each with its weight and levels; PUT replaces them all with the
criteria sent, or with one of the teacher's templates (`{"template": id}`). Both go through
essays.rubrics, as the rubric page does: once anyone has been scored the rubric is fixed,
and a change is a 409 that says so.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from counterpoint import permissions
from counterpoint.lib.errors import NotAllowed
from essays import rubrics
from essays.models import Criterion, Level, Rubric


class LevelSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=60)
    description = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    points = serializers.IntegerField(min_value=0, max_value=rubrics.MAX_POINTS)

    class Meta:
        model = Level
        fields = ["id", "name", "description", "points"]
        read_only_fields = ["id"]


class CriterionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    weight = serializers.IntegerField(min_value=0, max_value=rubrics.MAX_WEIGHT, default=1)
    levels = LevelSerializer(many=True)

    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight", "levels"]
        read_only_fields = ["id"]

    def validate_levels(self, levels):
        if not levels:
            raise ValidationError("Give the criterion at least one level.")
        if len(levels) > rubrics.MAX_LEVELS:
            raise ValidationError(f"At most {rubrics.MAX_LEVELS} levels.")
        return levels


class RubricSerializer(serializers.Serializer):
    criteria = CriterionSerializer(many=True, required=False)
    template = serializers.IntegerField(
        required=False, help_text="Start over from one of your rubric templates instead."
    )
    locked = serializers.BooleanField(read_only=True)
    max_points = serializers.IntegerField(read_only=True)

    def validate(self, data):
        if ("criteria" in data) == ("template" in data):
            raise ValidationError({"criteria": ["Send the criteria, or a template's id."]})
        criteria = data.get("criteria")
        if criteria is not None and not criteria:
            raise ValidationError({"criteria": ["A rubric needs at least one criterion."]})
        if criteria is not None and len(criteria) > rubrics.MAX_CRITERIA:
            raise ValidationError({"criteria": [f"At most {rubrics.MAX_CRITERIA} criteria."]})
        return data


def _shown(rubric: Rubric) -> dict:
    rubric = Rubric.objects.prefetch_related("criteria__levels").get(pk=rubric.pk)
    return {
        "criteria": CriterionSerializer(rubric.criteria.all(), many=True).data,
        "locked": rubrics.is_locked(rubric),
        "max_points": rubric.max_points,
    }


class RubricView(APIView):
    """An assignment's rubric, for the class's teachers."""

    serializer_class = RubricSerializer

    @extend_schema(operation_id="v1_assignments_rubric_read", responses=RubricSerializer)
    def get(self, request, pk):
        assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
        return Response(_shown(rubrics.rubric_for(assignment)))

    @extend_schema(
        operation_id="v1_assignments_rubric_replace",
        request=RubricSerializer,
        responses={200: RubricSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    )
    def put(self, request, pk):
        assignment = permissions.get_assignment_for(request.user, pk, action="moderate")
        serializer = RubricSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rubric = rubrics.rubric_for(assignment)
        try:
            if "template" in data:
                template = rubrics.templates_for(request.user).filter(pk=data["template"]).first()
                if template is None:
                    raise ValidationError({"template": ["Not one of your rubric templates."]})
                rubrics.rubric_from_template(rubric=rubric, template=template, user=request.user)
            else:
                rubrics.rubric_replace(rubric=rubric, shape=data["criteria"])
        except NotAllowed as refusal:
            return Response({"detail": refusal.message}, status=refusal.status)
        return Response(_shown(rubric), status=status.HTTP_200_OK)
