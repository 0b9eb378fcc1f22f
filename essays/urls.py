from django.urls import path

from essays import bulk_views, draft_views, rubric_views, views

app_name = "essays"

urlpatterns = [
    path("assignments/<int:pk>/builder/", views.builder_page, name="builder"),
    path("outlines/<int:pk>/", views.outline_page, name="outline"),
    path("outlines/<int:pk>/save/", views.outline_save, name="save"),
    path("outlines/<int:pk>/example/", views.outline_example, name="example"),
    path("outlines/<int:pk>/action/", views.outline_action, name="action"),
    path("outlines/<int:pk>/delete/", views.outline_delete, name="delete"),
    path("outlines/<int:pk>/print/", views.outline_print, name="print"),
    path("outlines/<int:pk>/export.<str:fmt>", views.outline_export, name="export"),
    path("outlines/<int:pk>/submit/", views.outline_submit, name="submit"),
    path("outlines/<int:pk>/revisions/", views.revisions, name="revisions"),
    path(
        "outlines/<int:pk>/comments/<int:comment_pk>/reply/",
        views.comment_reply,
        name="comment_reply",
    ),
    path("outlines/<int:pk>/review/", views.review, name="review"),
    path("outlines/<int:pk>/review/comment/", views.review_comment, name="review_comment"),
    path(
        "outlines/<int:pk>/review/comments/<int:comment_pk>/confirm/",
        views.review_confirm,
        name="review_confirm",
    ),
    path("outlines/<int:pk>/review/score/", views.review_score, name="review_score"),
    path("outlines/<int:pk>/review/overall/", views.review_overall, name="review_overall"),
    path("outlines/<int:pk>/review/decide/", views.review_decide, name="review_decide"),
    path("assignments/<int:pk>/submissions/", views.submissions, name="submissions"),
    path(
        "assignments/<int:pk>/extensions/<int:student_pk>/",
        views.extension_set,
        name="extension",
    ),
    path("assignments/<int:pk>/release/", views.release_all, name="release"),
    path("assignments/<int:pk>/rubric/", rubric_views.rubric_edit, name="rubric"),
    path(
        "assignments/<int:pk>/rubric/templates/save/",
        rubric_views.rubric_template_save,
        name="rubric_template_save",
    ),
    path(
        "assignments/<int:pk>/rubric/templates/use/",
        rubric_views.rubric_template_use,
        name="rubric_template_use",
    ),
    path(
        "assignments/<int:pk>/rubric/templates/<int:template_pk>/delete/",
        rubric_views.rubric_template_delete,
        name="rubric_template_delete",
    ),
    path("assignments/<int:pk>/submissions/bulk/", bulk_views.bulk_action, name="bulk"),
    path(
        "assignments/<int:pk>/submissions.zip", bulk_views.submissions_zip, name="submissions_zip"
    ),
    path("outlines/<int:pk>/draft/", draft_views.draft_start, name="draft_start"),
    path("drafts/<int:pk>/", draft_views.draft_page, name="draft"),
    path("drafts/<int:pk>/save/", draft_views.draft_save, name="draft_save"),
    path("drafts/<int:pk>/export.<str:fmt>", views.outline_export, name="draft_export"),
    path("work/<int:pk>/process/", draft_views.process, name="process"),
]
