from django.urls import path

from annotations import goal_views, views

app_name = "annotations"

urlpatterns = [
    path("assignments/<int:pk>/annotations/new/", views.annotation_new, name="new"),
    path("assignments/<int:pk>/annotations/poll/", views.poll, name="poll"),
    path("assignments/<int:pk>/annotations/page/", views.panel_page, name="page"),
    path("assignments/<int:pk>/annotations/anchors/", views.panel_anchors, name="anchors"),
    path("annotations/<int:pk>/card/", views.card, name="card"),
    path("annotations/<int:pk>/reply/", views.reply_new, name="reply"),
    path("annotations/<int:pk>/edit/", views.annotation_edit, name="edit"),
    path("annotations/<int:pk>/delete/", views.annotation_delete, name="delete"),
    path("annotations/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("annotations/<int:pk>/link/", views.link_new, name="link"),
    path("annotations/<int:pk>/flag/", views.flag, name="flag"),
    path("annotations/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("assignments/<int:pk>/reading-goal/", goal_views.reading_goal, name="reading_goal"),
    path(
        "assignments/<int:pk>/reading-goal/progress/",
        goal_views.reading_goal_progress,
        name="reading_goal_progress",
    ),
    path("classes/<int:pk>/moderation/", views.moderation, name="moderation"),
    path("moderation/", views.moderation_overview, name="moderation_overview"),
]
