"""A fixed-window rate limit kept in the cache.

The counter lives in Django's cache, so with a shared cache (the database cache or Redis)
the limit holds across every app server; with the local-memory cache it is per process.
"""

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, window: int = 60) -> bool:
    """Count one hit for `key`; False once more than `limit` hits fall in this window."""
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 5):
        return True
    try:
        hits = cache.incr(bucket)
    except ValueError:  # the bucket expired between add() and incr()
        cache.add(bucket, 1, timeout=window + 5)
        return True
    return hits <= limit
