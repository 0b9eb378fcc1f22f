"""A friendly 503 while the database cannot be reached, instead of a 500 and a stack trace.

When PostgreSQL restarts (or the network to it drops), every request that touches the database
raises `OperationalError` or `InterfaceError`. This middleware turns those, raised anywhere in a
view or while rendering its template, into a 503 with `Retry-After`: the standalone
`templates/503.html` for pages (it needs no database: no user, no navigation counts), a short
JSON body for the API. Nothing else changes: other database errors (an `IntegrityError` is a
bug) still go to the ordinary 500 handling.

Recovery needs nothing from here: with `CONN_MAX_AGE` and `conn_health_checks=True` (settings)
Django checks a persistent connection before reusing it and opens a new one when the old one
died, so the first request after the database is back succeeds. A write that raised never
committed (each service runs in one transaction), and its client got this 503, not an
acknowledgement, so no acknowledged write is lost.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("counterpoint.dbdown")

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
MESSAGE = "Counterpoint cannot reach its database just now. Try again in a few seconds."


def unavailable(request) -> HttpResponse:
    """The 503 answer: JSON for the API, a short fragment for htmx, the page otherwise."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    elif request.headers.get("HX-Request"):
        response = HttpResponse(MESSAGE, content_type="text/plain; charset=utf-8", status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseDownMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_DOWN):
            return None
        # One line, no traceback: during an outage every request lands here.
        logger.warning("Database unavailable (%s %s): %s", request.method, request.path, exception)
        return unavailable(request)
