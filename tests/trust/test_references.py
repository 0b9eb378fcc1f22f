"""Every aria-describedby, aria-labelledby, aria-controls, aria-details and label-for on a page
points at an element that is there.

A reference to a missing id fails silently: the field loses its error message or its name
for a screen reader user and nobody else notices (WCAG 1.3.1, 3.3.1). Every HTML page in the
authorization matrix is fetched as each person it lets in, and every form in it is posted
empty, with and without htmx, so that the error responses are checked too.
"""

from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client

from tests.trust.test_authorization_matrix import LOGIN, ROUTES, send, url_for
from tests.trust.world import ROLES

REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-details", "for")


class References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()
        self.wanted = []
        self.unexplained = []  # invalid fields with nothing describing them
        self.groups = []  # open fieldsets: is each one described?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERENCES and value is not None and tag != "output":
                for target in value.split() or [""]:
                    self.wanted.append((f'<{tag} {name}="{target}">', target))
        if tag == "fieldset":
            self.groups.append(bool(attrs.get("aria-describedby")))
        described = attrs.get("aria-describedby") or any(self.groups)
        if attrs.get("aria-invalid") == "true" and not described:
            self.unexplained.append(f'<{tag} name="{attrs.get("name")}" aria-invalid="true">')

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.groups:
            self.groups.pop()


def broken_references(html):
    """References to missing ids, and invalid fields that no message describes."""
    parser = References()
    parser.feed(html)
    missing = {shown for shown, target in parser.wanted if target not in parser.ids}
    return sorted(missing) + parser.unexplained


def test_the_checker_notices_a_reference_to_nothing():
    html = (
        '<label for="id_body">Note</label><textarea id="id_body" aria-invalid="true"'
        ' aria-describedby="id_body_error"></textarea><p class="field-error">Write a note.</p>'
    )

    assert broken_references(html) == ['<textarea aria-describedby="id_body_error">']


def test_the_checker_notices_an_invalid_field_with_no_message():
    html = (
        '<fieldset><legend>Why?</legend><input type="radio" name="reason" id="r"'
        ' aria-invalid="true"></fieldset>'
    )

    assert broken_references(html) == ['<input name="reason" aria-invalid="true">']


PAGES = sorted(
    (name, role)
    for name, route in ROUTES.items()
    if route.get is not None and not route.json
    for role in ROLES
    if route.get[role] == 200
)


def first_allowed(statuses):
    """The first person the route lets do it (else the first it lets in at all)."""
    for refused in ((LOGIN, 400, 403, 404, 405), (LOGIN, 403, 404, 405)):
        for role in ROLES:
            if statuses[role] not in refused:
                return role
    return None


FORMS = sorted(
    (name, role, htmx)
    for name, route in ROUTES.items()
    if route.post is not None and not route.json
    if (role := first_allowed(route.post)) is not None
    for htmx in (False, True)
)


@pytest.fixture(scope="module")
def page_client():
    return Client()


def fetch(page_client, world, name, role, method, *, data=None, htmx=False):
    route = ROUTES[name]
    with transaction.atomic():
        page_client.logout()
        if role != "anonymous":
            page_client.force_login(getattr(world, role))
        url = url_for(name, route, world)
        headers = {**route.headers, **({"HX-Request": "true"} if htmx else {})}
        if method == "get":
            response = send(page_client, route, "get", url, world)
        else:
            response = page_client.post(url, data, headers=headers)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize(("name", "role"), PAGES)
def test_every_reference_on_a_page_points_at_something(name, role, world, page_client, db):
    response = fetch(page_client, world, name, role, "get")

    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        assert broken_references(response.content.decode()) == []


@pytest.mark.parametrize(("name", "role", "htmx"), FORMS)
def test_every_reference_in_a_form_posted_empty_points_at_something(
    name, role, htmx, world, page_client, db
):
    # As a browser sends a form left empty: nothing but its token (the test client does not
    # check it), so a view that binds on `request.POST or None` still sees a bound form.
    empty = {"csrfmiddlewaretoken": "unchecked"}
    response = fetch(page_client, world, name, role, "post", data=empty, htmx=htmx)

    assert response.status_code < 500
    if response.get("Content-Type", "").startswith("text/html"):
        assert broken_references(response.content.decode()) == []
