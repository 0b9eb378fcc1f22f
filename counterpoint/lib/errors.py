"""Domain errors: what a rule raises when it refuses, in words for the person.

Services and model methods raise these; each channel translates them once. The pages show
the message at the form (keeping what was typed), the API answers with `status` and
`{"detail": message}` (a conflict adds the current version).
"""


class NotAllowed(Exception):
    """A rule refuses the action; the message says why, in words for the person."""

    status = 400

    def __init__(self, message: str = "", *, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the refusal is about, so a page can show it there.
        self.field = field


class Forbidden(NotAllowed):
    """The person may see the thing but may not do this to it."""

    status = 403


class Throttled(NotAllowed):
    """Too many attempts in a short time; the message says to wait."""

    status = 429


class VersionConflict(NotAllowed):
    """The edit was made on an older version; someone saved in between."""

    status = 409

    def __init__(self, current: int, message: str = ""):
        super().__init__(
            message or "This changed since you opened it. Load the new version or keep yours."
        )
        self.current = current
