from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI (learning management systems)"

    def ready(self):
        from essays import signals
        from lti import receivers

        signals.feedback_released.connect(receivers.on_feedback_released)
        if receivers.score_notes not in signals.submission_row_notes:
            signals.submission_row_notes.append(receivers.score_notes)
