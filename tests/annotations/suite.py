"""The W3C Web Annotation test suite's MUST assertions, run offline with `jsonschema`.

The suite (vendored in `w3c_suite/`, see its NOTICE.md) is a set of draft-04 JSON Schemas, one
per assertion, listed in `annotationMusts.test`, `collectionMusts.test` and
`pages/pageMusts.test`. Each schema names itself with a relative `id` ("collections.json",
"5.2-pagePartOfValidated.json") and refers to the shared definitions by those names, so every
file is registered under one made-up base IRI and `$ref`s resolve from the registry, never
the network.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SUITE = Path(__file__).parent / "w3c_suite"
BASE = "https://web-annotation-tests.invalid/"

# The suite's runner checks formats; jsonschema needs optional packages for these two, so
# they are checked here by hand: an absolute IRI, and an xsd:dateTime-like timestamp.
FORMATS = FormatChecker(formats=())


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


@FORMATS.checks("date-time")
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


MUSTS = {
    "annotation": "annotations/annotationMusts.test",
    "collection": "collections/collectionMusts.test",
    "page": "collections/pages/pageMusts.test",
}


def _load(path: Path) -> dict:
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["id"] = BASE + path.name
    return schema


@cache
def _definitions() -> list[tuple[str, Resource]]:
    return [
        (BASE + path.name, Resource(_load(path), specification=DRAFT4))
        for path in sorted((SUITE / "definitions").glob("*.json"))
    ]


@cache
def _assertions(shape: str) -> list[tuple[str, dict, Registry]]:
    """(file, assertion, registry) for each MUST of the list. The assertion is registered
    under its own IRI: in draft-04 an `id` next to a `$ref` is ignored, so the IRI it was
    found at is what its relative `$ref`s resolve against."""
    listing = json.loads((SUITE / MUSTS[shape]).read_text(encoding="utf-8"))
    found = []
    for name in listing["assertions"]:
        assertion = _load(SUITE / name)
        if assertion.get("assertionType") != "must":
            continue
        uri = BASE + Path(name).name
        registry = Registry().with_resources(
            [*_definitions(), (uri, Resource(assertion, specification=DRAFT4))]
        )
        found.append((name, assertion, registry))
    return found


def failed_musts(document: dict, shape: str) -> list[str]:
    """The MUST assertions of the suite for `shape` ("annotation", "collection" or "page")
    that `document` fails, each as "file: the suite's error message"."""
    failures = []
    for name, assertion, registry in _assertions(shape):
        schema = {"$ref": BASE + Path(name).name}
        validator = Draft4Validator(schema, registry=registry, format_checker=FORMATS)
        valid = validator.is_valid(document)
        if valid != (assertion.get("expectedResult", "valid") == "valid"):
            failures.append(f"{name}: {assertion.get('errorMessage', '')}")
    return failures


def must_count(shape: str) -> int:
    return len(_assertions(shape))
