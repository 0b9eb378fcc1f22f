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
