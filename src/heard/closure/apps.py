from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "heard.closure"
    label = "closure"
    verbose_name = "Closure notes"

    def ready(self):
        from . import actions

        actions.register_person_hooks()
