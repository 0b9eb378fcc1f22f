"""A fixed-window rate limit kept in the cache, and the one way the app says "too fast".

The counter lives in Django's cache, so with a shared cache (the database cache or Redis)
the limit holds across every app server; with the local-memory cache it is per process.

`allow` counts one hit (the posting limit on notes and replies). `take` counts several at
once and refuses them whole, taking nothing, when fewer are left: an import of 200 items
with 150 left is refused, not cut short. `check` is `take` for a limit named in
settings.RATE_LIMITS, raising `RateLimited` with the sentence a person reads; services raise
it, HTML views show it as a form error or a 429, and the API's exception handler
(`api_exception_handler`) answers 429 with it and a Retry-After header.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from rest_framework.exceptions import Throttled
from rest_framework.views import exception_handler


def _bucket(key: str, window: int) -> str:
    return f"ratelimit:{key}:{int(time.time() // window)}"


def allow(key: str, *, limit: int, window: int = 60) -> bool:
    """Count one hit for `key`; False once more than `limit` hits fall in this window."""
    bucket = _bucket(key, window)
    if cache.add(bucket, 1, timeout=window + 5):
        return True
    try:
        hits = cache.incr(bucket)
    except ValueError:  # the bucket expired between add() and incr()
        cache.add(bucket, 1, timeout=window + 5)
        return True
    return hits <= limit


def take(key: str, *, limit: int, window: int = 60, cost: int = 1) -> bool:
    """Count `cost` hits for `key` if that many are left in this window; otherwise count
    none and return False."""
    if cost > limit:
        return False
    bucket = _bucket(key, window)
    if cache.add(bucket, cost, timeout=window + 5):
        return True
    try:
        hits = cache.incr(bucket, cost)
    except ValueError:  # the bucket expired between add() and incr()
        return cache.add(bucket, cost, timeout=window + 5) or take(
            key, limit=limit, window=window, cost=cost
        )
    if hits <= limit:
        return True
    try:
        cache.decr(bucket, cost)  # refused whole: give the hits back
    except ValueError:
        pass
    return False


def left(key: str, *, limit: int, window: int = 60) -> int:
    """How many hits are left for `key` in this window."""
    return max(0, limit - (cache.get(_bucket(key, window)) or 0))


class RateLimited(Exception):
    """Too many of one action too quickly. `message` is for the person; `wait` is the
    window in seconds (the API's Retry-After)."""

    def __init__(self, message: str, *, wait: int = 60):
        super().__init__(message)
        self.message = message
        self.wait = wait


def check(user, action: str, *, cost: int = 1, message: str | None = None) -> None:
    """Count `cost` of `action` (a name in settings.RATE_LIMITS) for `user`, or raise
    RateLimited with the limit's message, and nothing counted, when too few are left."""
    limit, window, default_message = settings.RATE_LIMITS[action]
    if not take(f"{action}:{user.pk}", limit=limit, window=window, cost=cost):
        raise RateLimited(message or default_message, wait=window)


def remaining(user, action: str) -> int:
    limit, window, _ = settings.RATE_LIMITS[action]
    return left(f"{action}:{user.pk}", limit=limit, window=window)


class TooFast(Throttled):
    """429 with the message exactly (Throttled would append "Expected available in 60
    seconds.") and Retry-After set to the limit's window."""

    def __init__(self, message: str, wait: int = 60):
        super().__init__(detail=message)
        self.wait = wait


def api_exception_handler(exc, context):
    """DRF's handler, with RateLimited from a service answered as a 429."""
    if isinstance(exc, RateLimited):
        exc = TooFast(exc.message, exc.wait)
    return exception_handler(exc, context)


def limit_posts(action: str):
    """Decorate an HTML view so that each POST counts against `action`'s limit; past it, a
    429 page with the limit's message (the view is not run). For views whose every POST is
    expensive, such as the Markdown import, which parses the article even to preview it."""

    def decorate(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if request.method == "POST" and request.user.is_authenticated:
                try:
                    check(request.user, action)
                except RateLimited as error:
                    response = render(request, "429.html", {"message": error.message}, status=429)
                    response["Retry-After"] = str(error.wait)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
