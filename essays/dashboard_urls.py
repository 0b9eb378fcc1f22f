from django.urls import path

from essays import dashboard_views

app_name = "insights"

urlpatterns = [
    path("classes/<int:pk>/dashboard/", dashboard_views.class_dashboard, name="class_dashboard"),
    path("assignments/<int:pk>/gradebook.csv", dashboard_views.gradebook_csv, name="gradebook"),
    path(
        "assignments/<int:pk>/annotations.csv",
        dashboard_views.annotations_csv,
        name="annotations",
    ),
]
