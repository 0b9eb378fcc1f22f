from rest_framework import serializers, viewsets

from comparisons.models import Comparison, Contrast, Dimension, Passage, Section, Subject


class SubjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subject
        fields = ["id", "name", "colour", "order"]


class DimensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dimension
        fields = ["id", "name", "order"]


class ContrastSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contrast
        fields = ["id", "dimension", "subject", "statement"]


class PassageSerializer(serializers.ModelSerializer):
    dimensions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Passage
        fields = ["id", "order", "text", "dimensions"]


class SectionSerializer(serializers.ModelSerializer):
    passages = PassageSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "heading", "order", "passages"]


class ComparisonListSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = Comparison
        fields = ["id", "title", "question", "summary", "author", "is_published", "published_at"]


class ComparisonSerializer(ComparisonListSerializer):
    subjects = SubjectSerializer(many=True, read_only=True)
    dimensions = DimensionSerializer(many=True, read_only=True)
    matrix = serializers.SerializerMethodField()
    sections = SectionSerializer(many=True, read_only=True)
    based_on = serializers.SerializerMethodField()

    class Meta(ComparisonListSerializer.Meta):
        fields = ComparisonListSerializer.Meta.fields + [
            "based_on",
            "subjects",
            "dimensions",
            "matrix",
            "sections",
        ]

    def get_based_on(self, comparison) -> dict | None:
        """The credit line of a copy, as the reading page shows it: the original's title and
        author (not its id: the reader of a copy may not read the original)."""
        original = comparison.based_on
        if original is None:
            return None
        return {"title": original.title, "author": original.author.display_name}

    def get_matrix(self, comparison) -> list[dict]:
        """One entry per filled cell, read from the prefetched dimensions."""
        cells = [
            cell for dimension in comparison.dimensions.all() for cell in dimension.contrasts.all()
        ]
        return ContrastSerializer(cells, many=True).data


class ComparisonViewSet(viewsets.ReadOnlyModelViewSet):
    """Comparisons I may read: my own, those assigned to my classes, and (for teachers)
    every published one."""

    def get_queryset(self):
        readable = Comparison.objects.readable_by(self.request.user).select_related("author")
        if self.action == "retrieve":
            return readable.for_reading()
        return readable.order_by("title", "pk")

    def get_serializer_class(self):
        return ComparisonSerializer if self.action == "retrieve" else ComparisonListSerializer


routes = [("comparisons", ComparisonViewSet, "comparison")]
