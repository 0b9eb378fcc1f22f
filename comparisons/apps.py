from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"

    def ready(self):
        from comparisons import access, personal_data, signals
        from counterpoint import extensions

        signals.connect()
        access.register()
        extensions.account_deleting.connect(
            _account_deleting, dispatch_uid="comparisons-account-deleting"
        )
        if personal_data.sections not in extensions.personal_data_sections:
            extensions.personal_data_sections.append(personal_data.sections)


def _account_deleting(sender, *, user, **kwargs):
    from comparisons.services import comparisons_leave

    comparisons_leave(author=user)
