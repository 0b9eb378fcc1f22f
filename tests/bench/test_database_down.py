"""While the database is unreachable the app answers 503 with a friendly page, never a
stack trace (counterpoint/lib/dbdown.py). The real outage is exercised by `make fault-check`,
which restarts PostgreSQL: never from pytest, since that would cut every other session's
connections, a running test suite's included."""

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db

DOWN = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def test_a_page_gets_the_friendly_503_when_the_database_is_down(client, student):
    client.force_login(student)

    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore._get_session_from_db", side_effect=DOWN
    ):
        response = client.get(reverse("dashboard"))

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in page
    assert "Traceback" not in page and "OperationalError" not in page and "5432" not in page


def test_healthz_says_503_so_a_load_balancer_stops_sending_traffic(client):
    with mock.patch("counterpoint.views.connection") as connection:
        connection.cursor.side_effect = DOWN
        response = client.get("/healthz")

    assert response.status_code == 503


def test_the_api_gets_json(client, student):
    client.force_login(student)

    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore._get_session_from_db", side_effect=DOWN
    ):
        response = client.get("/api/v1/classes/")

    assert response.status_code == 503
    assert "database" in response.json()["detail"]


def test_htmx_gets_a_short_message_not_a_page(client, student, assignment):
    client.force_login(student)

    with mock.patch("annotations.models.AnnotationQuerySet.activity_fingerprint", side_effect=DOWN):
        response = client.get(
            reverse("annotations:poll", args=[assignment.pk]), headers={"HX-Request": "true"}
        )

    assert response.status_code == 503
    assert "<html" not in response.content.decode()


def test_other_database_errors_are_still_bugs(client, student):
    client.force_login(student)

    with (
        mock.patch(
            "counterpoint.views.Membership.objects.for_dashboard", side_effect=IntegrityError
        ),
        pytest.raises(IntegrityError),
    ):
        client.get(reverse("dashboard"))


def test_connections_are_kept_and_checked_so_the_app_recovers_by_itself():
    """A kept connection that died with a database restart is noticed and replaced on the
    next request (what `make fault-check` measures), so no app restart is needed."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] > 0
