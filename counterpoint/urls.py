from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from annotations import api as annotations_api
from comparisons import api as comparisons_api
from counterpoint import api as counterpoint_api
from counterpoint import group_views, views
from essays import api as essays_api
from essays.api import rubric as rubric_api
from notifications import api as notifications_api

router = DefaultRouter()
for prefix, viewset, basename in (
    counterpoint_api.routes
    + comparisons_api.routes
    + annotations_api.routes
    + essays_api.routes
    + notifications_api.routes
):
    router.register(prefix, viewset, basename=basename)

account_patterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("export.json", views.account_export, name="account_export"),
    path("delete/", views.account_delete_view, name="account_delete"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("", include("django.contrib.auth.urls")),
]

class_patterns = [
    path("new/", views.classroom_new, name="classroom_new"),
    path("join/", views.join, name="join"),
    path("<int:pk>/", views.classroom, name="classroom"),
    path("<int:pk>/rotate-code/", views.classroom_rotate_code, name="classroom_rotate_code"),
    path("<int:pk>/projector/", views.classroom_projector, name="classroom_projector"),
    path("<int:pk>/archive/", views.classroom_archive, name="classroom_archive"),
    path("<int:pk>/co-teachers/", views.co_teacher_invite, name="co_teacher_invite"),
    path(
        "<int:pk>/co-teachers/invitations/<int:invitation_pk>/withdraw/",
        views.co_teacher_withdraw,
        name="co_teacher_withdraw",
    ),
    path("<int:pk>/leave/", views.classroom_leave, name="classroom_leave"),
    path("invitations/<int:pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", views.invitation_decline, name="invitation_decline"),
    path("<int:pk>/leaving/", views.classroom_leaving, name="classroom_leaving"),
    path("<int:pk>/groups/split/", group_views.groups_split, name="groups_split"),
    path("<int:pk>/groups/add/", group_views.group_add, name="group_add"),
    path("<int:pk>/groups/move/", group_views.students_move, name="students_move"),
    path("<int:pk>/groups/place/", group_views.students_place, name="students_place"),
    path(
        "<int:pk>/groups/whole-class/",
        group_views.whole_class_setting,
        name="whole_class_setting",
    ),
    path("<int:pk>/groups/view/", group_views.whole_class_choice, name="whole_class_choice"),
    path("<int:pk>/groups/<int:group_pk>/rename/", group_views.group_rename, name="group_rename"),
    path("<int:pk>/groups/<int:group_pk>/remove/", group_views.group_remove, name="group_remove"),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(account_patterns)),
    path("classes/", include(class_patterns)),
    path("", include("comparisons.urls")),
    path("", include("annotations.urls")),
    path("", include("essays.urls")),
    path("", include("essays.dashboard_urls")),
    path("inbox/", include("notifications.urls")),
    path("lti/", include("lti.urls")),
    path("admin/", admin.site.urls),
    path(
        "api/v1/assignments/<int:pk>/annotations.jsonld",
        annotations_api.AnnotationCollectionView.as_view(),
        name="annotation-collection",
    ),
    path("api/v1/assignments/<int:pk>/gradebook.csv", essays_api.GradebookCSVView.as_view()),
    path(
        "api/v1/assignments/<int:pk>/rubric/",
        rubric_api.RubricView.as_view(),
        name="assignment-rubric",
    ),
    path(
        "api/v1/classes/<int:pk>/flags/",
        annotations_api.ClassFlagsView.as_view(),
        name="classroom-flags",
    ),
    path("api/v1/", include(router.urls)),
    path("api/v1/auth/", include("rest_framework.urls", namespace="rest_framework")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
