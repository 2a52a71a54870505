from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "heard.participation"
    label = "participation"
    verbose_name = "Participation"

    def ready(self):
        from heard.stakeholders.actions import ERASURE_HOOKS, register_erasure_hook

        from . import actions

        # ready() may run twice in some test runners; register once.
        if actions.erase_person not in ERASURE_HOOKS:
            register_erasure_hook(actions.erase_person)
