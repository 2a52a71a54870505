from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "heard.decisions"
    label = "decisions"
    verbose_name = "Decision records"

    def ready(self):
        from heard.stakeholders.actions import (
            ERASURE_HOOKS,
            EXPORT_HOOKS,
            register_erasure_hook,
            register_export_hook,
        )

        from . import actions

        # ready() may run twice in some test runners; register once.
        if actions._erase_person not in ERASURE_HOOKS:
            register_erasure_hook(actions._erase_person)
        if actions._export_person not in EXPORT_HOOKS:
            register_export_hook(actions._export_person)
