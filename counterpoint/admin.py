from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from counterpoint.models import (
    Assignment,
    Classroom,
    CoTeacherInvitation,
    Membership,
    StudyGroup,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]},
        ),
    ]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "group"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "join_code", "join_code_expires_at", "is_archived", "created_at"]
    list_filter = ["is_archived"]
    search_fields = ["name", "join_code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "classroom", "role", "group", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "classroom", "group"]
    search_fields = ["user__email", "user__display_name", "classroom__name"]
    autocomplete_fields = ["user", "classroom", "group"]


@admin.register(StudyGroup)
class StudyGroupAdmin(admin.ModelAdmin):
    """Teachers make groups on the class page (counterpoint.groups keeps members within the
    class); here for looking up and fixing."""

    list_display = ["name", "classroom", "created_at"]
    list_select_related = ["classroom"]
    search_fields = ["name", "classroom__name"]
    autocomplete_fields = ["classroom"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["comparison", "classroom", "due_at", "created_at"]
    list_select_related = ["comparison", "classroom"]
    search_fields = ["comparison__title", "classroom__name", "essay_prompt"]
    autocomplete_fields = ["classroom", "comparison"]
    date_hierarchy = "due_at"


@admin.register(CoTeacherInvitation)
class CoTeacherInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "classroom", "invited_by", "state", "created_at", "answered_at"]
    list_filter = ["state"]
    list_select_related = ["classroom", "invited_by"]
    search_fields = ["email", "classroom__name", "invited_by__email"]
    autocomplete_fields = ["classroom", "invited_by"]
    date_hierarchy = "created_at"
