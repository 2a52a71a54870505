from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "heard.support"
    label = "support"
    verbose_name = "Support tickets"

    def ready(self):
        # Registers the erasure and export hooks for requesters' tickets, and the locks that
        # keep a deletion of a stakeholder or product from crossing an import.
        from . import actions, references  # noqa: F401
