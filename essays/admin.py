"""The essays app in the Django admin: outlines and drafts with their sections and evidence,
revisions (read only: they are frozen), feedback, rubrics, scores, reviews, extensions and
the teachers' comment banks."""

from django.contrib import admin

from essays.models import (
    BankComment,
    Criterion,
    Evidence,
    Extension,
    FeedbackComment,
    Level,
    Outline,
    OutlineSection,
    Review,
    Revision,
    Rubric,
    RubricTemplate,
    Score,
)


class OutlineSectionInline(admin.TabularInline):
    model = OutlineSection
    extra = 0
    fields = ["order", "role", "heading", "claim"]
    show_change_link = True


@admin.register(Outline)
class OutlineAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "assignment", "kind", "status", "version", "updated_at"]
    list_filter = ["kind", "status", "structure"]
    list_select_related = ["author", "assignment__comparison", "assignment__classroom"]
    search_fields = ["title", "thesis", "author__display_name", "author__email"]
    raw_id_fields = ["assignment", "author", "source"]
    # The version guards against two tabs overwriting each other; the admin leaves it be.
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [OutlineSectionInline]
    date_hierarchy = "updated_at"


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["order", "key", "quote", "citation", "relation", "form"]
    raw_id_fields = ["annotation", "contrast", "subject"]


@admin.register(OutlineSection)
class OutlineSectionAdmin(admin.ModelAdmin):
    list_display = ["heading", "role", "outline", "order"]
    list_filter = ["role"]
    list_select_related = ["outline"]
    search_fields = ["heading", "claim", "reasoning", "outline__title"]
    raw_id_fields = ["outline", "dimension", "subject"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "key", "section", "relation", "form"]
    list_filter = ["relation", "form"]
    list_select_related = ["section"]
    search_fields = ["key", "quote", "note", "commentary"]
    raw_id_fields = ["section", "annotation", "contrast", "subject"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Read only: a revision is the record of one hand-in (`Revision.save` refuses a change)."""

    list_display = ["outline", "number", "submitted_at", "is_late"]
    list_filter = ["is_late"]
    list_select_related = ["outline"]
    search_fields = ["outline__title", "outline__author__display_name"]
    readonly_fields = ["outline", "number", "snapshot", "submitted_at", "is_late"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeedbackComment)
class FeedbackCommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outline", "author", "state", "confirmed", "created_at"]
    list_filter = ["state", "confirmed"]
    list_select_related = ["outline", "author"]
    search_fields = ["body", "student_reply", "author__display_name"]
    raw_id_fields = ["outline", "revision", "author"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    show_change_link = True


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["__str__", "assignment"]
    list_select_related = ["assignment__comparison", "assignment__classroom"]
    search_fields = ["assignment__comparison__title", "assignment__classroom__name"]
    raw_id_fields = ["assignment"]
    inlines = [CriterionInline]


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "rubric", "order"]
    list_select_related = ["rubric__assignment"]
    search_fields = ["name", "description"]
    raw_id_fields = ["rubric"]
    inlines = [LevelInline]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "criterion", "points", "order"]
    list_select_related = ["criterion"]
    search_fields = ["name", "description", "criterion__name"]
    raw_id_fields = ["criterion"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["outline", "criterion", "level", "points", "updated_at"]
    list_select_related = ["outline", "criterion", "level"]
    search_fields = ["outline__title", "criterion__name"]
    raw_id_fields = ["outline", "criterion", "level"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["outline", "released_at", "updated_at"]
    list_select_related = ["outline"]
    search_fields = ["outline__title", "overall_comment"]
    raw_id_fields = ["outline"]


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = ["student", "assignment", "due_at"]
    list_select_related = ["student", "assignment__comparison", "assignment__classroom"]
    search_fields = ["student__display_name", "student__email"]
    raw_id_fields = ["assignment", "student"]


@admin.register(BankComment)
class BankCommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "teacher", "criterion_name", "uses", "created_at"]
    list_select_related = ["teacher"]
    search_fields = ["body", "criterion_name", "teacher__display_name"]
    raw_id_fields = ["teacher"]


@admin.register(RubricTemplate)
class RubricTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "classroom", "created_at"]
    list_select_related = ["owner", "classroom"]
    search_fields = ["name", "owner__display_name"]
    raw_id_fields = ["owner", "classroom"]
