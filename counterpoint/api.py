from rest_framework import serializers, viewsets

from counterpoint.models import Classroom
from counterpoint.permissions import is_teacher, roles_by_classroom


class ClassroomSerializer(serializers.ModelSerializer):
    my_role = serializers.SerializerMethodField()
    join_code = serializers.SerializerMethodField()

    class Meta:
        model = Classroom
        fields = ["id", "name", "is_archived", "my_role", "join_code"]

    def get_my_role(self, classroom) -> str:
        return roles_by_classroom(self.context["request"].user)[classroom.pk]

    def get_join_code(self, classroom) -> str | None:
        """Only the class's teachers see its join code."""
        if is_teacher(self.context["request"].user, classroom.pk):
            return classroom.join_code_display
        return None


class ClassroomViewSet(viewsets.ReadOnlyModelViewSet):
    """The classes I belong to, as a teacher or a student."""

    serializer_class = ClassroomSerializer

    def get_queryset(self):
        return Classroom.objects.for_member(self.request.user).order_by("name")


routes = [("classes", ClassroomViewSet, "classroom")]
