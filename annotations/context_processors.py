from django.db.models import Count, Q

from annotations.models import Flag
from counterpoint import roles
from counterpoint.models import Membership


def moderation(request):
    """Whether to show a teacher's "Moderation" link, and its open-flag count.

    It is a callable, so the template runs it only where the navigation is drawn (never for
    htmx fragments) and only for signed-in users. Someone who teaches no class (every
    student) is answered from their roles, which the page has loaded already (the
    "Comparisons" link asks them too): no query. A teacher's link costs one query.
    """

    def counts():
        user = request.user
        if not user.is_authenticated or not roles.teaches_any_class(user):
            return {"teaching": False, "flags": 0}
        counts = Membership.objects.filter(
            user=user, role=Membership.Role.TEACHER, classroom__is_archived=False
        ).aggregate(
            teaching=Count("pk", distinct=True),
            flags=Count(
                "classroom__assignments__annotations__flags",
                filter=Q(classroom__assignments__annotations__flags__state=Flag.State.OPEN),
                distinct=True,
            ),
        )
        return {"teaching": counts["teaching"] > 0, "flags": counts["flags"]}

    return {"moderation_nav": counts}
