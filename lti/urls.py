from django.urls import path

from lti import views

app_name = "lti"

urlpatterns = [
    path("jwks/", views.jwks, name="jwks"),
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("session-check/", views.session_check, name="session_check"),
    path("continue/<str:ticket>/", views.continue_in_new_tab, name="continue"),
    path("deep-link/", views.deep_link, name="deep_link"),
    path("register/<str:token>/", views.register, name="register"),
    path("classes/<int:pk>/roster-sync/", views.roster_sync, name="roster_sync"),
]
