from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "heard.support"
    label = "support"
    verbose_name = "Support tickets"

    def ready(self):
        # Registers the erasure and export hooks for requesters' tickets.
        from . import actions  # noqa: F401
