import pytest
from rest_framework.test import APIClient
from tests.factories import AnnotationFactory

@pytest.mark.django_db
def test_browsable(assignment, student):
    a = AnnotationFactory(assignment=assignment, author=student)
    r = AnnotationFactory(assignment=assignment, author=student, parent=a)
    c = APIClient(); c.force_login(student)
    for url in ("/api/v1/annotations/", f"/api/v1/annotations/{a.pk}/", f"/api/v1/annotations/{r.pk}/", f"/api/v1/annotations/{a.pk}/replies/"):
        resp = c.get(url, HTTP_ACCEPT="text/html")
        assert resp.status_code == 200, url
