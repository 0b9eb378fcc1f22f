"""Sessions kept in the shared cache in front of the database: Django's `cached_db`, with one
race closed, so that a logout ends a session for good on every app server.

`cached_db` reads a session from the cache, and on a miss from the database, then puts what
it read into the cache. A logout deletes the row and the cached copy. If a request on another
server missed the cache and read the row just before the logout deleted it, its `set` would
put the ended session back into the cache, where it would stay valid (for anyone holding the
cookie) until it expired. Here, instead:

- ending a session (logout, a new key at login or password change) leaves a marker under its
  key in the cache: an empty session, as a deleted row reads;
- a read that missed the cache puts what it read there only if nothing is there yet (`add`),
  so neither that marker nor a newer copy saved meanwhile by another request is overwritten.

Session keys are random and never reused, so an empty session under an ended key is exactly
what the database would answer. Everything else is `cached_db`'s: sessions are written to the
database and the cache, and one the cache lost (restart, eviction) is read back from the
database.
"""

from django.contrib.sessions.backends import cached_db

# How long the marker of an ended session stays: far longer than any read of the row can
# take to reach the cache.
ENDED_FOR = 60 * 60


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            data = None  # as cached_db: some backends refuse odd keys (Django #17810)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        self._cache.add(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def delete(self, session_key=None):
        if session_key is None:
            session_key = self.session_key
        super().delete(session_key)
        if session_key is not None:
            self._cache.set(self.cache_key_prefix + session_key, {}, ENDED_FOR)
