from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"

    def ready(self):
        from comparisons import signals

        signals.connect()
