from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "heard.programs"
    label = "programs"
    verbose_name = "Beta and pilot programs"

    def ready(self):
        from . import actions

        actions.register_hooks()
