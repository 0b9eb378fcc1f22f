"""NUL characters are removed from what people send, before any view sees it.

A NUL (U+0000) is never meaningful in text anyone types here, and PostgreSQL refuses to
store one: a single NUL in any text field that a view saved without a Django or DRF form
(which would refuse it) was a 500. Removing them at the door keeps every path safe, the
ones written later included, and loses nothing a person meant to write.

Covered: the query string, form and multipart fields (not uploaded files, whose readers
clean their own text), and JSON bodies (`application/json`, `application/ld+json`).
"""

import json

from django.http import QueryDict

from counterpoint.lib.safejson import depth_within

NUL = "\x00"


def _clean(value):
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def _cleaned(query: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(_clean(key), _clean(values))
    cleaned._mutable = False
    return cleaned


def _has_nul(query: QueryDict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in query.lists())


class StripNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") and _has_nul(request.GET):
            request.GET = _cleaned(request.GET)
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _has_nul(request.POST):
                request.POST = _cleaned(request.POST)
        elif content_type.endswith("json") and request.method not in ("GET", "HEAD"):
            body = request.body
            if b"\\u0000" in body or b"\x00" in body:
                try:
                    data = json.loads(body)
                except (ValueError, RecursionError):
                    pass  # not JSON after all, or too deep: the parser will say so, with a 400
                else:
                    if depth_within(data):  # deeper bodies are refused by the parser
                        request._body = json.dumps(_clean(data)).encode()
        return self.get_response(request)
