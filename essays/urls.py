from django.urls import path

from essays import views

app_name = "essays"

urlpatterns = [
    path("assignments/<int:pk>/builder/", views.builder_page, name="builder"),
    path("outlines/<int:pk>/", views.outline_page, name="outline"),
    path("outlines/<int:pk>/save/", views.outline_save, name="save"),
    path("outlines/<int:pk>/action/", views.outline_action, name="action"),
    path("outlines/<int:pk>/delete/", views.outline_delete, name="delete"),
    path("outlines/<int:pk>/print/", views.outline_print, name="print"),
    path("outlines/<int:pk>/export.<str:fmt>", views.outline_export, name="export"),
]
