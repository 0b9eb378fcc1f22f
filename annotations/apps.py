from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"

    def ready(self):
        from django.db.models import signals

        from annotations import access, personal_data, receivers, views
        from annotations.models import Annotation, Flag
        from comparisons import reading
        from comparisons.models import Passage
        from counterpoint import extensions

        access.register()
        # The reading page is the panel's, at the URL the comparisons app keeps for it.
        reading.register_assignment_page(views.assignment_read)
        signals.post_save.connect(
            receivers.reanchor_on_passage_save,
            sender=Passage,
            dispatch_uid="annotations-reanchor-on-passage-save",
        )
        # A receiver rather than a call in the editor, so the admin and the shell orphan too.
        signals.pre_delete.connect(
            receivers.orphan_on_passage_delete,
            sender=Passage,
            dispatch_uid="annotations-orphan-on-passage-delete",
        )
        extensions.member_leaving.connect(
            receivers.member_leaving, dispatch_uid="annotations-member-leaving"
        )
        extensions.account_deleting.connect(
            receivers.account_deleting, dispatch_uid="annotations-account-deleting"
        )
        extensions.class_counts["open_flags"] = Flag.objects.open_count_in
        extensions.assignment_progress["annotated"] = Annotation.objects.written_by_in
        if personal_data.sections not in extensions.personal_data_sections:
            extensions.personal_data_sections.append(personal_data.sections)
