from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI (learning management systems)"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from counterpoint import extensions
        from essays import signals
        from lti import receivers

        signals.feedback_released.connect(receivers.on_feedback_released)
        pre_delete.connect(receivers.forget_lms_identity, sender=get_user_model())
        if receivers.score_notes not in signals.submission_row_notes:
            signals.submission_row_notes.append(receivers.score_notes)
        if receivers.class_card not in extensions.class_page_cards:
            extensions.class_page_cards.append(receivers.class_card)
        if receivers.personal_data not in extensions.personal_data_sections:
            extensions.personal_data_sections.append(receivers.personal_data)
