"""The API against its own OpenAPI schema (/api/schema/), with requests schemathesis makes up.

Signed in as a student of the class (token authentication), with the shared world's data
(tests/trust/world.py), each operation in the schema gets a small, fixed number of
generated requests, valid and invalid. None may answer 5xx, and every response whose status
the schema documents must match it (body and content type). Half the valid requests use the
world's real ids, so they reach real annotations, outlines and classes, not only 404s.

Bounded and repeatable: EXAMPLES per mode per operation, derandomised, no example database.
The operations are driven with Hypothesis directly (`operation.as_strategy`) rather than
schemathesis's pytest plugin, whose lazy loader does not run under pytest 9.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

EXAMPLES = 4  # per generation mode (valid, invalid), per operation
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def load_schema():
    """/api/schema/ as served (it needs no database, so it is read at collection)."""
    response = Client(HTTP_HOST="localhost").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:500]
    schema = schemathesis.openapi.from_dict(json.loads(response.content))
    schema.app = get_wsgi_application()  # requests go through Django in-process
    return schema


OPERATIONS = {result.ok().label: result.ok() for result in load_schema().get_all_operations()}


def real_ids(world, path: str) -> dict:
    """The world's object of the kind this path names, for its path parameters."""
    kinds = {
        "/annotations/": world.annotation,
        "/outlines/": world.outline,
        "/drafts/": world.draft,
        "/classes/": world.classroom,
        "/comparisons/": world.comparison,
        "/assignments/": world.assignment,
    }
    found = next((obj for kind, obj in kinds.items() if kind in path), None)
    ids = {}
    if found is not None and "{id}" in path:
        ids["id"] = found.pk
    if found is not None and "{pk}" in path:
        ids["pk"] = found.pk
    if "{comment_id}" in path:
        ids["comment_id"] = world.draft_comment.pk if "/drafts/" in path else world.comment.pk
    return ids


@pytest.fixture
def keep_connection():
    """Requests go through Django's real WSGI handler, which closes an old database
    connection around each one; that would end the test's transaction (on PostgreSQL).
    Django's own test client disconnects the same signals."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_the_api_answers_as_its_schema_says(label, world, db, keep_connection):
    operation = OPERATIONS[label]
    token = Token.objects.get_or_create(user=world.student)[0].key
    auth = {"Authorization": f"Token {token}"}
    ids = real_ids(world, operation.path)
    strategies = [
        operation.as_strategy(headers=auth),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, headers=auth),
    ]
    if ids:
        strategies.append(operation.as_strategy(headers=auth, path_parameters=ids))

    @given(case=st.one_of(strategies))
    @settings(
        max_examples=EXAMPLES * len(strategies),
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def requests_conform(case):
        case.call_and_validate(checks=CHECKS)

    requests_conform()


# --- the shapes generated requests rarely reach --------------------------------------
# Random generation seldom tries an id past 2**63 or a body nested a thousand deep, and each
# was a 500 on every endpoint it reached. These walk the schema for every place such a value
# can go, so a new filter or endpoint is covered without anyone listing it.

HUGE = str(2**70)
DEEP = "[" * 1000 + "]" * 1000  # 2 KB


def integer_parameters(operation):
    """(location, name) of every integer query or path parameter the schema documents."""
    found = []
    for parameter in operation.definition.raw.get("parameters", []):
        schema = parameter.get("schema", {})
        if schema.get("type") == "integer" and parameter.get("in") in ("query", "path"):
            found.append((parameter["in"], parameter["name"]))
    return found


def takes_json(operation) -> bool:
    content = operation.definition.raw.get("requestBody", {}).get("content", {})
    return any(media.endswith("json") for media in content)


def call(operation, world, *, path_parameters=None, query=None, body=None):
    token = Token.objects.get_or_create(user=world.student)[0].key
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", raise_request_exception=False)
    path = operation.path
    for name, value in {**real_ids(world, operation.path), **(path_parameters or {})}.items():
        path = path.replace("{" + name + "}", str(value))
    path = f"/api/v1{path}" if not path.startswith("/api/") else path
    method = getattr(client, operation.method.lower())
    if body is not None:
        return method(path, body, content_type="application/json")
    return method(path, query or {})


INTEGER_PARAMETERS = [
    (label, location, name)
    for label, operation in sorted(OPERATIONS.items())
    for location, name in integer_parameters(operation)
]


@pytest.mark.parametrize(("label", "location", "name"), INTEGER_PARAMETERS)
def test_an_integer_parameter_past_any_id_is_refused_not_a_500(label, location, name, world, db):
    """?assignment=2**70 (and passage, author, parent, subject, dimension, ...) was a 500."""
    operation = OPERATIONS[label]
    if location == "path":
        response = call(operation, world, path_parameters={name: HUGE})
        assert response.status_code == 404, (label, response.status_code)
        return
    for value in (HUGE, f"-{HUGE}"):
        response = call(operation, world, query={name: value})
        # 400 naming the parameter; 403/404 where the door is shut before it is read.
        assert response.status_code in (400, 403, 404), (label, name, response.status_code)
        if response.status_code == 400:
            assert name in response.json(), response.json()


def test_the_schema_has_integer_filters_to_check():
    """The walk above finds the filters (if it found none it would prove nothing)."""
    names = {name for _, location, name in INTEGER_PARAMETERS if location == "query"}
    assert {"assignment", "passage", "author", "parent", "subject", "dimension"} <= names


JSON_BODIES = sorted(label for label, operation in OPERATIONS.items() if takes_json(operation))


@pytest.mark.parametrize("label", JSON_BODIES)
def test_a_body_nested_a_thousand_deep_is_a_400_with_a_clear_message(label, world, db):
    """A 2 KB body of a thousand `[` was a RecursionError, a 500, on every JSON endpoint."""
    response = call(OPERATIONS[label], world, body=DEEP)
    assert response.status_code in (400, 403, 404), (label, response.status_code)
    if response.status_code == 400:
        assert "nested too deeply" in response.json()["detail"]


def test_a_nested_body_with_a_nul_is_refused_too(world, db):
    """The NUL-stripping middleware reads JSON bodies holding a NUL before the parser does;
    a deep one must not raise there either."""
    operation = OPERATIONS[next(label for label in JSON_BODIES if "annotations/" in label)]
    response = call(operation, world, body="[" * 1000 + '"\\u0000"' + "]" * 1000)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
