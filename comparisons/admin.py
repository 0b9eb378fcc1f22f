from django.contrib import admin

from comparisons.models import Comparison, Contrast, Dimension, Passage, Section, Subject


class SubjectInline(admin.TabularInline):
    model = Subject
    extra = 0


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    show_change_link = True


@admin.register(Comparison)
class ComparisonAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "is_published", "published_at", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "question", "author__display_name", "author__email"]
    autocomplete_fields = ["author"]
    raw_id_fields = ["based_on"]
    inlines = [SubjectInline, DimensionInline, SectionInline]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "comparison", "colour", "order"]
    list_filter = ["colour"]
    search_fields = ["name", "comparison__title"]


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "comparison", "order"]
    search_fields = ["name", "comparison__title"]


@admin.register(Contrast)
class ContrastAdmin(admin.ModelAdmin):
    list_display = ["dimension", "subject", "statement"]
    list_select_related = ["dimension", "subject"]
    search_fields = ["statement", "dimension__name", "subject__name"]


class PassageInline(admin.StackedInline):
    model = Passage
    extra = 0
    filter_horizontal = ["dimensions"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["heading", "comparison", "order"]
    search_fields = ["heading", "comparison__title"]
    inlines = [PassageInline]


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "section", "order"]
    list_select_related = ["section"]
    search_fields = ["text", "section__heading"]
    filter_horizontal = ["dimensions"]
