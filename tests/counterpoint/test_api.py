import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_anonymous_api_request_is_refused():
    response = APIClient().get("/api/v1/classes/")

    assert response.status_code == 403


def test_my_classes_lists_only_my_classes_with_my_role(classroom, other_classroom, student):
    client = APIClient()
    client.force_authenticate(student)

    response = client.get("/api/v1/classes/")

    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == [classroom.name]
    assert response.json()["results"][0]["my_role"] == "student"
    assert response.json()["results"][0]["join_code"] is None


def test_teacher_sees_the_join_code(classroom, teacher):
    client = APIClient()
    client.force_authenticate(teacher)

    result = client.get("/api/v1/classes/").json()["results"][0]

    assert result["join_code"] == classroom.join_code_display


def test_class_of_another_school_is_404(classroom, outsider_teacher):
    client = APIClient()
    client.force_authenticate(outsider_teacher)

    assert client.get(f"/api/v1/classes/{classroom.pk}/").status_code == 404


def test_token_authentication_works(classroom, student):
    token = Token.objects.create(user=student)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert client.get("/api/v1/classes/").status_code == 200


def test_session_api_writes_need_csrf(classroom, student):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)

    # The list is read-only: a POST is refused for CSRF before the method check.
    assert client.post("/api/v1/classes/", {}).status_code == 403


def test_class_list_query_count_does_not_grow(django_assert_num_queries, student):
    from tests.factories import ClassroomFactory, MembershipFactory

    for _ in range(10):
        MembershipFactory(user=student, classroom=ClassroomFactory())
    client = APIClient()
    client.force_authenticate(student)

    # count, page of classes, my roles
    with django_assert_num_queries(3):
        client.get("/api/v1/classes/")


def test_schema_and_docs_are_served_without_a_cdn(client, student):
    client.force_login(student)

    schema = client.get(reverse("schema"))
    docs = client.get(reverse("api-docs")).content.decode()

    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert "/static/vendor/swagger-ui/" in docs
    assert "cdn" not in docs.lower()


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
