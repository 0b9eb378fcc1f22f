"""No page repeats an element id.

A repeated id breaks label-for, aria-labelledby, fragment links and htmx targets, usually
silently (the first element wins). Every HTML page in the authorization matrix is fetched as
each person it lets in, with the shared world's data on it (tests/trust/world.py), and its ids
are counted.
"""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client

from tests.trust.test_authorization_matrix import ROUTES, send, url_for
from tests.trust.world import ROLES


class IdCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


def repeated_ids(html):
    parser = IdCounter()
    parser.feed(html)
    return sorted(name for name, count in parser.ids.items() if count > 1)


PAGES = sorted(
    (name, role)
    for name, route in ROUTES.items()
    if route.get is not None and not route.json
    for role in ROLES
    if route.get[role] == 200
)


def test_the_main_pages_are_all_checked():
    checked = {name for name, _ in PAGES}
    main = {
        "dashboard",
        "classroom",
        "comparisons:read",
        "comparisons:edit",
        "comparisons:import",
        "essays:builder",
        "essays:outline",
        "essays:draft",
        "essays:review",
        "essays:submissions",
        "annotations:moderation",
        "annotations:edit",
        "annotations:link",
        "annotations:flag",
    }
    assert main - checked == set()


@pytest.fixture(scope="module")
def page_client():
    return Client()


@pytest.mark.parametrize(("name", "role"), PAGES)
def test_no_page_repeats_an_element_id(name, role, world, page_client, db):
    route = ROUTES[name]
    with transaction.atomic():
        page_client.logout()
        if role != "anonymous":
            page_client.force_login(getattr(world, role))
        response = send(page_client, route, "get", url_for(name, route, world), world)
        transaction.set_rollback(True)
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        return
    assert repeated_ids(response.content.decode()) == []
