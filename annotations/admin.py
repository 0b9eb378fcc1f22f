from django.contrib import admin

from annotations.models import (
    Annotation,
    Flag,
    Helpful,
    Link,
    ModerationAction,
    ReadingGoal,
    Tag,
)


class TagInline(admin.TabularInline):
    model = Tag
    extra = 0


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "author",
        "assignment",
        "kind",
        "visibility",
        "is_orphaned",
        "is_deleted",
        "created_at",
    ]
    list_filter = ["kind", "visibility", "is_private_reply", "is_orphaned", "is_deleted"]
    list_select_related = ["author", "assignment__comparison", "assignment__classroom"]
    search_fields = ["body", "exact", "author__display_name", "author__email"]
    raw_id_fields = ["assignment", "passage", "author", "parent", "dimension"]
    filter_horizontal = ["subjects"]
    inlines = [TagInline]
    date_hierarchy = "created_at"


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "relation", "author", "assignment", "created_at"]
    list_filter = ["relation"]
    list_select_related = ["author", "assignment__comparison", "assignment__classroom"]
    search_fields = ["explanation", "author__display_name"]
    raw_id_fields = ["assignment", "source", "target", "author", "dimension"]


@admin.register(Helpful)
class HelpfulAdmin(admin.ModelAdmin):
    list_display = ["annotation", "user", "created_at"]
    raw_id_fields = ["annotation", "user"]
    search_fields = ["user__display_name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "annotation"]
    search_fields = ["name"]
    raw_id_fields = ["annotation"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reporter", "state", "created_at", "resolved_at"]
    list_filter = ["state", "reason"]
    list_select_related = ["reporter"]
    search_fields = ["details", "reporter__display_name", "reporter__email"]
    raw_id_fields = ["annotation", "reporter"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """Read only: the audit trail records what was done and is never rewritten."""

    list_display = ["__str__", "classroom", "action", "created_at"]
    list_filter = ["action"]
    list_select_related = ["actor", "classroom"]
    search_fields = ["snapshot", "reason", "actor__display_name"]
    readonly_fields = [
        "classroom",
        "annotation",
        "annotation_author",
        "snapshot",
        "actor",
        "action",
        "reason",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReadingGoal)
class ReadingGoalAdmin(admin.ModelAdmin):
    list_display = ["assignment", "evidence", "questions", "comments", "replies", "updated_at"]
    list_select_related = ["assignment__comparison", "assignment__classroom"]
    search_fields = ["assignment__comparison__title", "assignment__classroom__name"]
    raw_id_fields = ["assignment"]
