from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"

    def ready(self):
        from django.db.models.signals import pre_delete

        from annotations import views
        from annotations.services import passage_orphan
        from comparisons import reading
        from comparisons.models import Passage

        # The reading page is the panel's, at the URL the comparisons app keeps for it.
        reading.register_assignment_page(views.assignment_read)

        # A receiver rather than a call in the editor, so the admin and the shell orphan too.
        pre_delete.connect(
            lambda sender, instance, **kwargs: passage_orphan(instance),
            sender=Passage,
            weak=False,
            dispatch_uid="annotations-orphan-on-passage-delete",
        )
