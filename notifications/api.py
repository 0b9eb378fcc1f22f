"""/api/v1/notifications/: my notifications (nobody else's: another person's id is a 404),
the unread count, and marking one or all read. The same queryset and model methods as the
inbox page."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.CharField(read_only=True)
    actor = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "message",
            "actor",
            "classroom",
            "annotation",
            "outline",
            "comment",
            "url",
            "created_at",
            "read",
            "read_at",
        ]
        read_only_fields = fields

    def get_actor(self, notification) -> str | None:
        """The display name of who did it (null when it was no one in particular)."""
        return notification.actor.display_name if notification.actor else None

    def get_url(self, notification) -> str:
        """The exact place in the web app: the card, the comment, the submission."""
        return self.context["request"].build_absolute_uri(notification.url)


def _flag(raw) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get((raw or "").lower())


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="true: only unread; false: only read."
            )
        ]
    )
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """What happened that concerns me, newest first (the inbox)."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return Notification.objects.none()
        mine = Notification.objects.for_inbox(self.request.user)
        unread = _flag(self.request.query_params.get("unread"))
        if unread is not None and self.action == "list":
            mine = mine.filter(read_at__isnull=unread)
        return mine

    @extend_schema(
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
    )
    @action(detail=False, url_path="unread-count", url_name="unread-count")
    def unread_count(self, request):
        """How many of my notifications are unread (the navigation's count)."""
        count = Notification.objects.filter(recipient=request.user).unread().count()
        return Response({"unread": count})

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one of my notifications read (already read: unchanged)."""
        notification = self.get_object()
        Notification.objects.mark_read(request.user, pk=notification.pk)
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        operation_id="v1_notifications_read_all",
        request=None,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read", url_name="read-all")
    def read_all(self, request):
        """Mark all my notifications read; says how many were unread."""
        return Response({"marked": Notification.objects.mark_read(request.user)})


routes = [("notifications", NotificationViewSet, "notification")]
