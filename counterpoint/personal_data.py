"""Everything a person wrote here, as one JSON document they can download and keep.

The platform writes the profile and the memberships; each app adds what the person wrote in
it (extensions.personal_data_sections, filled from each AppConfig.ready()): annotations,
replies and comparison links as W3C Web Annotation items, outlines, comparisons. Only what
this person wrote or chose is included: other people's words appear only where they are part
of the person's own outline (quoted evidence) or as the teacher comment their answer replies
to.
"""

from django.utils import timezone

from counterpoint import extensions


def when(moment):
    """A moment as the document writes it (ISO 8601), or None."""
    return moment.isoformat() if moment else None


def personal_data(user, request) -> dict:
    """The document itself. `request` makes links (the W3C IRIs) absolute."""
    return {
        "exported": when(timezone.now()),
        "profile": {
            "display_name": user.display_name,
            "email": user.email,
            "joined": when(user.date_joined),
            "last_login": when(user.last_login),
        },
        "memberships": [
            {
                "class": m.classroom.name,
                "role": m.role,
                "joined": when(m.joined_at),
                "group": m.group.name if m.group else None,
                "sees_whole_class": m.sees_whole_class,
            }
            for m in user.memberships.select_related("classroom", "group").order_by("joined_at")
        ],
        **{
            key: data
            for section in extensions.personal_data_sections
            for key, data in section(user, request)
        },
    }
