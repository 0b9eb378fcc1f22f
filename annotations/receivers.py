"""How annotations answers what the platform and comparisons announce (connected in
AnnotationsConfig.ready): receivers rather than calls in each view, so the editor, the admin
and the shell all keep annotations in step."""

from annotations import services


def reanchor_on_passage_save(sender, instance, created=False, raw=False, **kwargs):
    """A passage's text changed: its annotations follow their quote, or are marked orphaned."""
    if created or raw or not getattr(instance, "text_changed", True):
        return
    services.passage_reanchor(instance)


def orphan_on_passage_delete(sender, instance, **kwargs):
    services.passage_orphan(instance)


def member_leaving(sender, *, classroom, user, **kwargs):
    services.annotations_leave(classroom=classroom, author=user)


def account_deleting(sender, *, user, **kwargs):
    services.account_annotations_leave(user=user)
