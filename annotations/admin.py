from django.contrib import admin

from annotations.models import Annotation, Helpful, Link, Tag


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
