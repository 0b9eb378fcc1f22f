"""JSON request bodies with a bounded shape, and ids that fit a database column.

Python's JSON decoder recurses once per level of nesting, so a 2 KB body of a thousand `[`
raised RecursionError, which DRF does not turn into a 400: every JSON endpoint answered 500.
Nothing this app reads is nested more than a few levels, so `JSONParser` here refuses a body
nested deeper than MAX_DEPTH with a 400 that says so, and catches the decoder's own
RecursionError as the same 400.

An id in a URL's query string or a JSON body is a whole number, but one past 2**63 - 1 fits no
database column: SQLite raises OverflowError before it is asked, and PostgreSQL answers an
error, so `?assignment=2**70` was a 500. `IdField` (for serializers) and `parse_id` (for HTML
views reading a query string or form) are the one place such numbers are checked.
"""

from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError

# The deepest body the API takes is an outline edit: an object holding lists of objects
# (three levels). 32 leaves plenty of room for W3C annotations and future shapes.
MAX_DEPTH = 32

TOO_DEEP = f"The JSON is nested too deeply: at most {MAX_DEPTH} levels of lists and objects."

# The largest value of a 64-bit signed column: no row has a larger id.
MAX_ID = 2**63 - 1


def depth_within(data, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects in `data` are nested at most `limit` deep (a loop, not
    recursion, so the check itself cannot overflow the stack)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_DEPTH with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if not depth_within(data):
            raise ParseError(TOO_DEEP)
        return data


class JSONLDParser(JSONParser):
    media_type = "application/ld+json"


def parse_id(raw) -> int | None:
    """An id written in a query string or form field: ASCII digits for 1 to MAX_ID, else None.

    (`str.isdigit` alone also accepts "²" and other digits `int()` refuses, and any length.)
    """
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def parse_number(raw, *, maximum: int = MAX_ID) -> int | None:
    """A whole number 0 to `maximum` in ASCII digits (a version, a position), else None."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if value <= maximum else None


class IdField(serializers.IntegerField):
    """An id in a body or query string: a whole number that some row could have."""

    default_error_messages = {
        "max_value": "No such id: ids are at most {max_value}.",
        "min_value": "No such id: ids are whole numbers from 1.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class NumberField(serializers.IntegerField):
    """A count or version in a body: a whole number a 64-bit column can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
