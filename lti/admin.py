"""django-lti registers its own models (registrations with their deployments, keys,
contexts, users) in the admin; these are Counterpoint's additions."""

from django.contrib import admin

from lti.models import ActivityLink, CourseLink, ScoreSend


@admin.register(CourseLink)
class CourseLinkAdmin(admin.ModelAdmin):
    list_display = ["context", "classroom", "roster_synced_at", "roster_error"]
    raw_id_fields = ["context", "classroom"]


@admin.register(ActivityLink)
class ActivityLinkAdmin(admin.ModelAdmin):
    list_display = ["resource_link", "assignment", "lineitem_url"]
    raw_id_fields = ["resource_link", "assignment"]


@admin.register(ScoreSend)
class ScoreSendAdmin(admin.ModelAdmin):
    list_display = ["student", "activity", "score_given", "score_maximum", "status", "attempts"]
    list_filter = ["status"]
    raw_id_fields = ["outline", "student", "activity"]
    readonly_fields = ["release_key", "sent_at", "created_at"]
