from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from annotations import signals as annotation_signals
        from annotations.models import Annotation
        from counterpoint import extensions
        from counterpoint import signals as platform_signals
        from counterpoint.models import CoTeacherInvitation, Membership
        from essays import signals as essay_signals
        from notifications import receivers

        uid = "notifications"
        annotation_signals.annotation_posted.connect(receivers.annotation_posted, dispatch_uid=uid)
        annotation_signals.flag_raised.connect(receivers.flag_raised, dispatch_uid=uid)
        essay_signals.work_moved.connect(receivers.work_moved, dispatch_uid=uid)
        essay_signals.feedback_released.connect(receivers.feedback_released, dispatch_uid=uid)
        essay_signals.comment_answered.connect(receivers.comment_answered, dispatch_uid=uid)
        platform_signals.coteacher_invited.connect(receivers.coteacher_invited, dispatch_uid=uid)
        post_save.connect(receivers.invitation_saved, sender=CoTeacherInvitation, dispatch_uid=uid)
        post_save.connect(receivers.annotation_saved, sender=Annotation, dispatch_uid=uid)
        post_delete.connect(receivers.membership_deleted, sender=Membership, dispatch_uid=uid)
        if receivers.personal_data not in extensions.personal_data_sections:
            extensions.personal_data_sections.append(receivers.personal_data)
        if receivers.profile_card not in extensions.profile_page_cards:
            extensions.profile_page_cards.append(receivers.profile_card)
