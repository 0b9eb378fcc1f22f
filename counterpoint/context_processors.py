from counterpoint import permissions


def navigation(request):
    """Whether to show the "Comparisons" link (a callable, so it costs nothing where the
    navigation is not drawn). The "Moderation" link is annotations' own
    (annotations.context_processors)."""
    return {
        # Shown to those who may author (counterpoint.roles.may_author).
        "may_author": lambda: permissions.may_author(request.user),
    }
