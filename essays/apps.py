from django.apps import AppConfig


class EssaysConfig(AppConfig):
    name = "essays"

    def ready(self):
        from counterpoint import extensions
        from essays import access, personal_data
        from essays.models import Outline

        access.register()
        extensions.class_counts["waiting"] = Outline.objects.waiting_count_in
        extensions.assignment_progress["outline_status"] = Outline.objects.latest_status_of
        if personal_data.sections not in extensions.personal_data_sections:
            extensions.personal_data_sections.append(personal_data.sections)
