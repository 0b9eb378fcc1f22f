"""No page or API response shows a student another person's e-mail address.

Every URL the authorization matrix lets a student read is fetched as each of the two
students of the class: neither may find the other's address, the teacher's, or an outsider's.
"""

import pytest
from django.test import Client

from tests.trust.test_authorization_matrix import ROUTES, url_for


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


CLASSMATE_PAGES = sorted(
    name
    for name, route in ROUTES.items()
    if route.get is not None and route.get["classmate"] == 200
)


@pytest.mark.parametrize("name", CLASSMATE_PAGES)
def test_no_page_shows_a_classmate_their_classmates_email(name, world, db):
    """Every page and API response the matrix lets a student read, as each of the two
    students: neither sees the other's address, nor the teacher's."""
    route = ROUTES[name]
    url = url_for(name, route, world)
    for reader, others in (
        (world.classmate, (world.student, world.teacher, world.outsider_student)),
        (world.student, (world.classmate, world.teacher, world.outsider_student)),
    ):
        content = logged_in(reader).get(url).content.decode(errors="replace")
        for other in others:
            assert other.email not in content, f"{url} shows {other.email} to {reader}"
