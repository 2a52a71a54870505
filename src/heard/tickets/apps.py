from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "heard.tickets"
    label = "tickets"
    verbose_name = "Support tickets"

    def ready(self):
        # Registers the erasure and export hooks for requesters' tickets, and the locks that
        # keep a deletion of a stakeholder or product from crossing an import.
        from . import actions, references  # noqa: F401
