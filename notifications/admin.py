from django.contrib import admin

from notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "actor", "place", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "actor"]
    raw_id_fields = [
        "recipient",
        "actor",
        "classroom",
        "annotation",
        "outline",
        "comment",
        "invitation",
    ]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "daily_digest", "last_digest_at"]
    raw_id_fields = ["user"]
