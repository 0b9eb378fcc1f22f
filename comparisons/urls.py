from django.urls import path

from comparisons import reading, views
from counterpoint.lib.ratelimit import limit_posts

app_name = "comparisons"

urlpatterns = [
    path("comparisons/", views.comparison_list, name="list"),
    path("comparisons/new/", views.comparison_new, name="new"),
    # Every import POST parses an article of up to a megabyte: a few a minute per person.
    path(
        "comparisons/import/",
        limit_posts("import")(views.comparison_import_view),
        name="import",
    ),
    path("comparisons/<int:pk>/edit/", views.comparison_edit, name="edit"),
    path("comparisons/<int:pk>/preview/", views.comparison_preview, name="preview"),
    path("comparisons/<int:pk>/publish/", views.comparison_publish, name="publish"),
    path("comparisons/<int:pk>/<slug:kind>/add/", views.item_add, name="item_add"),
    path("comparisons/<int:pk>/<slug:kind>/<int:item_pk>/", views.item_update, name="item_update"),
    path(
        "comparisons/<int:pk>/<slug:kind>/<int:item_pk>/delete/",
        views.item_delete,
        name="item_delete",
    ),
    path("comparisons/<int:pk>/<slug:kind>/<int:item_pk>/move/", views.item_move, name="item_move"),
    path(
        "comparisons/<int:pk>/cells/<int:dimension_pk>/<int:subject_pk>/",
        views.cell_save,
        name="cell_save",
    ),
    path("classes/<int:classroom_pk>/assign/", views.assignment_new, name="assign"),
    path("assignments/<int:pk>/", reading.assignment_page, name="read"),
    path("assignments/<int:pk>/settings/", views.assignment_settings, name="assignment_settings"),
]
